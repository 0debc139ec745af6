"""Label ids (``shared/spec/labels.md``) and access to the knowledge files.

The knowledge itself lives as JSON with sources in ``analyzer/knowledge/``;
this module only loads it, once per process.
"""

from __future__ import annotations

import json
from functools import lru_cache, cache
from pathlib import Path

KNOWLEDGE = Path(__file__).resolve().parent / "knowledge"
STATUSES = ("done", "planned", "absent", "none")


@cache
def knowledge(name: str) -> dict:
    """One knowledge file, parsed once (``knowledge("taxonomy")``)."""
    return json.loads((KNOWLEDGE / f"{name}.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def step_ids() -> tuple[str, ...]:
    return tuple(s["id"] for s in knowledge("taxonomy")["steps"])


@lru_cache(maxsize=1)
def theme_ids() -> tuple[str, ...]:
    return tuple(t["id"] for t in knowledge("taxonomy")["themes"])


@lru_cache(maxsize=1)
def theme_groups() -> dict[str, str]:
    return {t["id"]: t["group"] for t in knowledge("taxonomy")["themes"]}
