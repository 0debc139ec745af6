"""The report stage: Markdown, HTML, XLSX and the highlighted PDF copy.

One realistic analysis of a generated two-page PDF (reportlab, invariant) whose
text sits exactly where the passages' boxes say; no mocks.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile

import pdfplumber
import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from analyzer.errors import BadInputError, UsageError
from analyzer.labels import step_ids, theme_ids
from analyzer.report import render, write_report
from analyzer.report.colours import STEP_COLOURS, rgb
from analyzer.report.highlight import evidence_marks, highlight_pdf
from analyzer.report.html import render_html
from analyzer.report.markdown import render_markdown
from analyzer.report.xlsx import write_xlsx, xlsx_bytes

WIDTH, HEIGHT = A4
X0 = 56.7
SIZE = 10.0
DESCENT = 0.207  # Helvetica; pdfplumber boxes a character from descent to descent + size

# (id, page, kind, lines, steps, themes, status, specific)
PASSAGES = [
    ("doc-p1-01", 1, "heading", ["1. Ons beleid en onze keten"], [], [], "none", False),
    ("doc-p1-02", 1, "paragraph", ["Ons IMVO-beleid is in maart 2024 door de directie vastgesteld en verwijst",
                                   "naar de OESO-richtlijnen, de UNGP's en de ILO-kernverdragen."],
     ["dd1_embed"], [], "done", True),
    ("doc-p1-03", 1, "paragraph", ["Wij kopen katoen in uit India en Turkije en laten confectie maken in",
                                   "Bangladesh bij 14 confectiebedrijven."],
     ["dd2_identify"], [], "done", True),
    ("doc-p1-04", 1, "paragraph", ["Wij streven ernaar om waar mogelijk een leefbaar loon te betalen."],
     [], ["t07_wages"], "planned", False),
    ("doc-p2-01", 2, "heading", ["2. Maatregelen en klachten"], [], [], "none", False),
    ("doc-p2-02", 2, "paragraph", ["In 2024 hebben wij 12 confectieleveranciers laten auditen; bij 3 is een",
                                   "verbeterplan afgesproken dat wij ieder kwartaal volgen."],
     ["dd3_prevent", "dd4_track"], ["t06_health_safety"], "done", True),
    ("doc-p2-03", 2, "paragraph", ["Werknemers melden klachten via <script>alert('x')</script> het meldpunt."],
     ["dd6_remedy"], [], "done", True),
    ("doc-p2-04", 2, "paragraph", ["=1+1 is hier gewoon tekst en geen formule."], [], [], "none", False),
]


def _layout():
    """Baselines per passage line: 40 pt from the top, 14 pt per line, 10 pt between passages."""
    y = {1: HEIGHT - 80, 2: HEIGHT - 80}
    placed = []
    for pid, page, kind, lines, *_ in PASSAGES:
        baselines = []
        for _ in lines:
            baselines.append(y[page])
            y[page] -= 14
        y[page] -= 10
        placed.append((pid, page, lines, baselines))
    return placed


def _make_pdf(path) -> dict[str, list[float]]:
    """Draw the passages; return each passage's bbox (x0, top, x1, bottom) from the top left."""
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    boxes = {}
    current = 1
    for pid, page, lines, baselines in _layout():
        while page > current:
            c.showPage()
            current += 1
        c.setFont("Helvetica", SIZE)
        widths = []
        for line, baseline in zip(lines, baselines):
            c.drawString(X0, baseline, line)
            widths.append(c.stringWidth(line, "Helvetica", SIZE))
        top = HEIGHT - baselines[0] - (1 - DESCENT) * SIZE
        bottom = HEIGHT - baselines[-1] + DESCENT * SIZE
        boxes[pid] = [X0, round(top, 2), round(X0 + max(widths), 2), round(bottom, 2)]
    c.showPage()
    c.save()
    return boxes


def _scores(steps, themes):
    scores = {s: 0.02 for s in step_ids()} | {t: 0.01 for t in theme_ids()}
    scores.update({s: 0.9 for s in steps})
    scores.update({t: 0.7 for t in themes})
    return scores


