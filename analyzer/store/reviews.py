"""Reviews against model output: what a field's model value is, what a reviewer may
set it to, and how reviews combine with an analysis for exports.

Pure functions over the ``ketenlens analyze`` dict (``shared/spec/interfaces.md``):
passages carry ``steps``, ``themes``, ``status`` and ``specific``; checklist items in
``assessment.checklist`` carry ``status``. The stored analysis is never changed:
``apply_reviews`` returns a copy (copied on write, so the input is never changed).

Decisions, per field:

- ``accept``: the reviewer confirms the model's value at review time (``model_value``).
- ``relabel``: the value becomes ``new_value`` (validated: known label ids, statuses, a bool).
- ``reject``: the model's value is wrong and no replacement is given: a list field
  (steps, themes) becomes empty, any other field becomes ``None`` (undecided).

When a target has several reviews of the same field, the latest one counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from analyzer.labels import STATUSES, step_ids, theme_ids
from analyzer.store.errors import InvalidValueError, NotFoundError
from analyzer.store.models import REVIEW_DECISIONS, REVIEW_FIELDS, REVIEW_TARGETS

CHECKLIST_STATUSES = ("met", "partial", "missing", "n/a")
LIST_FIELDS = ("steps", "themes")
ANALYSIS_KEY = {"steps": "steps", "themes": "themes", "status": "status", "specific": "specific",
                 "checklist_status": "status"}


def check_target(target_type: str, field: str, decision: str) -> None:
    """Refuse unknown target types, fields that do not belong to the target, and unknown decisions."""
    if target_type not in REVIEW_TARGETS:
        raise InvalidValueError(f"unknown review target {target_type!r}; use one of {', '.join(REVIEW_TARGETS)}")
    if field not in REVIEW_FIELDS[target_type]:
        raise InvalidValueError(f"a {target_type} review has no field {field!r}; use one of "
                                f"{', '.join(REVIEW_FIELDS[target_type])}")
    if decision not in REVIEW_DECISIONS:
        raise InvalidValueError(f"unknown review decision {decision!r}; use one of {', '.join(REVIEW_DECISIONS)}")


def _target(analysis: dict, target_type: str, target_id: str) -> dict | None:
    if target_type == "passage_label":
        items = analysis.get("passages") or []
    else:
        items = (analysis.get("assessment") or {}).get("checklist") or []
    return next((item for item in items if isinstance(item, dict) and item.get("id") == target_id), None)


def model_value(analysis: dict, target_type: str, target_id: str, field: str) -> Any:
    """The model's value of ``field`` for the passage or checklist item ``target_id``."""
    item = _target(analysis, target_type, target_id)
    if item is None:
        where = "passage" if target_type == "passage_label" else "checklist item"
        raise NotFoundError(f"the analysis has no {where} {target_id!r}; "
                            f"review a {where} shown in the current analysis")
    return item.get(ANALYSIS_KEY[field])


def validate_value(field: str, value: Any) -> Any:
    """A reviewer's new value for ``field``, checked and normalised (label lists in taxonomy order)."""
    if field in LIST_FIELDS:
        known = step_ids() if field == "steps" else theme_ids()
        if isinstance(value, str) or not isinstance(value, (list, tuple, set, frozenset)):
            raise InvalidValueError(f"a new value for {field} must be a list of label ids, e.g. [{known[0]!r}]")
        unknown = sorted({v for v in value if v not in known}, key=str)
        if unknown:
            raise InvalidValueError(f"unknown {field[:-1]} label(s) {', '.join(map(repr, unknown))}; "
                                    f"use ids from analyzer/knowledge/taxonomy.json")
        return [label for label in known if label in set(value)]
    if field == "specific":
        if not isinstance(value, bool):
            raise InvalidValueError("a new value for specific must be true or false")
        return value
    allowed = STATUSES if field == "status" else CHECKLIST_STATUSES
    if value not in allowed:
        raise InvalidValueError(f"a new value for {field} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def effective_value(field: str, decision: str, model: Any, new: Any) -> Any:
    """The value a field has after one review (see the module docstring)."""
    if decision == "accept":
        return model
    if decision == "relabel":
        return new
    return [] if field in LIST_FIELDS else None


def _writable_target(container: tuple[dict | None, str], copied: dict[str, dict], target_id: str) -> dict | None:
    """The item ``target_id`` of ``owner[key]``, copied (with its list) the first time a review touches it."""
    if target_id in copied:
        return copied[target_id]
    owner, key = container
    items = (owner or {}).get(key) or []
    for index, item in enumerate(items):
        if isinstance(item, dict) and item.get("id") == target_id:
            if not copied:
                owner[key] = items = list(items)
            items[index] = copied[target_id] = dict(item)
            return copied[target_id]
    return None


def apply_reviews(analysis: dict, reviews: Iterable) -> dict:
    """A copy of ``analysis`` with the latest review per target and field applied.

    ``reviews`` are ``models.Review`` rows (or objects with the same attributes). Each reviewed
    passage or checklist item gains ``reviewed: {field: {decision, model_value, value, reviewer,
    reviewed_at, reason, review_id}}``; the copy gains ``review_summary: {applied, unmatched}``,
    where ``unmatched`` lists reviews whose passage or checklist item this analysis lacks.
    """
    latest: dict[tuple[str, str, str], Any] = {}
    for review in sorted(reviews, key=lambda r: (r.created_at, r.id)):
        latest[(review.target_type, review.target_id, review.field)] = review
    # Copy on write: only the lists and items a review touches are copied, so the stored analysis
    # (possibly cached and shared) stays as it was at a fraction of a deep copy's cost.
    result = dict(analysis)
    assessment = dict(result["assessment"]) if isinstance(result.get("assessment"), dict) else None
    if assessment is not None:
        result["assessment"] = assessment
    containers = {"passage_label": (result, "passages"), "checklist_item": (assessment, "checklist")}
    copied: dict[str, dict[str, dict]] = {}
    applied, unmatched = 0, []
    for (target_type, target_id, field), review in latest.items():
        item = _writable_target(containers[target_type], copied.setdefault(target_type, {}), target_id)
        if item is None:
            unmatched.append(review.id)
            continue
        value = effective_value(field, review.decision, review.model_value, review.new_value)
        item[ANALYSIS_KEY[field]] = value
        reviewer = getattr(review, "reviewer", None)
        item["reviewed"] = {**(item.get("reviewed") or {}), field: {
            "decision": review.decision,
            "model_value": review.model_value,
            "value": value,
            "reviewer": reviewer.username if reviewer is not None else None,
            "reviewed_at": review.created_at.isoformat() if review.created_at else None,
            "reason": review.reason,
            "review_id": review.id,
        }}
        applied += 1
    result["review_summary"] = {"applied": applied, "unmatched": sorted(unmatched)}
    if assessment is not None and any(target_type == "checklist_item" for (target_type, _, _) in latest):
        # A reviewed verdict changes the counts, score and headline: recompute them from the reviewed checklist.
        from analyzer.assess.summary import summarise

        assessment["summary"] = summarise(assessment.get("checklist") or [], assessment.get("deliverable")).to_dict()
        assessment["summary"]["reviewed"] = True
    return result
