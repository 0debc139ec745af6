"""Expected risks, countries and red flags: what the document should address
given its sector, materials and countries, and signs of a weak document."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from analyzer.assess.matching import countries_by_code, countries_in, matches_any
from analyzer.assess.rules import features
from analyzer.classify.features import normalise
from analyzer.labels import knowledge, theme_ids
from analyzer.records import LabelledPassage


@dataclass(frozen=True)
class ExpectedRisk:
    theme: str
    why: str
    why_nl: str
    covered: bool
    sources: tuple[str, ...]  # sector | material | country
    evidence: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"theme": self.theme, "why": self.why, "why_nl": self.why_nl, "covered": self.covered,
                "sources": list(self.sources), "evidence": list(self.evidence)}


@dataclass(frozen=True)
class CountryFinding:
    code: str
    name_en: str
    name_nl: str
    mentioned_in: tuple[str, ...]
    risk_notes: tuple[str, ...]
    risk_notes_nl: tuple[str, ...]
    notes: tuple[dict, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict:
        return {"code": self.code, "name_en": self.name_en, "name_nl": self.name_nl,
                "mentioned_in": list(self.mentioned_in), "risk_notes": list(self.risk_notes),
                "risk_notes_nl": list(self.risk_notes_nl),
                "sources": sorted({n.get("source", "") for n in self.notes})}


@dataclass(frozen=True)
class RedFlag:
    id: str
    name_nl: str
    name_en: str
    explanation_nl: str
    explanation_en: str
    passages: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"id": self.id, "name_nl": self.name_nl, "name_en": self.name_en,
                "explanation_nl": self.explanation_nl, "explanation_en": self.explanation_en,
                "passages": list(self.passages)}


# Notes shown to a contract manager: facts the knowledge file marks as checked.
_SHOWN_CONFIDENCE = ("verified", "established")


def find_countries(passages: list[LabelledPassage]) -> list[CountryFinding]:
    mentions: dict[str, list[str]] = {}
    for p in passages:
        for code in countries_in(p.text):
            mentions.setdefault(code, []).append(p.id)
    by_code = countries_by_code()
    findings = []
    for code, ids in mentions.items():
        country = by_code[code]
        notes = tuple(n for n in country.get("notes", []) if n.get("confidence", "verified") in _SHOWN_CONFIDENCE)
        findings.append(CountryFinding(
            code=code, name_en=country["name_en"], name_nl=country["name_nl"], mentioned_in=tuple(dict.fromkeys(ids)),
            risk_notes=tuple(n["text_en"] for n in notes), risk_notes_nl=tuple(n["text_nl"] for n in notes), notes=notes,
        ))
    return findings


def _theme_names() -> dict[str, tuple[str, str]]:
    return {t["id"]: (t["name_en"], t["name_nl"]) for t in knowledge("taxonomy")["themes"]}


def expected_risks(passages: list[LabelledPassage], category: str | None, countries: list[CountryFinding],
                   theme_status: dict[str, str], theme_evidence: dict[str, tuple[str, ...]]) -> list[ExpectedRisk]:
    """Themes a supplier in this position must address, each with why and whether it is covered."""
    reasons: dict[str, list[tuple[str, str, str]]] = {}

    def add(theme: str, why_en: str, why_nl: str, source: str) -> None:
        if theme in theme_ids():
            reasons.setdefault(theme, []).append((why_en, why_nl, source))

    sectors = {s["id"]: s for s in knowledge("sectors")["sectors"]}
    sector = sectors.get(category or "")
    if sector:
        for item in sector["salient_themes"]:
            add(item["theme"], f"{sector['name_en']}: {item['why_en']}", f"{sector['name_nl']}: {item['why_nl']}", "sector")
    text = " ".join(p.text for p in passages)
    for candidate in ([sector] if sector else sectors.values()):
        for material in candidate["materials"]:
            if matches_any(text, tuple(material["cues"])):
                for theme in material["themes"]:
                    add(theme, f"{material['name_en']} is named in the document; it is associated with this risk",
                        f"{material['name_nl']} wordt genoemd; daarbij hoort dit risico", "material")
    for country in countries:
        for note in country.notes:
            indicator = note.get("indicator")
            if indicator in ("dol_ilab_good", "dol_ilab_downstream"):
                labour = note.get("labour", "")
                if "CL" in labour:
                    add("t03_child_labour", f"{country.name_en}: {note['text_en']}", f"{country.name_nl}: {note['text_nl']}", "country")
                if "FL" in labour:
                    add("t01_forced_labour", f"{country.name_en}: {note['text_en']}", f"{country.name_nl}: {note['text_nl']}", "country")
            elif indicator in ("ituc_10_worst",) or (indicator == "ituc_rating" and str(note.get("value")) in ("5", "5+")):
                add("t04_association", f"{country.name_en}: {note['text_en']}", f"{country.name_nl}: {note['text_nl']}", "country")
    out = []
    for theme, items in reasons.items():
        covered = theme_status.get(theme, "absent") != "absent"
        out.append(ExpectedRisk(theme, items[0][0], items[0][1], covered,
                                tuple(dict.fromkeys(source for _, _, source in items)), theme_evidence.get(theme, ())))
    order = list(theme_ids())
    return sorted(out, key=lambda r: (r.covered, order.index(r.theme)))


@lru_cache(maxsize=1)
def _flag_specs() -> dict[str, dict]:
    specs = {}
    for flag in knowledge("red_flags")["flags"]:
        flag = dict(flag)
        flag["compiled"] = [re.compile(p, re.IGNORECASE) for p in flag.get("patterns", [])]
        flag["proof"] = [re.compile(p, re.IGNORECASE) for p in flag.get("proof_patterns", [])]
        specs[flag["id"]] = flag
    return specs


def _flag(spec: dict, passages: list[LabelledPassage]) -> RedFlag:
    return RedFlag(spec["id"], spec["name_nl"], spec["name_en"], spec["explanation_nl"], spec["explanation_en"],
                   tuple(dict.fromkeys(p.id for p in passages))[:6])


def red_flags(passages: list[LabelledPassage], deliverable: str | None) -> list[RedFlag]:
    specs = _flag_specs()
    found: list[RedFlag] = []

    def hits(flag_id: str) -> list[LabelledPassage]:
        return [p for p in passages if any(rx.search(normalise(p.text)) for rx in specs[flag_id]["compiled"])]

    # "No complaints" only counts as a red flag when it is used as proof (here or in the next passage).
    spec = specs["no_complaints_as_proof"]
    flagged = []
    for p in hits("no_complaints_as_proof"):
        index = passages.index(p)
        window = " ".join(q.text for q in passages[index:index + 2])
        if any(rx.search(normalise(window)) for rx in spec["proof"]):
            flagged.append(p)
    if flagged:
        found.append(_flag(spec, flagged))
    for flag_id in ("deflection_to_suppliers", "certification_as_proof", "absence_claim"):
        matched = hits(flag_id)
        if matched:
            found.append(_flag(specs[flag_id], matched))
    # Plans without a date: planned passages that say when nothing will happen.
    date, deadline = features()["date"], features()["deadline"]
    undated = [p for p in hits("future_without_date") if not date.found_in(p.text) and not deadline.found_in(p.text)]
    undated += [p for p in passages if p.status == "planned" and p.steps and not p.specific
                and not date.found_in(p.text) and not deadline.found_in(p.text) and p not in undated]
    if len(undated) >= 2:
        found.append(_flag(specs["future_without_date"], undated))
    vague = [p for p in hits("aspirational_without_mechanism") if not p.specific]
    if len(vague) >= 2:
        found.append(_flag(specs["aspirational_without_mechanism"], vague))
    prevention = [p for p in passages if "dd3_prevent" in p.steps and p.status != "absent"]
    audit_rx = specs["audits_as_main_measure"]["compiled"]
    audits = [p for p in prevention if any(rx.search(normalise(p.text)) for rx in audit_rx)]
    if len(prevention) >= 2 and len(audits) >= 0.6 * len(prevention):
        found.append(_flag(specs["audits_as_main_measure"], audits))
    if deliverable in (None, "risk_analysis", "other"):
        identify = [p for p in passages if "dd2_identify" in p.steps]
        named = {t for p in identify for t in p.themes}
        severity = features()["severity_terms"]
        if len(named) >= 3 and not any(severity.found_in(p.text) for p in passages):
            listing = sorted(identify, key=lambda p: -len(p.themes))
            found.append(_flag(specs["no_prioritisation"], listing))
    return found
