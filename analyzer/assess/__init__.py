"""Assessment: labelled passages -> verdicts a contract manager can act on.

Pure functions with no I/O and no model calls: the same passages, category and
deliverable always give the same assessment. See ``assess()``.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer.assess.checklist import ChecklistVerdict, evaluate_checklist
from analyzer.assess.deliverable import infer_deliverable
from analyzer.assess.coverage import Coverage, step_coverage, theme_coverage
from analyzer.assess.signals import CountryFinding, ExpectedRisk, RedFlag, expected_risks, find_countries, red_flags
from analyzer.assess.summary import Summary, summarise
from analyzer.records import LabelledPassage

CATEGORIES = ("workwear", "catering", "waste", "energy", "office", "lab", "ict", "datacenters", "connectivity", "other")
DELIVERABLES = ("risk_analysis", "action_plan", "annual_report", "other")


@dataclass(frozen=True)
class Assessment:
    category: str | None
    deliverable: str | None
    steps: dict[str, Coverage]
    themes: dict[str, Coverage]
    checklist: tuple[ChecklistVerdict, ...]
    expected_risks: tuple[ExpectedRisk, ...]
    countries: tuple[CountryFinding, ...]
    red_flags: tuple[RedFlag, ...]
    summary: Summary

    def to_dict(self) -> dict:
        return {
            "category": self.category,
            "deliverable": self.deliverable,
            "steps": {k: v.to_dict() for k, v in self.steps.items()},
            "themes": {k: v.to_dict() for k, v in self.themes.items()},
            "checklist": [v.to_dict() for v in self.checklist],
            "expected_risks": [r.to_dict() for r in self.expected_risks],
            "countries": [c.to_dict() for c in self.countries],
            "red_flags": [f.to_dict() for f in self.red_flags],
            "summary": self.summary.to_dict(),
        }


def assess(passages: list[LabelledPassage], category: str | None = None, deliverable: str | None = None) -> Assessment:
    """Assess one document. Without a ``deliverable``, it is read from the document's title."""
    category = None if category in (None, "other") else category
    deliverable = deliverable or infer_deliverable(passages)
    steps = step_coverage(passages)
    themes = theme_coverage(passages)
    checklist = evaluate_checklist(passages, deliverable, category)
    countries = find_countries(passages)
    expected = expected_risks(passages, category, countries, {k: v.status for k, v in themes.items()},
                              {k: v.evidence for k, v in themes.items()})
    flags = red_flags(passages, deliverable)
    return Assessment(category, deliverable, steps, themes, tuple(checklist), tuple(expected), tuple(countries),
                      tuple(flags), summarise(checklist, deliverable))


__all__ = ["Assessment", "assess", "CATEGORIES", "DELIVERABLES"]