def _analysis(pdf_bytes: bytes, boxes: dict) -> dict:
    passages = [
        {"id": pid, "index": i, "page": page, "bbox": boxes[pid], "text": " ".join(lines), "lang": "nl",
         "heading": None, "kind": kind, "steps": steps, "themes": themes, "status": status, "specific": specific,
         "scores": _scores(steps, themes), "status_scores": {status: 0.8}, "specific_score": 0.9 if specific else 0.2}
        for i, (pid, page, kind, lines, steps, themes, status, specific) in enumerate(PASSAGES)
    ]
    steps = {s: {"status": "absent", "evidence": []} for s in step_ids()}
    steps.update({
        "dd1_embed": {"status": "present", "evidence": ["doc-p1-02"]},
        "dd2_identify": {"status": "weak", "evidence": ["doc-p1-03"]},
        "dd3_prevent": {"status": "present", "evidence": ["doc-p2-02"]},
        "dd4_track": {"status": "present", "evidence": ["doc-p2-02"]},
        "dd6_remedy": {"status": "present", "evidence": ["doc-p2-03"]},
    })
    themes = {t: {"status": "absent", "evidence": []} for t in theme_ids()}
    themes["t07_wages"] = {"status": "mentioned", "evidence": ["doc-p1-04"]}
    themes["t06_health_safety"] = {"status": "present", "evidence": ["doc-p2-02"]}

    def item(id_, step, status, core, title_nl, title_en, evidence, q_nl, q_en, reason_nl, reason_en):
        return {"id": id_, "step": step, "status": status, "core": core, "title_nl": title_nl, "title_en": title_en,
                "reason_nl": reason_nl, "reason_en": reason_en, "evidence": evidence,
                "question_nl": q_nl, "question_en": q_en}

    checklist = [
        item("G01", "dd1_embed", "met", True, "Openbaar, vastgesteld IMVO-beleid", "Public, approved RBC policy",
             ["doc-p1-02"], "Kunt u uw beleid delen?", "Please share your policy.",
             "Beleid met datum en verwijzingen gevonden.", "Dated policy with references found."),
        item("G05", "dd2_identify", "missing", True, "Methode voor risicoanalyse", "Risk assessment method", [],
             "Hoe heeft u de risico's in uw keten geïdentificeerd en beoordeeld?",
             "How did you identify and assess the risks in your supply chain?",
             "Geen beschrijving van een methode gevonden.", "No description of a method found."),
        item("G07", "dd2_identify", "partial", True, "Ketenkaart met productielanden", "Supply-chain map", ["doc-p1-03"],
             "Welke toeleveranciers zitten verder in de keten?", "Which suppliers sit further up the chain?",
             "Landen genoemd, maar geen tweede schakel.", "Countries named, but no second tier."),
        item("G12", "dd2_identify", "missing", False, "Prioritering van risico's", "Prioritisation of risks", [],
             "Welke risico's pakt u als eerste aan, en waarom?", "Which risks do you address first, and why?",
             "Geen prioritering gevonden.", "No prioritisation found."),
        item("G15", "dd3_prevent", "partial", False, "Verbeterplannen bij leveranciers", "Corrective action plans",
             ["doc-p2-02"], "Wat staat er in de verbeterplannen?", "What do the corrective action plans contain?",
             "Verbeterplannen genoemd zonder inhoud.", "Plans mentioned without content."),
        item("G30", "dd6_remedy", "partial", True, "Gebruik en afhandeling van klachten", "Use of the grievance mechanism",
             ["doc-p2-03"], "Hoeveel klachten zijn er ontvangen en hoe zijn ze afgehandeld?",
             "How many complaints were received and how were they resolved?",
             "Meldpunt genoemd, maar geen cijfers over het gebruik.", "Channel named, but no figures on its use."),
        item("G28", "dd6_remedy", "met", True, "Klachtenmechanisme", "Grievance mechanism", ["doc-p2-03"],
             "Hoe vaak is het meldpunt gebruikt?", "How often was the grievance mechanism used?",
             "Meldpunt beschreven.", "Grievance mechanism described."),
        item("G02", "dd1_embed", "n/a", False, "Verantwoordelijke in de directie", "Accountable executive", [],
             "Wie is verantwoordelijk?", "Who is accountable?", "Niet van toepassing.", "Not applicable."),
    ]
    return {
        "document": {"id": hashlib.sha256(pdf_bytes).hexdigest(), "source": "nl_workwear_risicoanalyse.pdf",
                     "format": "pdf", "pages": 2, "language": "nl", "ocr": False, "warnings": [],
                     "category": "workwear", "deliverable": "risk_analysis"},
        "passages": passages,
        "assessment": {
            "deliverable": "risk_analysis", "category": "workwear", "steps": steps, "themes": themes,
            "checklist": checklist,
            "expected_risks": [
                {"theme": "t07_wages", "why": "Garment wages are far below a living wage.",
                 "why_nl": "Lonen in de kledingproductie liggen ver onder een leefbaar loon.", "covered": True,
                 "evidence": ["doc-p1-04"]},
                {"theme": "t08_working_hours", "why": "Excessive overtime in cut-make-trim factories.",
                 "why_nl": "Buitensporig overwerk in confectiefabrieken.", "covered": False, "evidence": []},
                {"theme": "t04_association", "why": "Unions are suppressed in major garment countries.",
                 "why_nl": "Vakbonden worden onderdrukt in belangrijke kledinglanden.", "covered": False, "evidence": []},
            ],
            "countries": [
                {"code": "BD", "name_nl": "Bangladesh", "name_en": "Bangladesh", "mentioned_in": ["doc-p1-03"],
                 "risk_notes": ["US DOL/ILAB-lijst van goederen: kleding — kinderarbeid (opgenomen 2014)."]},
                {"code": "TR", "name_nl": "Turkije", "name_en": "Türkiye", "mentioned_in": ["doc-p1-03"],
                 "risk_notes": []},
            ],
            "red_flags": [
                {"id": "vague_commitment", "passages": ["doc-p1-04"],
                 "explanation_nl": "Vage toezegging zonder termijn of doel.",
                 "explanation_en": "Vague commitment without a deadline or target."},
            ],
            "summary": {"score": 0.42, "headline_nl": "Beleid en klachtenmeldpunt aanwezig; risicoanalyse is dun.",
                        "headline_en": "Policy and grievance channel present; the risk assessment is thin.",
                        "counts": {"met": 2, "partial": 3, "missing": 2, "n/a": 1}},
        },
    }


