"""Transparent features beside the embedding: cue words per label and the
structural cues that decide ``status`` and ``specific``.

Every feature can be shown to a reviewer as a reason ("cue: kinderarbeid",
"has a year"), which is why they are kept apart from the embedding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from analyzer.labels import knowledge

_WORD_START = r"(?<![a-zà-ÿ0-9])"


def _pattern(cues: list[str]) -> re.Pattern | None:
    cues = sorted({c.strip().lower() for c in cues if c and c.strip()}, key=len, reverse=True)
    if not cues:
        return None
    # Only the start is anchored: Dutch compounds extend a cue ("kinderarbeid" in "kinderarbeidsrisico's").
    return re.compile(_WORD_START + "(" + "|".join(re.escape(c) for c in cues) + ")")


_QUOTES = str.maketrans({"’": "'", "‘": "'", "‐": "-", "‑": "-", "–": "-"})


def normalise(text: str) -> str:
    """Lower case with one apostrophe and one hyphen, as the cue lists are written."""
    return text.lower().translate(_QUOTES)


@dataclass(frozen=True)
class Lexicon:
    labels: tuple[str, ...]
    patterns: tuple[re.Pattern | None, ...]

    def hits(self, text: str) -> list[list[str]]:
        lowered = normalise(text)
        return [sorted(set(p.findall(lowered))) if p is not None else [] for p in self.patterns]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    taxonomy = knowledge("taxonomy")
    labels, patterns = [], []
    for item in taxonomy["steps"] + taxonomy["themes"]:
        labels.append(item["id"])
        patterns.append(_pattern(item.get("cues_en", []) + item.get("cues_nl", [])))
    return Lexicon(tuple(labels), tuple(patterns))


_STRUCTURE = {
    # specific: checkable detail
    "number": r"\b\d+(?:[.,]\d+)?\b",
    "year": r"\b(?:19[89]\d|20[0-4]\d)\b",
    "percent": r"\d\s?%|\bprocent\b|\bpercent\b",
    "month": r"\b(?:jan(?:uari|uary)?|feb(?:ruari|ruary)?|maart|march|mrt|apr(?:il)?|mei|may|jun[ei]?|jul[iy]?|aug(?:ustus|ust)?|sep(?:tember)?|okt(?:ober)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|q[1-4])\b",
    "standard": r"\b(?:sa\s?8000|iso\s?\d{4,5}|bsci|amfori|sedex|smeta|rba|rmi|rmap|cmrt|emrt|fair\s?wear|fsc|pefc|rspo|gots|oeko|bluesign|zdhc|ecovadis|ungp|oeso|oecd|ilo|gri|csrd|esrs|sbti|ghg|scope\s?[123]|cbam|lksg|accord|bettercotton|better cotton|fairtrade|utz|rainforest|ethical trading|eti|iscc|tft|sa8000|wet|act|verordening|regulation|directive|richtlijn)\b",
    "capitalised_name": r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:\s[A-Z][a-z]+)+",
    "country": r"\b(?:bangladesh|india|indiase|china|chinese|turkije|turkey|turkse|tunesi[eë]|tunisia|pakistan|vietnam|myanmar|cambodja|cambodia|indonesi[eë]|indonesia|maleisi[eë]|malaysia|brazili[eë]|brazil|congo|drc|peru|chili|chile|argentini[eë]|argentina|ethiopi[eë]|ethiopia|ghana|ivoorkust|ivory coast|mexico|marokko|morocco|thailand|filipijnen|philippines|sri lanka|oezbekistan|uzbekistan|xinjiang|polen|poland|roemeni[eë]|romania)\b",
    # status: planned
    "future": r"\b(?:zullen|zal|gaan|gaat|willen|wil|streven|ambitie|doel(?:stelling)?|plannen|gepland|voornemen|uiterlijk|vóór|will|shall|plan(?:s|ned)?|aim(?:s)?|intend(?:s)?|target(?:s)?|commit(?:s)? to|by 20\d\d|in 20[3-9]\d|next year|volgend jaar|komend jaar|coming year)\b",
    # status: absent
    "negation": r"\b(?:geen|niet|nog niet|nooit|ontbreekt|ontbreken|onvoldoende|beperkt inzicht|not|no|none|never|yet to|lack(?:s|ing)?|absent|unknown|onbekend|have not|has not|haven't|hasn't|do not|does not|don't)\b",
    "not_yet": r"\b(?:nog niet|nog geen|not yet|yet to|nog onvoldoende|so far no|tot nu toe geen)\b",
    # status: done
    "past": r"\b(?:hebben|heeft|hadden|werd|werden|zijn\s+\w+d|is\s+\w+d|heb|afgerond|uitgevoerd|behaald|have|has|had|were|was|completed|conducted|carried out|achieved|introduced|signed|ondertekend|in 20[12]\d)\b",
    # structure of the passage itself
    "table_row": r"\s\|\s",
    "bullet": r"\s•\s",
    "ends_sentence": r"[.!?]\s*$",
}
_STRUCTURE_RE = {name: re.compile(pattern, re.IGNORECASE if name != "capitalised_name" else 0) for name, pattern in _STRUCTURE.items()}
STRUCTURE_NAMES = tuple(_STRUCTURE) + ("log_length", "vague")


@lru_cache(maxsize=1)
def _vague_pattern() -> re.Pattern | None:
    taxonomy = knowledge("taxonomy")
    return _pattern(taxonomy.get("vagueness_cues_en", []) + taxonomy.get("vagueness_cues_nl", []))


def structure(text: str) -> dict[str, float]:
    values = {name: float(len(rx.findall(text))) for name, rx in _STRUCTURE_RE.items()}
    values["log_length"] = float(np.log1p(len(text)))
    vague = _vague_pattern()
    values["vague"] = float(len(vague.findall(normalise(text)))) if vague is not None else 0.0
    return values


def hand_features(texts: list[str]) -> np.ndarray:
    """Cue counts per label, then structural cues; log-scaled counts."""
    lex = lexicon()
    rows = []
    for text in texts:
        cue_counts = [len(h) for h in lex.hits(text)]
        values = structure(text)
        rows.append(cue_counts + [values[name] for name in STRUCTURE_NAMES])
    matrix = np.asarray(rows, dtype=np.float32)
    return np.log1p(matrix)


def hand_feature_names() -> list[str]:
    return [f"cue:{label}" for label in lexicon().labels] + [f"has:{name}" for name in STRUCTURE_NAMES]
