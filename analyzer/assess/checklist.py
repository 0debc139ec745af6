"""Checklist verdicts: each requirement G01-G32 met, partial, missing or n/a,
with its evidence, a one-line reason and the question to ask the supplier."""

from __future__ import annotations

from dataclasses import dataclass

from analyzer.assess.matching import matches_any
from analyzer.assess.rules import checklist_items, evidence_set, failed_conditions, holds
from analyzer.records import LabelledPassage

_FEATURE_REASONS = {
    "date": ("geen datum", "no date"),
    "deadline": ("geen termijn of deadline", "no deadline"),
    "owner": ("geen verantwoordelijke genoemd", "no owner named"),
    "percentage": ("geen percentages", "no percentages"),
    "number": ("geen cijfers", "no figures"),
    "country": ("geen landen genoemd", "no countries named"),
    "named_standard": ("geen norm of standaard genoemd", "no standard named"),
    "severity_terms": ("geen prioritering naar ernst en waarschijnlijkheid", "no prioritisation by severity and likelihood"),
    "tier2_terms": ("de keten na de eerste schakel ontbreekt", "nothing on the chain beyond tier 1"),
    "url": ("geen vindplaats (URL)", "no web address"),
}


def describe(condition: dict) -> tuple[str, str]:
    """A failed condition in plain Dutch and English."""
    [(kind, value)] = condition.items()
    if kind == "min_passages":
        return (f"minder dan {value} passages hierover", f"fewer than {value} passages on this")
    if kind == "specific":
        return ("alleen algemene uitspraken, geen specifieke gegevens", "only general statements, no specifics")
    if kind == "has":
        return _FEATURE_REASONS.get(value, (f"geen {value}", f"no {value}"))
    if kind == "cues_any":
        sample = ", ".join(c for c in value[:3] if not c.startswith("@"))
        return (f"geen van de verwachte termen ({sample} …)" if sample else "de sectorgrondstoffen worden niet genoemd",
                f"none of the expected terms ({sample} …)" if sample else "the sector's materials are not named")
    if kind == "status_any":
        if set(value) == {"done"}:
            return ("niets als uitgevoerd gerapporteerd", "nothing reported as done")
        return ("geen maatregel die is uitgevoerd of gepland", "no measure taken or planned")
    if kind == "themes_covered":
        needed = int(value.get("min", 1))
        if needed <= 1:
            return ("geen concreet risicothema benoemd", "no specific risk theme named")
        return (f"minder dan {needed} risicothema's benoemd", f"fewer than {needed} risk themes named")
    if kind == "min_countries":
        return (f"minder dan {value} landen genoemd", f"fewer than {value} countries named")
    if kind == "any_of":
        parts = [describe(inner) for inner in value]
        return (" en ".join(p[0] for p in parts), " and ".join(p[1] for p in parts))
    if kind == "together":
        parts = [describe(inner) for inner in value]
        return ("geen passage die dit samen laat zien: " + ", ".join(p[0] for p in parts),
                "no passage that shows these together: " + ", ".join(p[1] for p in parts))
    return (kind, kind)


@dataclass(frozen=True)
class ChecklistVerdict:
    id: str
    step: str
    status: str  # met | partial | missing | n/a
    core: bool
    title_nl: str
    title_en: str
    reason_nl: str
    reason_en: str
    evidence: tuple[str, ...]
    absent_evidence: tuple[str, ...]
    question_nl: str
    question_en: str
    automation: str = "full"

    def to_dict(self) -> dict:
        out = {
            "id": self.id, "step": self.step, "status": self.status, "core": self.core,
            "title_nl": self.title_nl, "title_en": self.title_en,
            "reason_nl": self.reason_nl, "reason_en": self.reason_en,
            "evidence": list(self.evidence), "absent_evidence": list(self.absent_evidence),
            "question_nl": self.question_nl if self.status in ("partial", "missing") else "",
            "question_en": self.question_en if self.status in ("partial", "missing") else "",
            "automation": self.automation,
        }
        return out


