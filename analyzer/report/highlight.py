"""A highlighted COPY of the analysed PDF: every evidence passage gets a translucent
highlight in its OECD step's colour, and page 1 gets a note with a colour legend.

The highlights and the note are annotations (a Highlight per passage, a Stamp
for the note) added with pdfium: the page content and its text stay as they
were, and a reader can hide or delete the marks. A highlight follows the
passage's lines where its words are found in the text layer, and covers the
passage box otherwise (scans, table rows). The source file is only
read, never written; an output path that resolves to it is refused.
"""

from __future__ import annotations

import ctypes
import hashlib
import io
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from analyzer.errors import BadInputError, KetenlensError, UsageError
from analyzer.labels import step_ids
from analyzer.report.colours import HIGHLIGHT_ALPHA, rgb, step_colour
from analyzer.report.files import atomic_write
from analyzer.report.i18n import STRINGS, check_lang, t

PAD = 1.5            # points around a passage box
NOTE_MARGIN = 10.0   # points between the note and the page edge
AUTHOR = "ketenlens"
_SHA256 = re.compile(r"[0-9a-f]{64}")

Rect = tuple[float, float, float, float]  # left, bottom, right, top in PDF user space


@dataclass(frozen=True)
class Mark:
    """One passage to highlight; ``bbox`` is (x0, top, x1, bottom) from the page's top left."""

    passage_id: str
    page: int
    bbox: tuple[float, float, float, float]
    step_id: str
    steps: tuple[str, ...]
    text: str


def evidence_marks(analysis: dict) -> tuple[Mark, ...]:
    """The passages cited as evidence by the assessment's steps and checklist, in page order.

    A passage takes the colour of the first step (in OECD order) whose evidence
    cites it, else of the first checklist item that cites it. Passages without a
    page or a usable box (DOCX, text) are left out.
    """
    assessment = analysis.get("assessment") or {}
    cited: dict[str, list[str]] = {}

    def cite(pid, step):
        if isinstance(pid, str) and step:
            steps = cited.setdefault(pid, [])
            if step not in steps:
                steps.append(step)

    raw_steps = assessment.get("steps") or {}
    for sid in step_ids():
        for pid in (raw_steps.get(sid) or {}).get("evidence") or ():
            cite(pid, sid)
    for item in assessment.get("checklist") or ():
        if isinstance(item, dict):
            for pid in item.get("evidence") or ():
                cite(pid, item.get("step"))

    marks = []
    for passage in analysis.get("passages") or ():
        if not isinstance(passage, dict) or passage.get("id") not in cited:
            continue
        page, bbox = passage.get("page"), _bbox(passage.get("bbox"))
        if not isinstance(page, int) or page < 1 or bbox is None:
            continue
        steps = tuple(cited[passage["id"]])
        marks.append(Mark(passage["id"], page, bbox, steps[0], steps, str(passage.get("text") or "")))
    marks.sort(key=lambda m: (m.page, m.bbox[1], m.bbox[0]))
    return tuple(marks)


def _bbox(value) -> tuple[float, float, float, float] | None:
    if not isinstance(value, (list, tuple)) or len(value) != 4:
        return None
    if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in value):
        return None
    x0, top, x1, bottom = (float(v) for v in value)
    return (x0, top, x1, bottom) if x1 > x0 and bottom > top else None


def highlight_pdf(source_pdf: Path, analysis: dict, out_path: Path, lang: str = "nl") -> int:
    """Write a highlighted copy of ``source_pdf`` to ``out_path``; return the number of highlights."""
    lang = check_lang(lang)
    source, target = Path(source_pdf), Path(out_path)
    _refuse_same_file(source, target)
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise BadInputError(f"cannot read {source}: {exc.strerror or exc}") from exc
    _check_same_document(data, analysis, source)
    marks = evidence_marks(analysis)
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise BadInputError(f"{source.name} cannot be opened as a PDF ({exc}); give the PDF that was analysed") from exc
    try:
        count = _annotate(doc, marks, lang, _passage_boxes(analysis, page=1))
        out = _save(doc)
    finally:
        doc.close()
    atomic_write(target, out)
    return count


def _refuse_same_file(source: Path, target: Path) -> None:
    same = source.resolve() == target.resolve()
    if not same and target.exists() and source.exists():
        same = os.path.samefile(source, target)
    if same:
        raise UsageError(f"the highlighted copy would overwrite the source PDF {source}; choose another output file")


