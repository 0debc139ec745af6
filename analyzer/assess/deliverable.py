"""Which ISV deliverable a document is, read from its title and first page.

Used when the user does not say (``--deliverable``): a contract manager uploads
"the risk analysis", and its cover page says so.
"""

from __future__ import annotations

import re

from analyzer.records import LabelledPassage

_KIND_CUES = [
    ("action_plan", re.compile(r"plan van aanpak|verbeterplan|actieplan|action plan|plan of action|improvement plan", re.I)),
    ("annual_report", re.compile(r"jaarrapportage|jaarverslag|jaarlijkse rapportage|annual report|progress report|voortgangsrapportage", re.I)),
    ("risk_analysis", re.compile(r"risicoanalyse|risico-analyse|risk analysis|risk assessment|risico-inventarisatie", re.I)),
]


def infer_deliverable(passages: list[LabelledPassage]) -> str | None:
    """The deliverable named in the document's first headings, or None when it cannot tell."""
    first_page = [p for p in passages if p.page == min((q.page for q in passages), default=1)]
    headings = [p.text for p in first_page if p.kind == "heading"][:3] or [p.text for p in first_page[:3]]
    for text in headings:
        for kind, pattern in _KIND_CUES:
            if pattern.search(text):
                return kind
    return None