@pytest.fixture
def case(tmp_path):
    pdf = tmp_path / "source.pdf"
    boxes = _make_pdf(pdf)
    return pdf, _analysis(pdf.read_bytes(), boxes)


# --- Markdown ---------------------------------------------------------------------------------------


def test_markdown_puts_gaps_first_in_dutch(case):
    _, analysis = case
    text = render_markdown(analysis)
    assert text.startswith("# Ketenlens-rapport: nl\\_workwear\\_risicoanalyse.pdf")
    assert "Risicoanalyse" in text and "Bedrijfskleding" in text
    order = [text.index(s) for s in ("## Samenvatting", "## Hiaten", "## Verwachte risico's", "## OESO-stappen",
                                     "## Risicothema's", "## Landen", "## Rode vlaggen", "## Voldaan")]
    assert order == sorted(order)
    # missing before partial, core before non-core, met last
    ids = [text.index(f"{i} · ") for i in ("G05", "G12", "G07", "G30", "G15", "G01", "G28")]
    assert ids == sorted(ids)
    assert "G02" not in text  # n/a items are counted, not listed
    assert "Hoe heeft u de risico's in uw keten geïdentificeerd en beoordeeld?" in text
    assert "**Vraag aan de leverancier:**" in text
    assert "(p. 1)" in text and "verbeterplan afgesproken" in text
    assert "Buitensporig overwerk in confectiefabrieken." in text
    assert "| 5. Communiceer hoe gevolgen worden aangepakt | afwezig | 0 |" in text
    assert "Niet besproken, wel verwacht" in text and "Werktijden en overwerk" in text
    assert "Vage toezegging zonder termijn of doel." in text
    assert "42 van 100" in text
    assert "lokaal gegenereerd door ketenlens" in text and "modeluitvoer" in text
    assert "\\<script\\>" in text and "<script>" not in text