def _check_same_document(data: bytes, analysis: dict, source: Path) -> None:
    doc_id = str((analysis.get("document") or {}).get("id") or "")
    if _SHA256.fullmatch(doc_id) and hashlib.sha256(data).hexdigest() != doc_id:
        raise BadInputError(f"{source.name} is not the document this analysis was made from (its SHA-256 differs); "
                            "give the PDF that was analysed")


def _passage_boxes(analysis: dict, page: int) -> list[tuple[float, float, float, float]]:
    """Boxes (x0, top, x1, bottom) of every passage on a page: text to keep the note off, also on scans."""
    boxes = []
    for passage in analysis.get("passages") or ():
        if isinstance(passage, dict) and passage.get("page") == page:
            box = _bbox(passage.get("bbox"))
            if box is not None:
                boxes.append(box)
    return boxes


def _annotate(doc: pdfium.PdfDocument, marks: tuple[Mark, ...], lang: str,
              page1_boxes: list[tuple[float, float, float, float]]) -> int:
    pages = len(doc)
    by_page: dict[int, list[Mark]] = {}
    for mark in marks:
        if mark.page <= pages:
            by_page.setdefault(mark.page, []).append(mark)
    count = sum(len(v) for v in by_page.values())
    touched = sorted(set(by_page) | {1})
    for number in touched:
        page = doc[number - 1]
        textpage = page.get_textpage()
        try:
            for mark in by_page.get(number, ()):
                _add_highlight(page, textpage, mark, lang)
        finally:
            textpage.close()
        try:
            if number == 1:
                _add_note(doc, page, count, lang, page1_boxes)
        finally:
            page.close()
    # pdfium writes a highlight's appearance stream when it first loads the page's
    # annotations; a tiny render does that, so every viewer shows the same colours.
    for number in touched:
        page = doc[number - 1]
        try:
            page.render(scale=0.02)
        finally:
            page.close()
    return count


def _wide(text: str):
    raw = (text + "\0").encode("utf-16-le")
    return ctypes.cast(ctypes.create_string_buffer(raw, len(raw)), pdfium_c.FPDF_WIDESTRING)


def _check(ok, what: str) -> None:
    if not ok:
        raise KetenlensError(f"pdfium could not {what} while highlighting the PDF")


def _legend_name(step_id: str, lang: str) -> str:
    """ "2 Risico's identificeren en beoordelen": the step number and its short name."""
    ids = step_ids()
    key = f"short.{step_id}"
    name = t(key, lang) if key in STRINGS else step_id
    return f"{ids.index(step_id) + 1} {name}" if step_id in ids else name


def _add_highlight(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, mark: Mark, lang: str) -> None:
    """One Highlight annotation: a quad per line of the passage's text, or its whole box."""
    # bbox uses the top-left origin that ingest derives from pdfium's page height;
    # this is its inverse, back to PDF user space (left, bottom, right, top).
    _, height = page.get_size()
    x0, top, x1, bottom = mark.bbox
    box = (x0, height - bottom, x1, height - top)
    quads = [(l - PAD, b - PAD, r + PAD, t_ + PAD) for l, b, r, t_ in _line_rects(textpage, mark.text, box)]
    annot = pdfium_c.FPDFPage_CreateAnnot(page.raw, pdfium_c.FPDF_ANNOT_HIGHLIGHT)
    _check(annot, "create a highlight")
    try:
        r, g, b = rgb(step_colour(mark.step_id))
        _check(pdfium_c.FPDFAnnot_SetColor(annot, pdfium_c.FPDFANNOT_COLORTYPE_Color, r, g, b, HIGHLIGHT_ALPHA),
               "colour a highlight")
        union = pdfium_c.FS_RECTF(min(q[0] for q in quads), max(q[3] for q in quads),
                                  max(q[2] for q in quads), min(q[1] for q in quads))
        _check(pdfium_c.FPDFAnnot_SetRect(annot, union), "place a highlight")
        for left, lower, right, upper in quads:
            quad = pdfium_c.FS_QUADPOINTSF(left, upper, right, upper, left, lower, right, lower)
            _check(pdfium_c.FPDFAnnot_AppendAttachmentPoints(annot, quad), "place a highlight")
        steps = "; ".join(_legend_name(s, lang) for s in mark.steps)
        contents = f"{t('pdf.mark', lang, steps=steps)}\n{mark.passage_id}"
        pdfium_c.FPDFAnnot_SetStringValue(annot, b"Contents", _wide(contents))
        pdfium_c.FPDFAnnot_SetStringValue(annot, b"T", _wide(AUTHOR))
        pdfium_c.FPDFAnnot_SetFlags(annot, pdfium_c.FPDF_ANNOT_FLAG_PRINT)
    finally:
        pdfium_c.FPDFPage_CloseAnnot(annot)


