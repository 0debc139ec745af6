"""Reading JSONL input (passages, gold files, corpus files) with errors that name the line."""

from __future__ import annotations

import json

from analyzer.errors import BadInputError


def parse_jsonl(text: str, name: str, required: tuple[str, ...] = ("text",)) -> list[dict]:
    """One JSON object a line; blank lines are skipped. ``name`` appears in the errors."""
    records = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadInputError(f"{name}, line {number}: invalid JSON ({exc.msg}); each line must be one JSON object") from None
        if not isinstance(record, dict):
            raise BadInputError(f"{name}, line {number}: expected a JSON object with {', '.join(repr(k) for k in required)}")
        for key in required:
            if key == "text" and not (isinstance(record.get("text"), str) and record["text"].strip()):
                raise BadInputError(f"{name}, line {number}: the record has no 'text'")
            if key not in record:
                raise BadInputError(f"{name}, line {number}: the record has no {key!r}")
        records.append(record)
    return records