# Evidence lists are capped so reports stay readable; the strongest passages come first.
MAX_EVIDENCE = 30


def _rule_cues(rule: dict) -> tuple[str, ...]:
    """Every cue an item's rule names: what an admission must mention to be about this item."""
    cues = list((rule.get("evidence") or {}).get("cues_any") or [])

    def walk(conditions):
        for condition in conditions:
            [(kind, value)] = condition.items()
            if kind == "cues_any":
                cues.extend(value)
            elif kind in ("any_of", "together"):
                walk(value)

    walk(rule.get("met_when") or [])
    return tuple(c for c in cues if not c.startswith("@"))


def evaluate_item(item: dict, passages: list[LabelledPassage], deliverable: str | None, category: str | None) -> ChecklistVerdict:
    common = dict(id=item["id"], step=item["step"], core=bool(item.get("core")), title_nl=item["title_nl"],
                  title_en=item["title_en"], question_nl=item["question_nl"], question_en=item["question_en"],
                  automation=item.get("automation", "full"))
    if deliverable and deliverable != "other" and deliverable not in item["deliverables"]:
        return ChecklistVerdict(status="n/a", reason_nl="niet van toepassing op dit soort document",
                                reason_en="does not apply to this kind of document", evidence=(), absent_evidence=(), **common)
    rule = item["rule"]
    evidence, absent = evidence_set(rule, passages, category)
    # Only admissions about what this item asks for count against it ("we do not publish a
    # supplier list"), not every negative sentence that shares its step ("we own no factories").
    # A rule may name those cues itself (``admission_cues``) where its evidence cues are broader
    # than a shortfall: "products outside this contract are excluded" is no admission for G05.
    cues = tuple(rule.get("admission_cues") or ()) or _rule_cues(rule)
    admissions = [p for p in absent if cues and matches_any(p.text, cues)]
    ranked = sorted(evidence, key=lambda p: (not p.specific, -p.scores.get(item["step"], 0.0), p.page))
    met_failed = failed_conditions(rule.get("met_when") or [], evidence, category)
    partial_conditions = rule.get("partial_when") or []
    if evidence and not met_failed and admissions:
        # The document itself admits a shortfall on this item: that outweighs loose evidence.
        status = "partial"
        reason = ("deels: het document zegt ook dat een deel hiervan (nog) ontbreekt",
                  "partly: the document also says part of this is not (yet) in place")
    elif evidence and not met_failed:
        status = "met"
        reason = ("voldoet: specifiek onderbouwd", "met: specific evidence")
    elif evidence and all(holds(c, evidence, category) for c in partial_conditions):
        status = "partial"
        parts = [describe(c) for c in met_failed[:2]]
        reason = ("deels: " + "; ".join(p[0] for p in parts), "partly: " + "; ".join(p[1] for p in parts))
    else:
        status = "missing"
        if absent:
            reason = ("ontbreekt: het document zegt dat dit (nog) niet bestaat", "missing: the document says this does not (yet) exist")
        elif evidence:
            parts = [describe(c) for c in met_failed[:2]]
            reason = ("ontbreekt: " + "; ".join(p[0] for p in parts), "missing: " + "; ".join(p[1] for p in parts))
        else:
            reason = ("ontbreekt: geen passages hierover", "missing: no passages on this")
    return ChecklistVerdict(status=status, reason_nl=reason[0], reason_en=reason[1],
                            evidence=tuple(p.id for p in ranked[:MAX_EVIDENCE]),
                            absent_evidence=tuple(p.id for p in absent[:MAX_EVIDENCE]), **common)


def evaluate_checklist(passages: list[LabelledPassage], deliverable: str | None = None, category: str | None = None) -> list[ChecklistVerdict]:
    return [evaluate_item(item, passages, deliverable, category) for item in checklist_items()]