def _line_rects(textpage: pdfium.PdfTextPage, text: str, box: Rect) -> list[Rect]:
    """The passage's text as one rectangle per line, found in the text layer inside ``box``.

    A passage box spans whole lines, so a sentence that starts or ends mid-line
    would colour its neighbours too. The first and last words are searched for
    within the box; when they cannot be found (OCR, table rows joined with "|",
    hyphenation) the whole box is used.
    """
    words = text.split()
    for k in (6, 3):
        if not words:
            break
        start = _match(textpage, " ".join(words[:k]), box, 0)
        if start is None:
            continue
        end = _match(textpage, " ".join(words[-k:]), box, start[0])
        if end is None:
            continue
        first, last = start[0], end[0] + end[1]
        rects = [textpage.get_rect(i) for i in range(textpage.count_rects(first, last - first))]
        rects = [r for r in rects if r[2] > r[0] and r[3] > r[1]]
        if rects and all(_inside(r, box) for r in rects):
            return rects
    return [box]


def _match(textpage: pdfium.PdfTextPage, needle: str, box: Rect, index: int) -> tuple[int, int] | None:
    """(first char, char count) of the first match at or after ``index`` that starts inside ``box``."""
    searcher = textpage.search(needle, index=index)
    try:
        for _ in range(200):
            found = searcher.get_next()
            if found is None:
                return None
            left, bottom, right, top = textpage.get_charbox(found[0])
            if _inside((left, bottom, right, top), box):
                return found
    finally:
        searcher.close()
    return None


def _inside(rect: Rect, box: Rect, tolerance: float = 3.0) -> bool:
    return (rect[0] >= box[0] - tolerance and rect[1] >= box[1] - tolerance
            and rect[2] <= box[2] + tolerance and rect[3] <= box[3] + tolerance)


def _text_obj(doc: pdfium.PdfDocument, text: str, font: bytes, size: float):
    obj = pdfium_c.FPDFPageObj_NewTextObj(doc.raw, font, ctypes.c_float(size))
    _check(obj, "create the note text")
    if not pdfium_c.FPDFText_SetText(obj, _wide(text)):
        pdfium_c.FPDFPageObj_Destroy(obj)
        _check(False, "set the note text")
    pdfium_c.FPDFPageObj_SetFillColor(obj, 26, 26, 26, 255)
    return obj


def _width(obj) -> float:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
    return right.value - left.value


def _rect_obj(x: float, y: float, w: float, h: float, fill: tuple[int, int, int, int],
              stroke: tuple[int, int, int] | None = None):
    obj = pdfium_c.FPDFPageObj_CreateNewRect(x, y, w, h)
    _check(obj, "draw the note")
    pdfium_c.FPDFPageObj_SetFillColor(obj, *fill)
    if stroke:
        pdfium_c.FPDFPageObj_SetStrokeColor(obj, *stroke, 255)
        pdfium_c.FPDFPageObj_SetStrokeWidth(obj, ctypes.c_float(0.6))
    pdfium_c.FPDFPath_SetDrawMode(obj, pdfium_c.FPDF_FILLMODE_ALTERNATE, 1 if stroke else 0)
    return obj


