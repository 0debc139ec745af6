"""The summary score and the one-line headline.

Score = weighted share of the applicable checklist items that are met, with
met = 1, partial = 0.5, missing = 0, and core items counting twice (domain.md
§7.1: core items drive the verdict). Items marked ``manual`` are left out: the
text cannot decide them. A document with any core item missing is flagged for
the supplier dialogue whatever its score.
"""

from __future__ import annotations

from dataclasses import dataclass


POINTS = {"met": 1.0, "partial": 0.5, "missing": 0.0}
CORE_WEIGHT = 2.0
DELIVERABLE_NAMES = {
    "risk_analysis": ("Risicoanalyse", "Risk analysis"),
    "action_plan": ("Plan van aanpak", "Plan of action"),
    "annual_report": ("Jaarrapportage", "Annual report"),
    "other": ("Document", "Document"),
    None: ("Document", "Document"),
}


@dataclass(frozen=True)
class _Verdict:
    id: str
    status: str
    core: bool
    automation: str


@dataclass(frozen=True)
class Summary:
    score: float
    headline_nl: str
    headline_en: str
    counts: dict
    core_missing: tuple[str, ...]
    dialogue_needed: bool

    def to_dict(self) -> dict:
        return {"score": self.score, "headline_nl": self.headline_nl, "headline_en": self.headline_en,
                "counts": self.counts, "core_missing": list(self.core_missing), "dialogue_needed": self.dialogue_needed}


def _get(verdict, name: str, default=None):
    return verdict.get(name, default) if isinstance(verdict, dict) else getattr(verdict, name, default)


def summarise(verdicts, deliverable: str | None) -> Summary:
    """From checklist verdicts: ``ChecklistVerdict`` objects, or their dicts (a reviewed analysis)."""
    verdicts = [_Verdict(_get(v, "id"), _get(v, "status"), bool(_get(v, "core", False)), _get(v, "automation", "full") or "full")
                for v in verdicts]
    counts = {k: sum(1 for v in verdicts if v.status == k) for k in ("met", "partial", "missing", "n/a")}
    scored = [v for v in verdicts if v.status in POINTS and v.automation != "manual"]
    weight = sum(CORE_WEIGHT if v.core else 1.0 for v in scored)
    score = round(sum(POINTS[v.status] * (CORE_WEIGHT if v.core else 1.0) for v in scored) / weight, 3) if weight else 0.0
    core_missing = tuple(v.id for v in verdicts if v.core and v.status == "missing")
    name_nl, name_en = DELIVERABLE_NAMES.get(deliverable, DELIVERABLE_NAMES[None])
    applicable = counts["met"] + counts["partial"] + counts["missing"]
    headline_nl = (f"{name_nl}: {counts['met']} van {applicable} eisen voldaan, {counts['partial']} deels, "
                   f"{counts['missing']} ontbreken (score {score:.0%})")
    headline_en = (f"{name_en}: {counts['met']} of {applicable} requirements met, {counts['partial']} partly, "
                   f"{counts['missing']} missing (score {score:.0%})")
    if core_missing:
        headline_nl += f"; kerneisen ontbreken: {', '.join(core_missing)} — bespreken met de leverancier"
        headline_en += f"; core requirements missing: {', '.join(core_missing)} — raise with the supplier"
    return Summary(score, headline_nl + ".", headline_en + ".", counts, core_missing, bool(core_missing))
