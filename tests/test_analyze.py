"""The whole pipeline with the shipped model: the analyze and compare commands,
their outputs and errors, and the sample documents' expected gaps."""

import json
import shutil
from pathlib import Path

import pytest

from analyzer.classify.model import PassageClassifier
from analyzer.cli import main
from analyzer.pipeline import analyze

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
EXPECTED = json.loads((EXAMPLES / "expected.json").read_text(encoding="utf-8"))["documents"]


@pytest.fixture(scope="module")
def model():
    return PassageClassifier.load()


def test_analyze_json_follows_the_contract(tmp_path, capsys):
    assert main(["analyze", str(EXAMPLES / "nl_workwear_risicoanalyse.pdf"), "--category", "workwear"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["document"]["deliverable"] == "risk_analysis"  # read from the title
    passage = data["passages"][0]
    assert {"id", "page", "bbox", "text", "steps", "themes", "status", "specific", "scores"} <= set(passage)
    a = data["assessment"]
    assert set(a["steps"]) == {"dd1_embed", "dd2_identify", "dd3_prevent", "dd4_track", "dd5_communicate", "dd6_remedy"}
    assert all(v["status"] in ("present", "weak", "absent") for v in a["steps"].values())
    assert len(a["themes"]) == 19 and all(v["status"] in ("present", "mentioned", "absent") for v in a["themes"].values())
    assert [c["id"] for c in a["checklist"]] == [f"G{n:02d}" for n in range(1, 33)]
    ids = {p["id"] for p in data["passages"]}
    for item in a["checklist"]:
        assert item["status"] in ("met", "partial", "missing", "n/a")
        assert set(item["evidence"]) <= ids
        if item["status"] in ("partial", "missing"):
            assert item["question_nl"] and item["question_en"]
    assert {r["theme"] for r in a["expected_risks"]} >= {"t07_wages"}  # workwear: wages are salient
    assert {c["code"] for c in a["countries"]} >= {"BD", "IN", "TR", "TN", "CN"}
    assert 0 <= a["summary"]["score"] <= 1 and a["summary"]["headline_nl"] and a["summary"]["headline_en"]


def test_analyze_reports_and_highlight(tmp_path):
    source = EXAMPLES / "en_ict_risk_analysis.pdf"
    before = source.read_bytes()
    html, md, xlsx, marked = (tmp_path / n for n in ("r.html", "r.md", "r.xlsx", "marked.pdf"))
    assert main(["analyze", str(source), "--format", "html", "--lang", "en", "--output", str(html), "--highlight", str(marked)]) == 0
    assert main(["analyze", str(source), "--format", "md", "--output", str(md)]) == 0
    assert main(["analyze", str(source), "--format", "xlsx", "--output", str(xlsx)]) == 0
    assert "<html" in html.read_text(encoding="utf-8") and md.read_text(encoding="utf-8").startswith("# ")
    assert xlsx.stat().st_size > 1000 and marked.stat().st_size > 1000
    assert source.read_bytes() == before  # the original is never modified


@pytest.mark.parametrize("args, code, message", [
    (["--format", "xlsx"], 2, "xlsx output needs --output"),
    (["--highlight", "SOURCE"], 2, "never modified"),
])
def test_analyze_usage_errors(args, code, message, capsys):
    source = str(EXAMPLES / "en_ict_risk_analysis.pdf")
    args = [source if a == "SOURCE" else a for a in args]
    assert main(["analyze", source, *args]) == code
    assert message in capsys.readouterr().err


def test_analyze_bad_input_exits_3(tmp_path, capsys):
    bad = tmp_path / "empty.pdf"
    bad.write_bytes(b"")
    assert main(["analyze", str(bad)]) == 3
    assert "empty" in capsys.readouterr().err


def test_compare_finds_the_silently_dropped_measure(capsys):
    files = [str(EXAMPLES / f) for f in ("nl_workwear_risicoanalyse.pdf", "nl_workwear_plan_van_aanpak.pdf", "nl_workwear_jaarrapportage.pdf")]
    assert main(["compare", *files]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [d["deliverable"] for d in result["documents"]] == ["risk_analysis", "action_plan", "annual_report"]
    assert result["mode"] == "chain"
    assert "M5" in result["measures_not_reported"]
    assert "risks_without_measure" in result


def test_compare_needs_two_or_three_files(capsys):
    assert main(["compare", str(EXAMPLES / "nl_workwear_risicoanalyse.pdf")]) == 2


def _analyses(model):
    for entry in EXPECTED:
        if entry["ocr"] and shutil.which("tesseract") is None:
            continue
        yield entry, analyze(EXAMPLES / entry["file"], model, entry["category"], entry["deliverable"])


def test_sample_documents_gaps_are_found(model):
    """Every expected gap is reported (partial or missing), and at most one item that the
    document clearly covers is reported as a gap, per document (the issue's target)."""
    problems = []
    for entry, result in _analyses(model):
        verdicts = {v.id: v for v in result.assessment.checklist}
        wanted = {g["checklist"] for g in entry["gaps"]}
        missed = sorted(g for g in wanted if verdicts[g].status not in ("partial", "missing"))
        extra = sorted(c for c in entry["covered"] if verdicts[c].status in ("partial", "missing"))
        if missed or len(extra) > 1:
            problems.append(f"{entry['file']}: missed {missed}, covered items reported as gaps {extra}")
    assert not problems, "\n".join(problems)


def test_findings_cite_passages_on_the_right_page(model):
    """A gap whose weakness shows on a given page cites a passage from that page (or cites nothing,
    when the document is silent)."""
    right = anchored = 0
    for entry, result in _analyses(model):
        pages = {p.id: p.page for p in result.parsed.passages}
        verdicts = {v.id: v for v in result.assessment.checklist}
        for gap in entry["gaps"]:
            if gap.get("page") is None:
                continue
            verdict = verdicts[gap["checklist"]]
            cited = {pages[i] for i in verdict.evidence + verdict.absent_evidence}
            assert cited <= set(range(1, result.parsed.pages + 1))
            anchored += 1
            right += not cited or gap["page"] in cited
    assert right == anchored, (right, anchored)


def test_sample_documents_step_verdicts(model):
    agree = total = 0
    for entry, result in _analyses(model):
        steps = result.assessment.steps
        for step in entry["present_steps"]:
            total += 1
            agree += steps[step].status == "present"
        for step in entry["absent_steps"]:
            total += 1
            agree += steps[step].status == "absent"
    assert agree / total >= STEP_AGREEMENT_FLOOR, (agree, total)


# Measured on the sample documents with models/ketenlens-default (README, "Assessment quality"):
# 26 of 29 since the real AIMS.au sentences and the nearest-example vote (24 with the n-gram view alone).
# The floor leaves room for one verdict. The misses: dd6 "weak" instead of absent in both risk analyses
# (a recruitment-fee or complaint sentence read as remedy) and dd4 "present" in the OCR copy.
STEP_AGREEMENT_FLOOR = 0.86
