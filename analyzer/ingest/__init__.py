"""Ingestion: any supported file -> an :class:`~analyzer.records.IngestedDocument`.

The file type is decided by its bytes, not its name; a name that contradicts the
bytes is reported, since it usually means the wrong file was picked.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from analyzer.errors import BadInputError, LimitExceededError
from analyzer.ingest.limits import Deadline, Limits
from analyzer.records import IngestedDocument, Page

__all__ = ["Limits", "load", "load_bytes", "SUPPORTED"]

SUPPORTED = "PDF, DOCX, TXT, Markdown or HTML"

_PDF_EXT = {".pdf"}
_DOCX_EXT = {".docx", ".docm"}
_TEXT_EXT = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ""}
_MAGIC = [
    (b"\xd0\xcf\x11\xe0", "an old Word/Excel file (.doc/.xls); save it as DOCX or PDF"),
    (b"\x89PNG", "a PNG image; put scans in a PDF"),
    (b"\xff\xd8\xff", "a JPEG image; put scans in a PDF"),
    (b"II*\x00", "a TIFF image; put scans in a PDF"),
    (b"MM\x00*", "a TIFF image; put scans in a PDF"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive; unpack it first"),
    (b"Rar!", "a RAR archive; unpack it first"),
    (b"7z\xbc\xaf", "a 7-Zip archive; unpack it first"),
    (b"{\\rtf", "an RTF file; save it as DOCX or PDF"),
]


def load(path: str | Path, limits: Limits | None = None) -> IngestedDocument:
    """Read a document from disk; raises BadInputError with a one-line reason."""
    limits = limits or Limits()
    path = Path(path)
    name = path.name
    if not path.exists():
        raise BadInputError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise BadInputError(f"{path}: is a folder; give a single document (PDF, DOCX, TXT, MD or HTML)")
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise LimitExceededError(
            f"{name}: the file is {size / 1e6:.0f} MB, more than the limit of {limits.max_bytes / 1e6:.0f} MB; "
            "raise it with --max-bytes if the document is genuine"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInputError(f"{path}: cannot be read ({exc.strerror}); check its permissions") from None
    return load_bytes(data, name, limits)


def load_bytes(data: bytes, name: str, limits: Limits | None = None) -> IngestedDocument:
    """Read a document held in memory (an upload); ``name`` is used for messages and the extension check."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        raise LimitExceededError(
            f"{name}: the file is {len(data) / 1e6:.0f} MB, more than the limit of {limits.max_bytes / 1e6:.0f} MB"
        )
    if not data.strip():
        raise BadInputError(f"{name}: the file is empty; check that the upload or export finished")
    deadline = Deadline(limits.max_seconds, name)
    suffix = Path(name).suffix.lower()
    kind = sniff(data)
    doc_id = hashlib.sha256(data).hexdigest()
    warnings: list[str] = []

    if kind == "pdf":
        if suffix in _DOCX_EXT:
            raise BadInputError(f"{name}: the file is a PDF but is named {suffix}; rename it to .pdf")
        from analyzer.ingest.pdf import read_pdf

        pages, lines, warnings = read_pdf(data, name, limits, deadline)
        return IngestedDocument(doc_id, name, "pdf", tuple(pages), tuple(lines), tuple(warnings))
    if suffix in _PDF_EXT:
        raise BadInputError(
            f"{name}: the file is named .pdf but is not a PDF ({_describe(kind, data)}); ask for the real PDF"
        )
    if kind == "zip":
        from analyzer.ingest.office import read_docx

        if suffix not in _DOCX_EXT and suffix not in ("", ".zip"):
            raise BadInputError(f"{name}: a zip-based file named {suffix} is not supported; give a {SUPPORTED} file")
        lines = read_docx(data, name, limits)
        return _flat(doc_id, name, "docx", lines, warnings)
    if suffix in _DOCX_EXT:
        raise BadInputError(f"{name}: the file is named {suffix} but is not a Word document ({_describe(kind, data)})")
    if kind.startswith("binary"):
        raise BadInputError(f"{name}: unsupported file type ({_describe(kind, data)}); give a {SUPPORTED} file")
    if suffix not in _TEXT_EXT:
        raise BadInputError(f"{name}: unsupported file extension {suffix}; give a {SUPPORTED} file")

    from analyzer.ingest import plaintext

    text = _decode(data, name)
    if suffix in (".html", ".htm") or plaintext.looks_like_html(text):
        return _flat(doc_id, name, "html", plaintext.read_html(text), warnings)
    if suffix in (".md", ".markdown"):
        return _flat(doc_id, name, "markdown", plaintext.read_text(text, markdown=True), warnings)
    return _flat(doc_id, name, "text", plaintext.read_text(text), warnings)


def sniff(data: bytes) -> str:
    """'pdf', 'zip', 'text' or 'binary:<what>' from the first bytes."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "text"  # UTF-16 with a byte-order mark
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return "binary:" + what
    sample = data[:8192]
    if b"\x00" in sample:
        return "binary:binary data"
    return "text"


def _describe(kind: str, data: bytes) -> str:
    if kind.startswith("binary:"):
        return "it is " + kind.split(":", 1)[1]
    if kind == "zip":
        return "it is a zip archive"
    if kind == "text":
        return "it contains plain text"
    return "it is a " + kind.upper()


def _decode(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BadInputError(f"{name}: the text is neither UTF-8 nor Windows-1252; save it as UTF-8")


def _flat(doc_id: str, name: str, fmt: str, lines, warnings) -> IngestedDocument:
    if not lines:
        raise BadInputError(f"{name}: the document contains no text; check that it is the right file")
    return IngestedDocument(doc_id, name, fmt, (Page(1),), tuple(lines), tuple(warnings))
