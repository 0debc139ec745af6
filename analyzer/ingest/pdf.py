"""PDF ingestion: the text layer through pypdfium2, ruled tables through
pdfplumber, and OCR for pages without text.

pypdfium2 reads text with character boxes about 100x faster than pdfplumber, so
it does the bulk of the work, ruled tables included (see ``rulings``);
pdfplumber's table finder is only called for pages whose grid is drawn as one
complex path, which the fast route cannot see (see bench/parse.py).
"""

from __future__ import annotations

import ctypes
import io
import logging
import re
import zlib

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from analyzer.errors import BadInputError, LimitExceededError
from analyzer.ingest import layout, ocr, rulings
from analyzer.ingest.limits import Deadline, Limits
from analyzer.ingest.textclean import clean_line
from analyzer.records import Line, Page

log = logging.getLogger(__name__)

# A page with fewer printable characters than this in its text layer is treated
# as scanned and sent to OCR (page numbers alone should not stop OCR).
_MIN_TEXT_CHARS = 25
# Two characters further apart than this many character heights are different
# fragments (columns or table cells), not one line.
_FRAGMENT_GAP = 2.2
# A gap wider than this share of the character height is a word space, even
# where the PDF has no space character there.
_WORD_GAP = 0.16
_BOLD_WEIGHT = 600
_LINE_END_HYPHENS = ("\x02", "\u00ad", "\u2010", "\ufffe")


def read_pdf(data: bytes, source: str, limits: Limits, deadline: Deadline) -> tuple[list[Page], list[Line], list[str]]:
    warnings: list[str] = []
    check_inflation(data, source, limits, deadline)
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        if "password" in message:
            raise BadInputError(
                f"{source}: the PDF is password-protected; ask the supplier for an unprotected copy"
            ) from None
        raise BadInputError(
            f"{source}: the PDF is damaged or incomplete ({exc}); ask for the file again or re-export it"
        ) from None
    try:
        n_pages = len(pdf)
        if n_pages == 0:
            raise BadInputError(f"{source}: the PDF has no pages; ask for the complete document")
        if n_pages > limits.max_pages:
            raise LimitExceededError(
                f"{source}: the PDF has {n_pages} pages, more than the limit of {limits.max_pages}; "
                "raise it with --max-pages if the document is genuine"
            )
        pages: list[Page] = []
        page_lines: dict[int, list[Line]] = {}
        heights: dict[int, float] = {}
        scanned: list[int] = []
        for index in range(n_pages):
            deadline.check()
            number = index + 1
            try:
                page = pdf[index]
            except pdfium.PdfiumError as exc:
                raise BadInputError(
                    f"{source}: page {number} of the PDF cannot be read ({exc}); ask for the file again"
                ) from None
            width, height = page.get_size()
            heights[number] = height
            grids, complex_path = rulings.find_grids(page, height)
            cuts = [(x, grid.ys[0], grid.ys[-1]) for grid in grids for x in grid.xs]
            fragments = _text_fragments(page, number, height, cuts)
            printable = sum(len(f.text.replace(" ", "")) for f in fragments)
            if printable < _MIN_TEXT_CHARS and _has_images(page):
                scanned.append(number)
                pages.append(Page(number, width, height, ocr=True))
                page_lines[number] = fragments
                continue
            for grid in grids:
                rows = rulings.table_rows(grid, fragments, number)
                if rows:
                    fragments = [f for f in fragments if not grid.contains(f)] + rows
            if complex_path and not grids:
                fragments = _with_tables(data, index, fragments, number, warnings)
            pages.append(Page(number, width, height))
            page_lines[number] = fragments
        if scanned:
            ocr_lines, ocr_warnings = ocr.ocr_pdf_pages(pdf, scanned, limits, deadline)
            warnings.extend(ocr_warnings)
            for number in scanned:
                page_lines[number] = ocr_lines.get(number, page_lines[number])
            if ocr_warnings and not ocr_lines:
                pages = [Page(p.number, p.width, p.height, ocr=False) for p in pages]
    finally:
        pdf.close()
    # Running headers are found on raw fragments, before rows are merged, so a
    # header set beside navigation tabs is still recognised.
    kept = layout.remove_running_lines(page_lines, heights)
    ordered = {n: layout.reading_order(lines) for n, lines in kept.items()}
    lines = [ln for n in sorted(ordered) for ln in ordered[n]]
    return pages, lines, warnings


