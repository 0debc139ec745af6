"""Assessment on hand-made labelled passages (no model): step and theme
coverage, countries, expected risks, red flags, the summary and cross-document
comparison."""

import pytest

from analyzer.assess import assess
from analyzer.assess.coverage import step_coverage, theme_coverage
from analyzer.assess.matching import countries_in
from analyzer.assess.signals import red_flags
from analyzer.records import LabelledPassage


def P(i, text, steps=(), themes=(), status="done", specific=True, kind="paragraph", page=1):
    return LabelledPassage(id=f"p{i}", page=page, text=text, steps=tuple(steps), themes=tuple(themes),
                           status=status, specific=specific, kind=kind)


def test_step_present_weak_absent():
    passages = [
        P(1, "In 2024 we audited 12 factories in Bangladesh.", ["dd3_prevent"]),
        P(2, "We take our responsibility seriously.", ["dd1_embed"], specific=False, status="none"),
        P(3, "We have no grievance mechanism yet.", ["dd6_remedy"], status="absent"),
    ]
    coverage = step_coverage(passages)
    assert coverage["dd3_prevent"].status == "present" and coverage["dd3_prevent"].evidence == ("p1",)
    assert coverage["dd1_embed"].status == "weak"
    assert coverage["dd6_remedy"].status == "absent"  # an admission is not coverage
    assert coverage["dd5_communicate"].status == "absent"


def test_theme_present_versus_mentioned_in_a_list():
    passages = [
        P(1, "Risks include child labour, forced labour, low wages and overtime.", ["dd2_identify"],
          ["t01_forced_labour", "t03_child_labour", "t07_wages", "t08_working_hours"]),
        P(2, "We found child labour at two cotton farms and enrolled the children in school.", ["dd3_prevent"], ["t03_child_labour"]),
    ]
    coverage = theme_coverage(passages)
    assert coverage["t03_child_labour"].status == "present"
    assert coverage["t01_forced_labour"].status == "mentioned"
    assert coverage["t12_climate"].status == "absent"


@pytest.mark.parametrize("text, codes", [
    ("Katoen uit India en Turkije, confectie in Bengaalse fabrieken.", ("IN", "TR", "BD")),
    ("Cobalt from the Democratic Republic of the Congo is refined in China.", ("CD", "CN")),
    ("Our turkey sandwiches and chili sauce are made in the Netherlands.", ("NL",)),
    ("Fabrieken in Dhaka en spinnerijen in Tiruppur (Tamil Nadu).", ("BD", "IN")),
])
def test_countries_longest_match_and_ambiguous_aliases(text, codes):
    assert countries_in(text) == codes


def test_expected_risks_from_category_material_and_country():
    passages = [P(1, "Our laptops contain cobalt and tantalum; assembly takes place in China.", ["dd2_identify"], [])]
    assessment = assess(passages, category="ict", deliverable="risk_analysis")
    by_theme = {r.theme: r for r in assessment.expected_risks}
    assert "t11_conflict_security" in by_theme and not by_theme["t11_conflict_security"].covered
    assert by_theme["t11_conflict_security"].why
    assert [c.code for c in assessment.countries] == ["CN"]
    assert assessment.countries[0].risk_notes  # China carries shipped notes (e.g. the DOL list)
    # Uncovered risks come first.
    assert [r.covered for r in assessment.expected_risks] == sorted(r.covered for r in assessment.expected_risks)


def test_red_flag_no_complaints_as_proof_only_when_used_as_proof():
    proof = [P(1, "Er zijn in 2024 geen klachten ontvangen. Dit bevestigt dat de omstandigheden op orde zijn.", ["dd6_remedy"])]
    neutral = [P(1, "Er zijn in 2024 geen klachten ontvangen via het meldpunt; we onderzoeken of werknemers het meldpunt kennen.", ["dd6_remedy"])]
    assert "no_complaints_as_proof" in [f.id for f in red_flags(proof, "annual_report")]
    assert "no_complaints_as_proof" not in [f.id for f in red_flags(neutral, "annual_report")]


def test_red_flag_risks_without_prioritisation():
    listed = [P(1, "Onze risico's zijn kinderarbeid, dwangarbeid en lage lonen.", ["dd2_identify"],
                ["t01_forced_labour", "t03_child_labour", "t07_wages"])]
    ranked = listed + [P(2, "Wij hebben de risico's gerangschikt naar ernst en waarschijnlijkheid.", ["dd2_identify"])]
    assert "no_prioritisation" in [f.id for f in red_flags(listed, "risk_analysis")]
    assert "no_prioritisation" not in [f.id for f in red_flags(ranked, "risk_analysis")]