def _add_note(doc: pdfium.PdfDocument, page: pdfium.PdfPage, count: int, lang: str,
              avoid: list[tuple[float, float, float, float]]) -> None:
    """A small boxed note with the colour legend, as a Stamp annotation on page 1.

    Its text lives in the annotation's appearance, not in the page content, so
    the page text of the copy stays that of the source.
    """
    title = t("pdf.note", lang, n=count)
    legend = [(sid, _legend_name(sid, lang)) for sid in step_ids()]
    pending: list = []  # page objects not (yet) owned by the annotation; destroyed at the end

    def keep(obj):
        pending.append(obj)
        return obj

    try:
        title_obj = keep(_text_obj(doc, title, b"Helvetica-Bold", 7.5))
        legend_objs = [(sid, keep(_text_obj(doc, text, b"Helvetica", 6.5))) for sid, text in legend]
        pad, swatch, line = 6.0, 9.0, 10.0
        width = max([_width(title_obj)] + [swatch + 4 + _width(obj) for _, obj in legend_objs]) + 2 * pad
        height = 2 * pad + 8.0 + line * len(legend_objs)
        x, y = _note_position(page, width, height, avoid)

        objects = [keep(_rect_obj(x, y, width, height, (255, 255, 255, 255), (90, 90, 90)))]
        baseline = y + height - pad - 7.0
        pdfium_c.FPDFPageObj_Transform(title_obj, 1, 0, 0, 1, x + pad, baseline)
        objects.append(title_obj)
        baseline -= 3.0
        for sid, obj in legend_objs:
            baseline -= line
            r, g, b = rgb(step_colour(sid))
            objects.append(keep(_rect_obj(x + pad, baseline - 1.0, swatch, 7.0, (r, g, b, HIGHLIGHT_ALPHA + 40))))
            pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x + pad + swatch + 4, baseline)
            objects.append(obj)

        annot = pdfium_c.FPDFPage_CreateAnnot(page.raw, pdfium_c.FPDF_ANNOT_STAMP)
        _check(annot, "create the note")
        try:
            _check(pdfium_c.FPDFAnnot_SetRect(annot, pdfium_c.FS_RECTF(x, y + height, x + width, y)), "place the note")
            for obj in objects:
                _check(pdfium_c.FPDFAnnot_AppendObject(annot, obj), "draw the note")
                pending.remove(obj)
            contents = "\n".join([title] + [text for _, text in legend])
            pdfium_c.FPDFAnnot_SetStringValue(annot, b"Contents", _wide(contents))
            pdfium_c.FPDFAnnot_SetStringValue(annot, b"T", _wide(AUTHOR))
            pdfium_c.FPDFAnnot_SetFlags(annot, pdfium_c.FPDF_ANNOT_FLAG_PRINT)
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)
    finally:
        for obj in pending:
            pdfium_c.FPDFPageObj_Destroy(obj)


def _note_position(page: pdfium.PdfPage, width: float, height: float,
                   avoid: list[tuple[float, float, float, float]]) -> tuple[float, float]:
    """The page corner (top right first) where the note covers the least text.

    Text is the page's text layer plus ``avoid``: passage boxes from the top left.
    """
    left, bottom, right, top = page.get_mediabox()
    candidates = [
        (right - NOTE_MARGIN - width, top - NOTE_MARGIN - height),
        (left + NOTE_MARGIN, top - NOTE_MARGIN - height),
        (right - NOTE_MARGIN - width, bottom + NOTE_MARGIN),
        (left + NOTE_MARGIN, bottom + NOTE_MARGIN),
    ]
    textpage = page.get_textpage()
    try:
        boxes = [textpage.get_rect(i) for i in range(textpage.count_rects())]
    finally:
        textpage.close()
    _, page_height = page.get_size()
    boxes += [(x0, page_height - bottom_, x1, page_height - top_) for x0, top_, x1, bottom_ in avoid]

    def covered(x: float, y: float) -> float:
        area = 0.0
        for l, b, r, t_ in boxes:
            w = min(r, x + width) - max(l, x)
            h = min(t_, y + height) - max(b, y)
            if w > 0 and h > 0:
                area += w * h
        return area

    return min(candidates, key=lambda xy: covered(*xy))


def _save(doc: pdfium.PdfDocument) -> bytes:
    """The whole document, rewritten by pdfium, checked to reopen with the same page count.

    Not an incremental update: pdfium writes the update's cross-reference
    stream without /Type /XRef, which pdfminer (pdfplumber) then refuses.
    """
    buffer = io.BytesIO()
    doc.save(buffer)
    data = buffer.getvalue()
    if not _reopens(data, len(doc)):
        raise KetenlensError("the highlighted PDF could not be read back after saving")
    return data


def _reopens(data: bytes, pages: int) -> bool:
    try:
        copy = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return False
    try:
        return len(copy) == pages
    finally:
        copy.close()
