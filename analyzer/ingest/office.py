"""DOCX ingestion with python-docx: headings, list items and tables, in body order."""

from __future__ import annotations

import io
import re
import zipfile

from analyzer.errors import BadInputError, LimitExceededError
from analyzer.ingest.limits import Limits
from analyzer.ingest.textclean import clean_line
from analyzer.records import Line

_HEADING_STYLE = re.compile(r"^(?:heading|kop|titel|title|subtitle|ondertitel)\s*(\d*)", re.IGNORECASE)
_LIST_STYLE = re.compile(r"list|lijst|opsomming", re.IGNORECASE)


def check_zip(data: bytes, source: str, limits: Limits) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise BadInputError(f"{source}: the DOCX file is damaged (not a valid zip archive); save it again from Word") from None
    unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > limits.max_unpacked_bytes:
        raise LimitExceededError(
            f"{source}: the DOCX unpacks to {unpacked / 1e6:.0f} MB, more than the limit of "
            f"{limits.max_unpacked_bytes / 1e6:.0f} MB; this looks like a zip bomb"
        )
    if "word/document.xml" not in archive.namelist():
        raise BadInputError(f"{source}: the zip archive is not a Word document (no word/document.xml)")
    return archive


def read_docx(data: bytes, source: str, limits: Limits) -> list[Line]:
    check_zip(data, source, limits)
    import docx  # python-docx; imported here so plain-text runs never pay for it
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors on broken parts
        raise BadInputError(f"{source}: the DOCX file cannot be read ({type(exc).__name__}); save it again from Word") from None
    lines: list[Line] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            line = _paragraph_line(paragraph)
            if line is not None:
                lines.append(line)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = clean_line(" ".join(p.text for p in cell.paragraphs))
                    if text and (not cells or cells[-1] != text):  # merged cells repeat
                        cells.append(text)
                if cells:
                    lines.append(Line(" | ".join(cells), 1, kind="table_row", block_break=True))
    return lines


def _paragraph_line(paragraph) -> Line | None:
    text = clean_line(paragraph.text)
    if not text:
        return None
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    heading = _HEADING_STYLE.match(style)
    if heading:
        level = int(heading.group(1)) if heading.group(1) else 1
        return Line(text, 1, kind="heading", level=level, block_break=True)
    properties = paragraph._p.pPr
    numbered = properties is not None and properties.numPr is not None
    if numbered or _LIST_STYLE.search(style):
        return Line(text, 1, kind="list_item", block_break=True)
    return Line(text, 1, block_break=True)
