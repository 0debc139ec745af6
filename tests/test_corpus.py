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
