"""Cue matching and country detection, as the knowledge README defines them.

A cue matches when it starts at a word start (so Dutch compounds that extend it
still match: "kinderarbeid" in "kinderarbeidsrisico"). Countries are found by
a longest-match scan over every alias at once, so "Democratic Republic of the
Congo" is one country and an ambiguous alias ("turkey", "chili") consumes its
text without producing a country.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from analyzer.classify.features import normalise
from analyzer.labels import knowledge

_START = r"(?<![a-zà-ÿ0-9])"


@lru_cache(maxsize=4096)
def cue_pattern(cues: tuple[str, ...]) -> re.Pattern | None:
    cleaned = sorted({c.strip().lower() for c in cues if c and c.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    return re.compile(_START + "(?:" + "|".join(re.escape(c) for c in cleaned) + ")")


def matches_any(text: str, cues: tuple[str, ...]) -> bool:
    pattern = cue_pattern(tuple(cues))
    return bool(pattern and pattern.search(normalise(text)))


@dataclass(frozen=True)
class CountryIndex:
    pattern: re.Pattern
    codes: dict[str, str | None]  # alias -> code; None for ambiguous aliases


@lru_cache(maxsize=1)
def country_index() -> CountryIndex:
    codes: dict[str, str | None] = {}
    for country in knowledge("countries")["countries"]:
        for term in [country["name_en"], country["name_nl"], *country.get("aliases_en", []),
                     *country.get("aliases_nl", []), *country.get("regions", [])]:
            codes.setdefault(normalise(term), country["code"])
        for term in country.get("ambiguous_aliases", []):
            codes[normalise(term)] = None
    terms = sorted(codes, key=len, reverse=True)
    pattern = re.compile(_START + "(" + "|".join(re.escape(t) for t in terms) + r")(?![a-zà-ÿ])")
    return CountryIndex(pattern, codes)


def countries_in(text: str) -> tuple[str, ...]:
    """ISO codes of the countries a text names, in order of first mention."""
    index = country_index()
    found: list[str] = []
    for match in index.pattern.finditer(normalise(text)):
        code = index.codes.get(match.group(1))
        if code and code not in found:
            found.append(code)
    return tuple(found)


@lru_cache(maxsize=1)
def countries_by_code() -> dict[str, dict]:
    return {c["code"]: c for c in knowledge("countries")["countries"]}


_NEGATORS = re.compile(r"(?:\b(?:niet|geen|nooit|not|no|never|nor)\b)\s+(?:\S+\s+)?$")


def matches_any_affirmed(text: str, cues: tuple[str, ...]) -> bool:
    """Like ``matches_any``, but a cue directly negated ("niet openbaar", "not published",
    "not yet publicly available") does not count as a hit."""
    pattern = cue_pattern(tuple(cues))
    if not pattern:
        return False
    lowered = normalise(text)
    return any(not _NEGATORS.search(lowered[max(0, m.start() - 40):m.start()]) for m in pattern.finditer(lowered))
