"""Table-driven tests of every checklist rule G01-G32 on hand-written passages.

The cases live in tests/data/checklist_cases.json: for each item a few short
supplier-report passages, labelled as the classifier would label them, and the
verdict the rule must give (met / partial / missing / n/a). No model is used.
A case with ``xfail_reason`` documents a place where the rule disagrees with
the item's own requirement text; it is reported as xfail, not bent to pass.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from analyzer.assess.checklist import evaluate_item
from analyzer.assess.rules import ChecklistError, checklist_items, validate_item
from analyzer.labels import step_ids, theme_ids
from analyzer.records import LabelledPassage

CASES_FILE = Path(__file__).parent / "data" / "checklist_cases.json"
CASES: list[dict] = json.loads(CASES_FILE.read_text(encoding="utf-8"))["cases"]
ITEM_IDS = [f"G{n:02d}" for n in range(1, 33)]
OUTCOMES = ("met", "partial", "missing", "n/a")
DELIVERABLES = ("risk_analysis", "action_plan", "annual_report")
CATEGORIES = ("workwear", "catering", "waste", "energy", "office", "lab", "ict", "datacenters", "connectivity", "other")


def item_by_id(item_id: str) -> dict:
    for item in checklist_items():
        if item["id"] == item_id:
            return item
    raise KeyError(item_id)


def build_passages(specs: list[dict], status: str | None = None) -> list[LabelledPassage]:
    return [
        LabelledPassage(id=f"p{n}", page=1, text=spec["text"], steps=tuple(spec["steps"]),
                        themes=tuple(spec["themes"]), status=status or spec["status"], specific=bool(spec["specific"]))
        for n, spec in enumerate(specs, start=1)
    ]


def case_id(case: dict) -> str:
    same = [c for c in CASES if c["item"] == case["item"] and c["expect"] == case["expect"]]
    suffix = f"-{same.index(case) + 1}" if len(same) > 1 else ""
    return f"{case['item']}-{case['expect']}{suffix}"


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_case_is_well_formed(case):
    assert case["item"] in ITEM_IDS
    assert case["expect"] in OUTCOMES
    assert case["deliverable"] is None or case["deliverable"] in DELIVERABLES
    assert case["category"] is None or case["category"] in CATEGORIES
    assert case["why"].strip()
    assert 1 <= len(case["passages"]) <= 4
    for p in case["passages"]:
        assert p["text"].strip()
        assert set(p["steps"]) <= set(step_ids()), p["steps"]
        assert set(p["themes"]) <= set(theme_ids()), p["themes"]
        assert p["status"] in ("done", "planned", "absent", "none")
        assert isinstance(p["specific"], bool)
    if case["expect"] == "n/a":
        assert case["deliverable"] not in item_by_id(case["item"])["deliverables"], "an n/a case needs an excluded deliverable"
    elif case["deliverable"] is not None:
        assert case["deliverable"] in item_by_id(case["item"])["deliverables"], "a non-n/a case must use a deliverable the item applies to"


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_rule_gives_expected_verdict(case):
    item = item_by_id(case["item"])
    verdict = evaluate_item(item, build_passages(case["passages"]), case["deliverable"], case["category"])
    if verdict.status != case["expect"] and case.get("xfail_reason"):
        pytest.xfail(f"{case['item']}: {case['xfail_reason']} (got {verdict.status}: {verdict.reason_en})")
    assert verdict.status == case["expect"], (
        f"{case['item']} expected {case['expect']!r}, got {verdict.status!r}\n"
        f"  case: {case['why']}\n  reason_en: {verdict.reason_en}")
    if case.get("xfail_reason"):
        pytest.fail(f"{case['item']} passes now although marked xfail: drop its xfail_reason ({case['xfail_reason']})")


def test_every_item_has_met_and_missing_case():
    have = {(c["item"], c["expect"]) for c in CASES}
    lacking = [f"{i} {e}" for i in ITEM_IDS for e in ("met", "missing") if (i, e) not in have]
    assert not lacking, f"items without a case: {lacking}"


def test_every_item_with_excluded_deliverables_has_na_case():
    have = {c["item"] for c in CASES if c["expect"] == "n/a"}
    lacking = [item["id"] for item in checklist_items() if set(DELIVERABLES) - set(item["deliverables"]) and item["id"] not in have]
    assert not lacking, f"items that exclude a deliverable but have no n/a case: {lacking}"


def test_case_items_match_checklist():
    assert [item["id"] for item in checklist_items()] == ITEM_IDS


@pytest.mark.parametrize("case", [c for c in CASES if c["expect"] == "met"],
                         ids=[case_id(c) for c in CASES if c["expect"] == "met"])
def test_absent_passages_alone_never_meet(case):
    """The passages of every met case, relabelled as admissions, give no evidence at all."""
    item = item_by_id(case["item"])
    passages = build_passages(case["passages"], status="absent")
    verdict = evaluate_item(item, passages, case["deliverable"], case["category"])
    assert verdict.status == "missing", f"{case['item']}: absent passages gave {verdict.status!r} ({verdict.reason_en})"
    assert verdict.evidence == ()


ABSENT_EVERYTHING = LabelledPassage(
    id="p1", page=1, status="absent", specific=True, steps=tuple(step_ids()), themes=tuple(theme_ids()),
    text=("Wij hebben nog geen risicoanalyse of plan van aanpak voor deze opdracht (contractnummer 2024-17) en de "
          "Rijksoverheid opgesteld: er is geen gedragscode, geen klachtenmechanisme voor werknemers van leveranciers, "
          "geen audit, geen verbeterplan, geen leefbaar loon volgens de Anker-benchmark, geen cao, geen herstel voor "
          "getroffen werknemers en geen prioritering naar ernst en waarschijnlijkheid. The supplier code, grievance "
          "channel, findings, living wage benchmark, corrective action plans, remediation, stakeholders, trade unions, "
          "purchasing practices, leverage, escalation and responsible exit with impact on workers, directly linked, "
          "scope 3, production sites list, supply chain map of tier 2 sub-suppliers in Bangladesh and India, raw "
          "materials such as cotton with traceability, previous meeting with the contract manager, complaints resolved "
          "(12 of 20, 60%), all published on www.example.com on 15 March 2025, signed by the CEO, are not yet in place."))


@pytest.mark.parametrize("item_id", ITEM_IDS)
def test_single_absent_passage_never_meets(item_id):
    """One admission that hits every cue, step and theme is still no evidence of meeting any item."""
    item = item_by_id(item_id)
    for deliverable in (None, *item["deliverables"]):
        verdict = evaluate_item(item, [ABSENT_EVERYTHING], deliverable, None)
        assert verdict.status == "missing", f"{item_id} ({deliverable}): {verdict.status} ({verdict.reason_en})"
        assert verdict.evidence == ()


# --- the rule language rejects what it does not know -------------------------------------------------------

def _item_with_met_when(conditions: list) -> dict:
    item = copy.deepcopy(item_by_id("G13"))
    item["rule"]["met_when"] = conditions
    return item


def test_validate_item_accepts_real_item():
    validate_item(copy.deepcopy(item_by_id("G13")))


@pytest.mark.parametrize("conditions, message", [
    ([{"min_words": 30}], "unknown condition kind"),
    ([{"has": "signature"}], "unknown feature"),
    ([{"cues_any": []}], "cues_any is empty"),
    ([{"any_of": [{"has": "date"}, {"any_of": [{"has": "url"}, {"has": "owner"}]}]}], "any_of may not contain another any_of"),
], ids=["unknown-kind", "unknown-feature", "empty-cues_any", "nested-any_of"])
def test_validate_item_rejects_bad_rule(conditions, message):
    with pytest.raises(ChecklistError, match=message) as raised:
        validate_item(_item_with_met_when(conditions))
    assert "G13" in str(raised.value), "the error must name the item"


def test_validate_item_rejects_bad_rule_in_partial_when():
    item = copy.deepcopy(item_by_id("G13"))
    item["rule"]["partial_when"] = [{"has": "signature"}]
    with pytest.raises(ChecklistError, match="G13: unknown feature"):
        validate_item(item)