def test_markdown_caps_quotes_per_item(case):
    _, analysis = case
    analysis["assessment"]["checklist"][1]["evidence"] = ["doc-p1-02", "doc-p1-03", "doc-p1-04", "doc-p2-02", "doc-p2-03"]
    text = render_markdown(analysis)
    gap = text[text.index("G05 · "):text.index("G12 · ")]
    assert gap.count("> “") == 3 and "Nog 2 passages op p. 2" in gap


def test_markdown_in_english(case):
    _, analysis = case
    text = render_markdown(analysis, lang="en")
    assert "## Gaps" in text and "## Met" in text and "Hiaten" not in text
    assert "How did you identify and assess the risks in your supply chain?" in text
    assert "Excessive overtime in cut-make-trim factories." in text
    assert "Workwear and uniforms" in text and "Risk analysis" in text
    assert "generated locally by ketenlens" in text and "model output" in text
    assert text.index("## Gaps") < text.index("## Met")


# --- HTML -------------------------------------------------------------------------------------------


def test_html_is_self_contained_printable_and_escaped(case):
    _, analysis = case
    page = render_html(analysis)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="nl">' in page
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert "<link" not in page and "@import" not in page and "url(" not in page
    assert "@media print" in page and "size: A4" in page
    for colour in STEP_COLOURS.values():
        assert colour in page
    assert page.index('id="gaps"') < page.index('id="met"')
    assert page.index("G05 · ") < page.index("G07 · ") < page.index("G01 · ")
    assert "(p. 2)" in page and "<blockquote" in page
    english = render_html(analysis, lang="en")
    assert '<html lang="en">' in english and "Question for the supplier" in english


def test_html_escapes_the_file_name_and_labels(case):
    _, analysis = case
    analysis["document"]["source"] = '"><img src=x onerror=alert(1)>.pdf'
    analysis["assessment"]["checklist"][1]["title_nl"] = "<b>vet</b>"
    page = render_html(analysis)
    assert "<img" not in page and "<b>vet</b>" not in page
    assert "&lt;b&gt;vet&lt;/b&gt;" in page


# --- dispatch ---------------------------------------------------------------------------------------


def test_render_dispatch_and_usage_errors(case, tmp_path, capsys):
    _, analysis = case
    assert json.loads(render(analysis, "json")) == analysis
    assert render(analysis, "md").startswith("# Ketenlens-rapport")
    assert render(analysis, "html", "en").startswith("<!DOCTYPE html>")
    with pytest.raises(UsageError, match="xlsx output needs --output FILE.xlsx"):
        render(analysis, "xlsx")
    with pytest.raises(UsageError, match="xlsx output needs --output FILE.xlsx"):
        write_report(analysis, "xlsx", None)
    with pytest.raises(UsageError, match="unknown report format"):
        render(analysis, "pdf")
    with pytest.raises(UsageError, match="unknown report language"):
        render(analysis, "md", "de")
    with pytest.raises(BadInputError, match="no 'assessment'"):
        render({"document": {}, "passages": []}, "md")
    write_report(analysis, "md", "-")
    assert "## Hiaten" in capsys.readouterr().out
    target = tmp_path / "out" / "report.html"
    write_report(analysis, "html", target, "en")
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


# --- XLSX -------------------------------------------------------------------------------------------


