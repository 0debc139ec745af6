"""The training corpus is well-formed and meets the coverage the classifier needs."""

import json
from collections import Counter
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
STEPS = ["dd1_embed", "dd2_identify", "dd3_prevent", "dd4_track", "dd5_communicate", "dd6_remedy"]
THEMES = [
    "t01_forced_labour", "t02_recruitment", "t03_child_labour", "t04_association", "t05_discrimination",
    "t06_health_safety", "t07_wages", "t08_working_hours", "t09_employment", "t10_land_rights",
    "t11_conflict_security", "t12_climate", "t13_pollution", "t14_water", "t15_biodiversity", "t16_waste",
    "t17_corruption", "t18_privacy_consumer", "t19_transparency",
]


def _records(pattern):
    records = []
    for path in sorted(CORPUS.glob(pattern)):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert line.strip(), f"{path.name}:{number} is blank"
            records.append(json.loads(line))
    return records


TEAM = _records("team_*.jsonl")


def test_team_records_follow_the_label_scheme():
    ids = set()
    for r in TEAM:
        assert r["id"] not in ids
        ids.add(r["id"])
        assert r["lang"] in ("nl", "en") and r["text"].strip()
        assert r["steps"] == [s for s in STEPS if s in r["steps"]], r["id"]
        assert r["themes"] == [t for t in THEMES if t in r["themes"]], r["id"]
        assert r["status"] in ("done", "planned", "absent", "none")
        assert isinstance(r["specific"], bool)
        assert r["doc"]


def test_team_corpus_size_language_and_negatives():
    assert len(TEAM) >= 2000
    languages = Counter(r["lang"] for r in TEAM)
    assert languages["nl"] / len(TEAM) >= 0.40
    negatives = sum(1 for r in TEAM if not r["steps"] and not r["themes"])
    assert negatives / len(TEAM) >= 0.15


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_label_is_covered_in_both_languages(lang):
    records = [r for r in TEAM if r["lang"] == lang]
    steps = Counter(s for r in records for s in r["steps"])
    themes = Counter(t for r in records for t in r["themes"])
    statuses = Counter(r["status"] for r in records)
    assert all(steps[s] >= 40 for s in STEPS), steps
    assert all(themes[t] >= 8 for t in THEMES), themes
    assert all(statuses[s] >= 40 for s in ("done", "planned", "absent", "none")), statuses
    assert {r["specific"] for r in records} == {True, False}


def test_no_team_text_is_repeated():
    # Short headings ("Contents", "Inhoudsopgave") legitimately recur across companies.
    texts = [r["text"].strip().lower() for r in TEAM if len(r["text"]) > 20]
    assert len(set(texts)) == len(texts)


def test_aims_records_are_mapped():
    aims = _records("aims_au.jsonl")
    assert len(aims) == 4794
    for r in aims:
        assert r["annotated"] == ["steps"] and r["status"] is None
        assert r["steps"] == [s for s in STEPS if s in r["steps"]]
        if "c4_risk_mitigation" in r["aims_labels"]:
            assert {"dd1_embed", "dd3_prevent"} & set(r["steps"]), r["id"]


def test_aims_sentences_annotated_with_our_scheme():
    ours = _records("aims_au_ketenlens.jsonl")
    aims = {r["id"].removeprefix("au:"): r for r in _records("aims_au.jsonl")}
    english = [r for r in ours if r["lang"] == "en"]
    dutch = [r for r in ours if r["lang"] == "nl"]
    assert len(english) == len(aims) and len({r["id"] for r in ours}) == len(ours)
    assert len(dutch) >= 0.95 * len(english)
    for r in ours:
        key = r["id"].split(":", 1)[1]
        assert r["doc"] == aims[key]["doc"], r["id"]  # a sentence and its translation share the statement
        assert r["steps"] == [s for s in STEPS if s in r["steps"]], r["id"]
        assert r["themes"] == [t for t in THEMES if t in r["themes"]], r["id"]
        assert r["status"] in ("done", "planned", "absent", "none") and isinstance(r["specific"], bool)
        assert "annotated" not in r  # every field is annotated
        if r["lang"] == "en":
            assert r["text"] == aims[key]["text"]
    by_key = {r["id"].split(":", 1)[1]: r for r in english}
    for r in dutch:
        twin = by_key[r["id"].split(":", 1)[1]]
        assert (r["steps"], r["themes"], r["status"]) == (twin["steps"], twin["themes"], twin["status"])
        assert r["text"] != twin["text"]
    # Real statements name every step; the team's annotation must not collapse onto a few.
    steps = Counter(s for r in english for s in r["steps"])
    assert all(steps[s] >= 100 for s in STEPS), steps


def test_build_aims_reproduces_the_corpus_files(tmp_path):
    import subprocess
    import sys

    source = CORPUS.parent.parent / "shared" / "data" / "aims_au" / "aims_au_sentences.jsonl"
    if not source.is_file():
        pytest.skip("../shared/data/aims_au is not here")
    out = tmp_path / "aims_au.jsonl"
    subprocess.run([sys.executable, str(CORPUS / "build_aims.py"), "--source", str(source), "--out", str(out)],
                   check=True, capture_output=True)
    for name in ("aims_au.jsonl", "aims_au_ketenlens.jsonl"):
        assert (tmp_path / name).read_bytes() == (CORPUS / name).read_bytes(), name
