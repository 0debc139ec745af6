"""Ruled tables from the PDF's vector paths, read through pdfium.

A grid of ruling lines (or of cell rectangles) is found from the bounds of the
page's path objects, which pdfium gives without parsing the text again. This is
what pdfplumber's table finder does too, but pdfplumber re-reads the whole page
through pdfminer first, at about 0.35 s a page on this machine (bench/parse.py);
here it costs milliseconds. Pages whose grid is drawn as one complex path are
sent to pdfplumber instead (see ``needs_pdfplumber``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from analyzer.records import Line

# A path thinner than this (points) is a ruling line rather than a box.
_THIN = 2.5
# Edges closer than this are the same ruling (line width, rounding).
_SNAP = 2.0


@dataclass(frozen=True)
class Grid:
    xs: tuple[float, ...]  # column boundaries, left to right
    ys: tuple[float, ...]  # row boundaries, top to bottom (top-left origin)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    def contains(self, line: Line) -> bool:
        x0, top, x1, bottom = line.bbox
        cx, cy = (x0 + x1) / 2, (top + bottom) / 2
        return self.xs[0] - 1 <= cx <= self.xs[-1] + 1 and self.ys[0] - 1 <= cy <= self.ys[-1] + 1


def _path_boxes(page: pdfium.PdfPage, height: float):
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        yield obj, (left, height - top, right, height - bottom)


def find_grids(page: pdfium.PdfPage, height: float) -> tuple[list[Grid], bool]:
    """Grids on the page, and whether a complex path may hide another grid."""
    horizontal: list[tuple[float, float, float]] = []  # (y, x0, x1)
    vertical: list[tuple[float, float, float]] = []  # (x, top, bottom)
    complex_path = False
    for obj, (x0, top, x1, bottom) in _path_boxes(page, height):
        w, h = x1 - x0, bottom - top
        if h <= _THIN and w > _THIN:
            horizontal.append(((top + bottom) / 2, x0, x1))
        elif w <= _THIN and h > _THIN:
            vertical.append(((x0 + x1) / 2, top, bottom))
        elif w > _THIN and h > _THIN:
            segments = pdfium_c.FPDFPath_CountSegments(obj.raw)
            if segments > 12 and w > 60 and h > 30:
                complex_path = True  # maybe a whole grid in one path: let pdfplumber look
            else:
                horizontal += [(top, x0, x1), (bottom, x0, x1)]
                vertical += [(x0, top, bottom), (x1, top, bottom)]
    if len(horizontal) < 3 or len(vertical) < 3:
        return [], complex_path
    edges = [("h", *e) for e in horizontal] + [("v", *e) for e in vertical]
    parent = list(range(len(edges)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    hs = [i for i, e in enumerate(edges) if e[0] == "h"]
    vs = [i for i, e in enumerate(edges) if e[0] == "v"]
    for i in hs:
        _, y, hx0, hx1 = edges[i]
        for j in vs:
            _, x, vtop, vbottom = edges[j]
            if hx0 - _SNAP <= x <= hx1 + _SNAP and vtop - _SNAP <= y <= vbottom + _SNAP:
                parent[find(i)] = find(j)
    components: dict[int, list[int]] = {}
    for i in range(len(edges)):
        components.setdefault(find(i), []).append(i)
    grids = []
    for members in components.values():
        ys = _snap(sorted(edges[i][1] for i in members if edges[i][0] == "h"))
        xs = _snap(sorted(edges[i][1] for i in members if edges[i][0] == "v"))
        if len(ys) >= 3 and len(xs) >= 3:
            grids.append(Grid(tuple(xs), tuple(ys)))
    return grids, complex_path


def _snap(values: list[float]) -> list[float]:
    snapped: list[float] = []
    for v in values:
        if not snapped or v - snapped[-1] > _SNAP:
            snapped.append(v)
    return snapped


def table_rows(grid: Grid, fragments: list[Line], page: int) -> list[Line]:
    """One line per grid row: the texts of its cells joined with `` | ``."""
    inside = [f for f in fragments if grid.contains(f)]
    rows = []
    for top, bottom in zip(grid.ys, grid.ys[1:]):
        cells = []
        for left, right in zip(grid.xs, grid.xs[1:]):
            parts = [
                f for f in inside
                if left - 1 <= (f.bbox[0] + f.bbox[2]) / 2 <= right + 1 and top - 1 <= (f.bbox[1] + f.bbox[3]) / 2 <= bottom + 1
            ]
            parts.sort(key=lambda f: (round(f.bbox[1]), f.bbox[0]))
            text = " ".join(f.text for f in parts).strip()
            if text:
                cells.append(text)
        if cells:
            rows.append(Line(" | ".join(cells), page, (grid.xs[0], top, grid.xs[-1], bottom), kind="table_row"))
    return rows