_STREAM = re.compile(rb"stream\r?\n")
_FLATE = re.compile(rb"/FlateDecode|/Fl\b")


def check_inflation(data: bytes, source: str, limits: Limits, deadline: Deadline) -> None:
    """Refuse PDFs whose compressed streams inflate beyond ``max_unpacked_bytes``.

    pdfium inflates a page's streams in memory when the page is read, so a small
    file with a huge stream (a decompression bomb) would exhaust memory before
    any page-level check could run. Each Flate stream is inflated here with a
    cap, so the check stops as soon as the budget is spent.
    """
    budget = limits.max_unpacked_bytes
    per_stream = min(limits.max_stream_bytes, limits.max_unpacked_bytes)
    for match in _STREAM.finditer(data):
        header = data[max(0, match.start() - 400):match.start()]
        dictionary = header[header.rfind(b"<<"):] if b"<<" in header else header
        if not _FLATE.search(dictionary):
            continue
        inflater = zlib.decompressobj()
        chunk_start = match.end()
        end = data.find(b"endstream", chunk_start)
        if end < 0:
            end = len(data)
        try:
            out = inflater.decompress(data[chunk_start:end], min(budget, per_stream) + 1)
        except zlib.error:
            continue  # a damaged stream is pdfium's problem to report, not a bomb
        budget -= len(out)
        if budget < 0 or len(out) > per_stream:
            raise LimitExceededError(
                f"{source}: the PDF's compressed content unpacks to more than "
                f"{limits.max_unpacked_bytes / 1e6:.0f} MB; this looks like a decompression bomb"
            )
        deadline.check()


def _has_images(page: pdfium.PdfPage) -> bool:
    for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
        return True
    return False


def _text_fragments(page: pdfium.PdfPage, number: int, height: float, cuts: list[tuple[float, float, float]] = ()) -> list[Line]:
    """Characters -> line fragments with boxes in top-left coordinates.

    Words are rebuilt from character gaps, so text set without space characters
    (some generators position every word separately) keeps its spaces.
    """
    textpage = page.get_textpage()
    try:
        n = textpage.count_chars()
        if n <= 0:
            return []
        text = textpage.get_text_range(0, n)
        if len(text) != n:  # surrogate pairs: fall back to per-character reads
            text = "".join(textpage.get_text_range(i, 1) or " " for i in range(n))
        raw_page = textpage.raw
        left, right, bottom, top = (ctypes.c_double() for _ in range(4))
        rect = pdfium_c.FS_RECTF()
        fragments: list[Line] = []
        chars: list[tuple[str, float, float, float, float]] = []
        bold_votes = 0

        def close_fragment() -> None:
            nonlocal chars, bold_votes
            if chars:
                fragment = _fragment_from_chars(chars, number, bold_votes * 2 > len(chars))
                if fragment is not None:
                    fragments.append(fragment)
            chars = []
            bold_votes = 0

        for i in range(n):
            ch = text[i]
            if ch in "\r\n":
                close_fragment()
                continue
            if pdfium_c.FPDFText_IsGenerated(raw_page, i) == 1 and ch == " ":
                continue  # spaces are decided from geometry below
            if not pdfium_c.FPDFText_GetLooseCharBox(raw_page, i, rect):
                continue
            x0, x1 = rect.left, rect.right
            y_top, y_bottom = height - rect.top, height - rect.bottom
            if chars:
                prev = chars[-1]
                char_height = max(prev[4] - prev[2], 1.0)
                same_line = abs(((y_top + y_bottom) / 2) - ((prev[2] + prev[4]) / 2)) < 0.6 * char_height
                gap = x0 - prev[3]
                crosses_ruling = cuts and any(
                    prev[3] - 1 <= x <= x0 + 1 and top <= y_top and y_bottom <= bottom for x, top, bottom in cuts
                )
                if not same_line or gap > _FRAGMENT_GAP * char_height or gap < -2 * char_height or crosses_ruling:
                    close_fragment()
            chars.append((ch, x0, y_top, x1, y_bottom))
            if ch != " " and pdfium_c.FPDFText_GetFontWeight(raw_page, i) >= _BOLD_WEIGHT:
                bold_votes += 1
        close_fragment()
        return fragments
    finally:
        textpage.close()


