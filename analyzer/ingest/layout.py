"""Page layout: reading order across columns, rows of table-like fragments,
and running headers and footers repeated across pages.

Works on plain line fragments with boxes, whatever produced them (the PDF text
layer or OCR), so both paths share one notion of reading order.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from analyzer.records import Line

# A gap between two text columns must be at least this wide (points) and have
# enough lines on either side to count as a gutter rather than a ragged margin.
_MIN_GUTTER = 6.0
_MIN_LINES_PER_SIDE = 3
# Only lines narrower than this share of the text width can belong to a column.
_NARROW_SHARE = 0.55
# Headers and footers live in these bands at the top and bottom of the page.
_MARGIN_BAND = 0.085


@dataclass(frozen=True)
class _Gutter:
    x0: float
    x1: float


def _gutters(lines: list[Line]) -> list[_Gutter]:
    """Vertical white bands between columns of text.

    A band may be crossed by a few lines (a title or a note set across both
    columns); those lines later act as separators. At least one side of a gutter
    must look like running text, so that the cells of an unruled table are read
    row by row rather than column by column.
    """
    boxes = [ln.bbox for ln in lines if ln.bbox is not None]
    if len(boxes) < 2 * _MIN_LINES_PER_SIDE:
        return []
    left = min(b[0] for b in boxes)
    right = max(b[2] for b in boxes)
    width = right - left
    if width <= 0:
        return []
    narrow = [b for b in boxes if (b[2] - b[0]) < _NARROW_SHARE * width]
    if len(narrow) < 2 * _MIN_LINES_PER_SIDE:
        return []
    allowed_crossings = max(1, min(3, int(0.04 * len(narrow))))
    coverage = [0] * (int(width) + 2)
    for x0, _, x1, _ in boxes:
        for x in range(max(0, int(x0 - left)), min(int(x1 - left) + 1, len(coverage))):
            coverage[x] += 1
    gutters = []
    x = 0
    while x < len(coverage):
        if coverage[x] > allowed_crossings:
            x += 1
            continue
        start = x
        while x < len(coverage) and coverage[x] <= allowed_crossings:
            x += 1
        # Narrow the band to where it is emptiest: its edges are often crossed
        # by a few lines that belong to the column beside it.
        lowest = min(coverage[start:x])
        inner = [i for i in range(start, x) if coverage[i] == lowest]
        best_start = best_end = inner[0]
        run_start = inner[0]
        for a, b in zip(inner, inner[1:] + [None]):
            if b != a + 1:
                if a + 1 - run_start > best_end - best_start:
                    best_start, best_end = run_start, a + 1
                run_start = b
        g0, g1 = left + best_start, left + best_end
        if g1 - g0 < _MIN_GUTTER or start == 0 or x >= len(coverage) - 1:
            continue
        left_side = [b for b in narrow if b[2] <= g0 + 1]
        right_side = [b for b in narrow if b[0] >= g1 - 1]
        if len(left_side) < _MIN_LINES_PER_SIDE or len(right_side) < _MIN_LINES_PER_SIDE:
            continue
        if _text_like(left_side, width) or _text_like(right_side, width):
            gutters.append(_Gutter(g0, g1))
    return gutters


def _text_like(boxes, width: float) -> bool:
    if len(boxes) < 5:
        return False
    widths = sorted(b[2] - b[0] for b in boxes)
    if widths[len(widths) // 2] >= 0.15 * width:
        return True
    return sum(1 for w in widths if w >= 0.2 * width) >= 8


def _rows(lines: list[Line]) -> list[list[Line]]:
    """Group fragments that sit on the same baseline, top to bottom, left to right."""
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda ln: (ln.bbox[1], ln.bbox[0])):
        x0, top, x1, bottom = line.bbox
        centre = (top + bottom) / 2
        if rows:
            last = rows[-1][0].bbox
            if abs(centre - (last[1] + last[3]) / 2) < 0.5 * max(last[3] - last[1], 1.0):
                rows[-1].append(line)
                continue
        rows.append([line])
    return [sorted(row, key=lambda ln: ln.bbox[0]) for row in rows]


_MARKER_ONLY = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|•|-|–|\(?[a-z0-9][.)])$")


def _merge_row(row: list[Line]) -> Line:
    """Fragments on one baseline within one column: a table row without rulings."""
    if len(row) == 1:
        return row[0]
    # "3.2   Risk analysis" or "•   text" set with a tab is one line, not a table row.
    if len(row) == 2 and _MARKER_ONLY.match(row[0].text):
        first, second = row
        return replace(
            first,
            text=f"{first.text} {second.text}",
            bbox=(first.bbox[0], min(first.bbox[1], second.bbox[1]), second.bbox[2],
                  max(first.bbox[3], second.bbox[3])),
            size=max(first.size, second.size),
            bold=first.bold or second.bold,
        )
    x0 = min(ln.bbox[0] for ln in row)
    top = min(ln.bbox[1] for ln in row)
    x1 = max(ln.bbox[2] for ln in row)
    bottom = max(ln.bbox[3] for ln in row)
    return replace(
        row[0],
        text=" | ".join(ln.text for ln in row),
        bbox=(x0, top, x1, bottom),
        kind="table_row",
    )


def reading_order(lines: list[Line]) -> list[Line]:
    """Order the fragments of one page as a person reads them.

    Column gutters are found from narrow lines; a line that spans a gutter
    (a title, a full-width table) closes the columns above it, which are read
    left column first. Fragments on one baseline within a column become one row.
    """
    positioned = [ln for ln in lines if ln.bbox is not None]
    if not positioned:
        return list(lines)
    gutters = _gutters([ln for ln in positioned if ln.kind != "table_row"])

    def column_of(line: Line) -> int:
        x0, _, x1, _ = line.bbox
        for g in gutters:
            if x0 < g.x0 and x1 > g.x1:
                return -1
        return sum(1 for g in gutters if x0 >= g.x1 - 0.5)

    ordered: list[Line] = []
    zone: dict[int, list[Line]] = {}

    def flush() -> None:
        for column in sorted(zone):
            for row in _rows(zone[column]):
                tables = [ln for ln in row if ln.kind == "table_row"]
                rest = [ln for ln in row if ln.kind != "table_row"]
                merged = [_merge_row(rest)] if rest else []
                for ln in sorted(tables + merged, key=lambda ln: ln.bbox[0]):
                    ordered.append(replace(ln, column=max(column, 0)))
        zone.clear()

    for row in _rows(positioned):
        spanning = [ln for ln in row if column_of(ln) == -1]
        if spanning:
            flush()
            for ln in row:
                zone.setdefault(0 if column_of(ln) == -1 else column_of(ln), []).append(ln)
            flush()
        else:
            for ln in row:
                zone.setdefault(column_of(ln), []).append(ln)
    flush()
    return ordered


_PAGE_NUMBER = re.compile(
    r"^(?:(?:pagina|page|p\.|blz\.?|pag\.)\s*)?[-–—]?\s*\d{1,4}\s*[-–—]?"
    r"(?:\s*(?:van|of|/)\s*\d{1,4})?$",
    re.IGNORECASE,
)


def _margin_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower()).strip()


def remove_running_lines(pages: dict[int, list[Line]], heights: dict[int, float]) -> dict[int, list[Line]]:
    """Drop running headers, footers and page numbers.

    A line in the top or bottom band of a page is running when the same text
    (digits ignored) appears in that band on at least half the pages, or when it
    is a bare page number.
    """
    n_pages = len(pages)
    seen: Counter[str] = Counter()
    for number, lines in pages.items():
        keys = {_margin_key(ln.text) for ln in lines if _in_margin(ln, heights.get(number))}
        seen.update(keys)
    threshold = max(2, (n_pages + 1) // 2)
    result = {}
    for number, lines in pages.items():
        kept = []
        for ln in lines:
            if _in_margin(ln, heights.get(number)):
                if _PAGE_NUMBER.match(ln.text.strip()):
                    continue
                if n_pages >= 2 and seen[_margin_key(ln.text)] >= threshold:
                    continue
            kept.append(ln)
        result[number] = kept
    return result


def _in_margin(line: Line, height: float | None) -> bool:
    if line.bbox is None or not height:
        return False
    return line.bbox[3] <= height * _MARGIN_BAND or line.bbox[1] >= height * (1 - _MARGIN_BAND)