def test_xlsx_sheets_rows_and_layout(case, tmp_path):
    _, analysis = case
    path = tmp_path / "rapport.xlsx"
    write_xlsx(analysis, path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Bevindingen", "Risico's", "Passages", "Samenvatting"]
    findings = wb["Bevindingen"]
    assert [c.value for c in findings[1]][:3] == ["ID", "Stap", "Status"]
    assert [row[0] for row in findings.iter_rows(min_row=2, values_only=True)] == \
        ["G05", "G12", "G07", "G30", "G15", "G01", "G28", "G02"]
    g07 = next(row for row in findings.iter_rows(min_row=2, values_only=True) if row[0] == "G07")
    assert g07[2] == "gedeeltelijk" and g07[3] == "ja" and g07[7] == "1"
    assert g07[6] == "Welke toeleveranciers zitten verder in de keten?"
    assert g07[8].startswith("p. 1: Wij kopen katoen")
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
        assert all(cell.font.b for cell in ws[1])
    risks = list(wb["Risico's"].iter_rows(min_row=2, values_only=True))
    assert len(risks) == 3 + 19
    assert ("verwacht risico", "t08_working_hours") == risks[1][:2] and risks[1][6] == "nee"
    passages = wb["Passages"]
    rows = list(passages.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(PASSAGES)
    formula_row = next(row for row in rows if row[-1] == "doc-p2-04")
    assert formula_row[2].startswith("=1+1")
    assert passages.cell(row=rows.index(formula_row) + 2, column=3).data_type == "s"  # text, not a formula
    assert rows[1][7].startswith("dd1_embed 0.90")
    summary = {row[0]: row[1] for row in wb["Samenvatting"].iter_rows(min_row=2, values_only=True)}
    assert summary["Score"] == "42 van 100" and summary["Document"] == "nl_workwear_risicoanalyse.pdf"
    # deterministic bytes (fixed workbook dates and zip entry times), English sheet names
    assert xlsx_bytes(analysis) == path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert wb.properties.created == wb.properties.modified
    english = tmp_path / "report.xlsx"
    write_report(analysis, "xlsx", english, "en")
    assert load_workbook(english).sheetnames == ["Findings", "Risks", "Passages", "Summary"]


# --- highlighted PDF --------------------------------------------------------------------------------


def _annotations(path):
    """(page number, subtype, box from the top left, rgb, contents) of every annotation, read by pdfplumber."""
    found = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for a in page.annots:
                colour = tuple(round(c * 255) for c in a["data"].get("C") or ())
                found.append((page.page_number, a["data"]["Subtype"].name, (a["x0"], a["top"], a["x1"], a["bottom"]),
                              colour, a["contents"] or ""))
    return found


def _texts(path):
    with pdfplumber.open(path) as pdf:
        plumber = [p.extract_text() for p in pdf.pages]
    doc = pdfium.PdfDocument(str(path))
    try:
        pdfium_texts = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()
    return plumber, pdfium_texts


def test_highlight_marks_every_evidence_passage_on_a_copy(case, tmp_path):
    source, analysis = case
    before = source.read_bytes()
    out = tmp_path / "gemarkeerd.pdf"
    count = highlight_pdf(source, analysis, out)
    # dd1, dd2, dd3+dd4 (one passage), dd6: four passages, each highlighted once
    assert count == 4 == len(evidence_marks(analysis))
    assert source.read_bytes() == before
    copy = pdfium.PdfDocument(str(out))
    assert len(copy) == len(pdfium.PdfDocument(before)) == 2
    copy.close()
    assert _texts(out) == _texts(source)
    with pdfplumber.open(out) as pdf:  # appearance streams written, so every viewer draws the same marks
        assert all("AP" in a["data"] for page in pdf.pages for a in page.annots)

    annots = _annotations(out)
    highlights = [a for a in annots if a[1] == "Highlight"]
    stamps = [a for a in annots if a[1] == "Stamp"]
    assert len(highlights) == 4
    assert [s[0] for s in stamps] == [1] and stamps[0][4].startswith("Gemarkeerd door ketenlens: 4 passages")
    expected = {"doc-p1-02": "dd1_embed", "doc-p1-03": "dd2_identify", "doc-p2-02": "dd3_prevent",
                "doc-p2-03": "dd6_remedy"}
    with pdfplumber.open(out) as pdf:
        for pid, step in expected.items():
            passage = next(p for p in analysis["passages"] if p["id"] == pid)
            page = pdf.pages[passage["page"] - 1]
            mine = [a for a in highlights if a[4].endswith(pid)]
            assert len(mine) == 1 and mine[0][0] == passage["page"], pid
            assert mine[0][3] == rgb(STEP_COLOURS[step]), pid
            x0, top, x1, bottom = mine[0][2]
            inside = "".join(ch["text"] for ch in page.chars
                             if x0 <= ch["x0"] and ch["x1"] <= x1 and top <= ch["top"] and ch["bottom"] <= bottom)
            assert inside.replace(" ", "") == passage["text"].replace(" ", ""), pid


def test_highlight_refuses_to_overwrite_the_source(case, tmp_path):
    source, analysis = case
    before = source.read_bytes()
    with pytest.raises(UsageError, match="overwrite the source"):
        highlight_pdf(source, analysis, source)
    with pytest.raises(UsageError, match="overwrite the source"):
        highlight_pdf(source, analysis, tmp_path / "." / "source.pdf")
    link = tmp_path / "link.pdf"
    link.symlink_to(source)
    with pytest.raises(UsageError, match="overwrite the source"):
        highlight_pdf(source, analysis, link)
    assert source.read_bytes() == before


def test_highlight_refuses_a_different_document(case, tmp_path):
    source, analysis = case
    analysis["document"]["id"] = "0" * 64
    with pytest.raises(BadInputError, match="not the document"):
        highlight_pdf(source, analysis, tmp_path / "out.pdf")
    assert not (tmp_path / "out.pdf").exists()


def test_highlight_in_english_without_evidence(case, tmp_path):
    source, analysis = case
    for step in analysis["assessment"]["steps"].values():
        step["evidence"] = []
    for item in analysis["assessment"]["checklist"]:
        item["evidence"] = []
    out = tmp_path / "marked.pdf"
    assert highlight_pdf(source, analysis, out, lang="en") == 0
    notes = [a for a in _annotations(out) if a[1] == "Stamp"]
    assert len(notes) == 1 and notes[0][4].startswith("Highlighted by ketenlens: 0 passages, colour per OECD step")


def test_highlight_follows_a_sentence_that_starts_mid_line(tmp_path):
    """Two sentences on one line share a line box; each highlight covers only its own words."""
    pdf = tmp_path / "line.pdf"
    c = canvas.Canvas(str(pdf), pagesize=A4, invariant=1)
    c.setFont("Helvetica", SIZE)
    first, second = "Wij hebben een gedragscode.", "Klachten gaan naar het meldpunt van Fair Wear."
    baseline = HEIGHT - 100
    c.drawString(X0, baseline, f"{first} {second}")
    width = c.stringWidth(f"{first} {second}", "Helvetica", SIZE)
    split = X0 + c.stringWidth(f"{first} ", "Helvetica", SIZE)
    c.save()
    box = [X0, HEIGHT - baseline - (1 - DESCENT) * SIZE, X0 + width, HEIGHT - baseline + DESCENT * SIZE]
    passages = [{"id": "a", "page": 1, "bbox": box, "text": first}, {"id": "b", "page": 1, "bbox": box, "text": second}]
    analysis = {"document": {"id": hashlib.sha256(pdf.read_bytes()).hexdigest()}, "passages": passages,
                "assessment": {"steps": {"dd1_embed": {"status": "present", "evidence": ["a"]},
                                         "dd6_remedy": {"status": "present", "evidence": ["b"]}}}}
    out = tmp_path / "line.marked.pdf"
    assert highlight_pdf(pdf, analysis, out) == 2
    with pdfplumber.open(out) as doc:
        quads = {a["contents"].split("\n")[-1]: a["data"]["QuadPoints"] for a in doc.pages[0].annots
                 if a["data"]["Subtype"].name == "Highlight"}
    xs_a, xs_b = quads["a"][0::2], quads["b"][0::2]
    assert min(xs_a) < X0 + 1 and max(xs_a) < split
    assert split - 6 < min(xs_b) < split + 1 and max(xs_b) > X0 + width - 2
