"""The checklist rule language (analyzer/knowledge/README.md §4) and its evaluator.

An item's rule selects an evidence set E from the document's labelled passages
and tests conditions on E as a whole. The loader rejects anything outside the
vocabulary, naming the item, so a typo in checklist.json fails loudly in the
tests instead of silently never matching.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from analyzer.assess.matching import countries_in, matches_any, matches_any_affirmed
from analyzer.classify.features import normalise
from analyzer.labels import knowledge, step_ids, theme_ids
from analyzer.records import LabelledPassage

DEFAULT_STATUSES = ("done", "planned", "none")
CONDITION_KINDS = ("min_passages", "specific", "has", "cues_any", "status_any", "themes_covered", "min_countries", "any_of",
                   "together")
EVIDENCE_KEYS = ("steps", "themes_any", "cues_any", "status_any")
SECTOR_MATERIALS = "@sector_materials"


class ChecklistError(ValueError):
    "checklist.json uses something outside the rule language"


@dataclass(frozen=True)
class Feature:
    name: str
    kind: str
    patterns: tuple[re.Pattern, ...] = ()
    cues: tuple[str, ...] = ()

    def found_in(self, text: str) -> bool:
        if self.kind == "regex":
            lowered = normalise(text)
            return any(p.search(lowered) for p in self.patterns)
        if self.kind == "cues":
            return matches_any(text, self.cues)
        return bool(countries_in(text))


@lru_cache(maxsize=1)
def features() -> dict[str, Feature]:
    out = {}
    for name, spec in knowledge("checklist")["features"].items():
        if spec["kind"] == "regex":
            out[name] = Feature(name, "regex", tuple(re.compile(p, re.IGNORECASE) for p in spec["patterns"]))
        elif spec["kind"] == "cues":
            out[name] = Feature(name, "cues", cues=tuple(spec.get("cues_en", []) + spec.get("cues_nl", [])))
        elif spec["kind"] == "countries":
            out[name] = Feature(name, "countries")
        else:
            raise ChecklistError(f"feature {name}: unknown kind {spec['kind']!r}")
    return out


def validate_item(item: dict) -> None:
    """Raise ChecklistError if the item's rule leaves the vocabulary."""
    where = item.get("id", "?")
    if item.get("step") not in step_ids():
        raise ChecklistError(f"{where}: unknown step {item.get('step')!r}")
    rule = item.get("rule") or {}
    for key, value in (rule.get("evidence") or {}).items():
        if key not in EVIDENCE_KEYS:
            raise ChecklistError(f"{where}: unknown evidence key {key!r}")
        if not value:
            raise ChecklistError(f"{where}: evidence key {key!r} is empty")
        if key == "steps" and set(value) - set(step_ids()):
            raise ChecklistError(f"{where}: unknown steps {sorted(set(value) - set(step_ids()))}")
        if key == "themes_any" and set(value) - set(theme_ids()):
            raise ChecklistError(f"{where}: unknown themes {sorted(set(value) - set(theme_ids()))}")
    admission_cues = rule.get("admission_cues")
    if admission_cues is not None and (not isinstance(admission_cues, list) or not admission_cues
                                       or not all(isinstance(c, str) and c for c in admission_cues)):
        raise ChecklistError(f"{where}: admission_cues must be a non-empty list of cues")
    for list_name in ("met_when", "partial_when"):
        for condition in rule.get(list_name) or []:
            _validate_condition(where, condition)


