"""Which OECD steps and risk themes the document covers, with evidence.

Steps (interfaces.md): ``present`` = at least one specific passage carries the
step; ``weak`` = only vague or generic passages; ``absent`` = none. Admissions
(status ``absent``: "we have no grievance mechanism") never make a step present.

Themes: ``present`` = discussed in substance (a passage mainly about the theme:
it carries at most two themes and is not a heading); ``mentioned`` = named only
in passing, in a list of risks or a heading; ``absent`` = not at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer.labels import step_ids, theme_ids
from analyzer.records import LabelledPassage

MAX_EVIDENCE = 10


@dataclass(frozen=True)
class Coverage:
    label: str
    status: str
    evidence: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"status": self.status, "evidence": list(self.evidence)}


def _ranked(passages: list[LabelledPassage], label: str) -> tuple[str, ...]:
    ordered = sorted(passages, key=lambda p: (not p.specific, -p.scores.get(label, 0.0), p.page))
    return tuple(p.id for p in ordered[:MAX_EVIDENCE])


def step_coverage(passages: list[LabelledPassage]) -> dict[str, Coverage]:
    out = {}
    for step in step_ids():
        carrying = [p for p in passages if step in p.steps and p.status != "absent"]
        if any(p.specific for p in carrying):
            status = "present"
        elif carrying:
            status = "weak"
        else:
            status = "absent"
        out[step] = Coverage(step, status, _ranked(carrying, step))
    return out


def theme_coverage(passages: list[LabelledPassage]) -> dict[str, Coverage]:
    out = {}
    for theme in theme_ids():
        carrying = [p for p in passages if theme in p.themes]
        substantive = [p for p in carrying if len(p.themes) <= 2 and p.kind != "heading"]
        status = "present" if substantive else "mentioned" if carrying else "absent"
        out[theme] = Coverage(theme, status, _ranked(substantive or carrying, theme))
    return out