def test_red_flag_audits_as_the_only_measure():
    audits = [P(1, "Alle fabrieken krijgen jaarlijks een BSCI-audit.", ["dd3_prevent"]),
              P(2, "In 2024 zijn 4 audits uitgevoerd.", ["dd3_prevent", "dd4_track"])]
    mixed = audits + [P(3, "We verlengden de levertijden zodat overwerk afneemt.", ["dd3_prevent"]),
                      P(4, "Samen met Fair Wear trainen we fabrieksmanagers.", ["dd3_prevent"])]
    assert "audits_as_main_measure" in [f.id for f in red_flags(audits, "annual_report")]
    assert "audits_as_main_measure" not in [f.id for f in red_flags(mixed, "annual_report")]


def test_summary_score_and_headline():
    assessment = assess([P(1, "Wij hebben een gedragscode.", ["dd1_embed"], status="none", specific=False)],
                        category="workwear", deliverable="risk_analysis")
    summary = assessment.summary
    assert 0.0 <= summary.score <= 1.0
    assert summary.headline_nl.startswith("Risicoanalyse:") and summary.headline_en.startswith("Risk analysis:")
    assert summary.dialogue_needed and summary.core_missing
    assert summary.counts["n/a"] > 0  # items for plans and reports do not apply to a risk analysis
    statuses = {v.status for v in assessment.checklist}
    assert statuses <= {"met", "partial", "missing", "n/a"}
    for verdict in assessment.checklist:
        if verdict.status in ("partial", "missing"):
            assert verdict.to_dict()["question_nl"] and verdict.to_dict()["question_en"]
        else:
            assert verdict.to_dict()["question_nl"] == ""


def test_assessment_is_deterministic():
    passages = [P(1, "In 2024 we audited 12 factories in Bangladesh and agreed corrective action plans.", ["dd3_prevent", "dd4_track"], ["t06_health_safety"])]
    assert assess(passages, "workwear", "annual_report").to_dict() == assess(passages, "workwear", "annual_report").to_dict()


def _document(name, passages, deliverable):
    from analyzer.pipeline import AnalyzedDocument
    from analyzer.records import ParsedDocument

    parsed = ParsedDocument(id=name, source=name, format="text", pages=1, language="nl", ocr=False, passages=())
    return AnalyzedDocument(parsed, tuple(passages), (), assess(passages, "workwear", deliverable))


def test_compare_two_annual_reports_done_late_dropped():
    from analyzer.assess.compare import compare, to_markdown

    earlier = _document("jaarrapportage 2023", [
        P(1, "Jaarrapportage 2023", kind="heading", status="none"),
        P(2, "M1: in 2024 voeren wij een leefbaarloon-berekening uit bij beide fabrieken.", ["dd3_prevent"], ["t07_wages"], status="planned"),
        P(3, "M2: in 2024 starten wij een training over overwerk.", ["dd3_prevent"], ["t08_working_hours"], status="planned"),
        P(4, "M3: in 2024 richten wij een klachtenkanaal in voor werknemers.", ["dd3_prevent", "dd6_remedy"], status="planned"),
    ], "annual_report")
    later = _document("jaarrapportage 2024", [
        P(1, "Jaarrapportage 2024", kind="heading", status="none"),
        P(2, "M1: de leefbaarloon-berekening is in maart 2024 uitgevoerd; het verschil is 18%.", ["dd3_prevent", "dd4_track"], ["t07_wages"]),
        P(3, "M2: de training over overwerk is uitgesteld naar 2025.", ["dd3_prevent"], ["t08_working_hours"], status="planned"),
    ], "annual_report")
    result = compare([later, earlier])
    assert result["mode"] == "year_over_year"
    outcomes = {row["measure"]: row["outcome"] for row in result["promises"]}
    assert outcomes == {"M1": "done", "M2": "late", "M3": "dropped"}
    assert result["dropped"] == ["M3"]
    assert "stilzwijgend geschrapt" in to_markdown(result, "nl") and "silently dropped" in to_markdown(result, "en")


def test_compare_chain_finds_risks_without_measures():
    from analyzer.assess.compare import compare

    analysis = _document("risicoanalyse", [
        P(1, "Risicoanalyse 2024", kind="heading", status="none"),
        P(2, "Wij zien risico's op kinderarbeid en lage lonen in de katoenketen.", ["dd2_identify"], ["t03_child_labour", "t07_wages"]),
    ], "risk_analysis")
    plan = _document("plan van aanpak", [
        P(1, "Plan van aanpak 2024", kind="heading", status="none"),
        P(2, "Wij betalen mee aan een leefbaar loon bij onze confectiebedrijven vanaf 2025.", ["dd3_prevent"], ["t07_wages"], status="planned"),
    ], "action_plan")
    result = compare([analysis, plan])
    assert result["risks_without_measure"] == ["t03_child_labour"]