def _validate_condition(where: str, condition: dict, inside: str | None = None) -> None:
    """``inside`` is the kind of the enclosing condition: neither any_of nor together nests in itself."""
    if not isinstance(condition, dict) or len(condition) != 1:
        raise ChecklistError(f"{where}: a condition must be an object with exactly one key, got {condition!r}")
    [(kind, value)] = condition.items()
    if kind not in CONDITION_KINDS:
        raise ChecklistError(f"{where}: unknown condition kind {kind!r}")
    if kind == "has" and value not in features():
        raise ChecklistError(f"{where}: unknown feature {value!r}")
    if kind == "themes_covered" and set(value.get("ids") or []) - set(theme_ids()):
        raise ChecklistError(f"{where}: unknown themes in themes_covered")
    if kind in ("cues_any", "any_of", "together") and not value:
        raise ChecklistError(f"{where}: {kind} is empty")
    if kind == "min_passages" and inside == "together":
        raise ChecklistError(f"{where}: together takes passage-level conditions only")
    if kind in ("any_of", "together"):
        if inside == kind:
            raise ChecklistError(f"{where}: {kind} may not contain another {kind}")
        for inner in value:
            _validate_condition(where, inner, inside=kind)


@lru_cache(maxsize=1)
def checklist_items() -> tuple[dict, ...]:
    items = tuple(knowledge("checklist")["items"])
    for item in items:
        validate_item(item)
    return items


@lru_cache(maxsize=16)
def sector_material_cues(category: str | None) -> tuple[str, ...]:
    sectors = knowledge("sectors")["sectors"]
    chosen = [s for s in sectors if s["id"] == category] or sectors
    return tuple(cue for s in chosen for m in s["materials"] for cue in m["cues"])


def _expand(cues: list[str], category: str | None) -> tuple[str, ...]:
    out: list[str] = []
    for cue in cues:
        out.extend(sector_material_cues(category) if cue == SECTOR_MATERIALS else [cue])
    return tuple(out)


def evidence_set(rule: dict, passages: list[LabelledPassage], category: str | None) -> tuple[list[LabelledPassage], list[LabelledPassage]]:
    """(E, absent evidence): passages that pass the rule's evidence filter.

    Passages with status ``absent`` never count as evidence of meeting an item;
    the ones that otherwise qualify are returned separately, as admissions.
    """
    spec = rule.get("evidence") or {}
    steps = set(spec.get("steps") or [])
    themes = set(spec.get("themes_any") or [])
    cues = _expand(spec.get("cues_any") or [], category)
    statuses = set(spec.get("status_any") or DEFAULT_STATUSES)
    evidence, absent = [], []
    for p in passages:
        if steps and not steps & set(p.steps):
            continue
        if themes and not themes & set(p.themes):
            continue
        if cues and not matches_any(p.text, cues):
            continue
        if p.status == "absent":
            absent.append(p)
        elif p.status in statuses:
            evidence.append(p)
    return evidence, absent


def holds(condition: dict, evidence: list[LabelledPassage], category: str | None) -> bool:
    [(kind, value)] = condition.items()
    if kind == "min_passages":
        return len(evidence) >= int(value)
    if kind == "specific":
        return any(p.specific for p in evidence) == bool(value)
    if kind == "has":
        feature = features()[value]
        return any(feature.found_in(p.text) for p in evidence)
    if kind == "cues_any":
        # A condition asks for something the passage affirms: "niet openbaar" is no publication.
        cues = _expand(value, category)
        return any(matches_any_affirmed(p.text, cues) for p in evidence)
    if kind == "status_any":
        return any(p.status in value for p in evidence)
    if kind == "themes_covered":
        ids = set(value.get("ids") or theme_ids())
        return len(ids & {t for p in evidence for t in p.themes}) >= int(value.get("min", 1))
    if kind == "min_countries":
        return len({c for p in evidence for c in countries_in(p.text)}) >= int(value)
    if kind == "any_of":
        return any(holds(inner, evidence, category) for inner in value)
    if kind == "together":
        # All conditions must hold within one passage: "a supplier list that is published",
        # not a list in one place and the word "published" somewhere else.
        return any(all(holds(inner, [p], category) for inner in value) for p in evidence)
    raise ChecklistError(f"unknown condition kind {kind!r}")


def failed_conditions(conditions: list[dict], evidence: list[LabelledPassage], category: str | None) -> list[dict]:
    return [c for c in conditions if not holds(c, evidence, category)]