def _fragment_from_chars(chars: list[tuple[str, float, float, float, float]], page: int, bold: bool) -> Line | None:
    out: list[str] = []
    prev = None
    hyphen = ""
    if chars and chars[-1][0] in _LINE_END_HYPHENS:
        # pdfium marks a hyphen it saw as a word break (U+FFFE or U+0002);
        # a plain "-" at the line end is a real hyphen ("water-" / "efficient").
        chars = chars[:-1] + [("-",) + chars[-1][1:]]
        hyphen = "soft"
    elif chars and chars[-1][0] == "-" and len(chars) > 1 and chars[-2][0].isalpha():
        hyphen = "hard"
    for ch, x0, top, x1, bottom in chars:
        if prev is not None and ch != " " and out and out[-1] != " ":
            char_height = max(prev[4] - prev[2], 1.0)
            if x0 - prev[3] > _WORD_GAP * char_height:
                out.append(" ")
        if ch == " " and out and out[-1] == " ":
            continue
        out.append(ch)
        prev = (ch, x0, top, x1, bottom)
    text = clean_line("".join(out))
    if not text:
        return None
    visible = [c for c in chars if c[0] != " "] or chars
    x0 = min(c[1] for c in visible)
    top = min(c[2] for c in visible)
    x1 = max(c[3] for c in visible)
    bottom = max(c[4] for c in visible)
    heights = sorted(c[4] - c[2] for c in visible)
    return Line(text=text, page=page, bbox=(x0, top, x1, bottom), size=heights[len(heights) // 2], bold=bold, hyphen=hyphen)


def _with_tables(data: bytes, index: int, fragments: list[Line], number: int, warnings: list[str]) -> list[Line]:
    """Replace fragments inside tables found by pdfplumber by one line per table row."""
    import pdfplumber  # imported lazily: most pages never need it

    try:
        with pdfplumber.open(io.BytesIO(data), pages=[index + 1]) as doc:
            page = doc.pages[0]
            tables = page.find_tables()
            rows: list[Line] = []
            boxes = []
            for table in tables:
                extracted = table.extract()
                if len(table.rows) < 2 or not extracted or max(len(r) for r in extracted) < 2:
                    continue
                boxes.append(table.bbox)
                for row, cells in zip(table.rows, extracted):
                    texts = [clean_line((c or "").replace("\n", " ")) for c in cells]
                    texts = [t for t in texts if t]
                    if not texts:
                        continue
                    x0, top, x1, bottom = row.bbox
                    rows.append(Line(" | ".join(texts), number, (x0, top, x1, bottom), kind="table_row"))
    except Exception as exc:  # pdfminer raises many types on odd pages; the text layer is still good
        log.debug("table detection failed on page %s: %s", number, exc)
        warnings.append(f"page {number}: table detection failed ({type(exc).__name__}); tables read as text")
        return fragments
    if not rows:
        return fragments

    def inside(line: Line) -> bool:
        cx = (line.bbox[0] + line.bbox[2]) / 2
        cy = (line.bbox[1] + line.bbox[3]) / 2
        return any(b[0] - 1 <= cx <= b[2] + 1 and b[1] - 1 <= cy <= b[3] + 1 for b in boxes)

    return [f for f in fragments if not inside(f)] + rows
