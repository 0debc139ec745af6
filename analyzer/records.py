"""The records passed between pipeline stages.

All are frozen dataclasses: a stage never changes what an earlier stage produced,
it returns new records. Geometry follows pdfplumber's convention once, here:
``bbox = (x0, top, x1, bottom)`` in PDF points, origin at the top left of the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BBox = tuple[float, float, float, float]

LineKind = Literal["text", "heading", "list_item", "table_row"]
BlockKind = Literal["paragraph", "heading", "list_item", "table_row"]


@dataclass(frozen=True)
class Line:
    """One visual line of text on a page, in reading order.

    ``kind`` is a hint from the source format: DOCX and HTML know their headings
    and list items, PDF tables are found by layout; plain PDF lines are ``text``
    and the segmenter decides what they are. ``column`` and ``block_break`` carry
    layout evidence the segmenter needs to split blocks.
    """

    text: str
    page: int
    bbox: BBox | None = None
    size: float = 0.0
    bold: bool = False
    kind: LineKind = "text"
    column: int = 0
    block_break: bool = False
    level: int = 0
    # How the line ends in a hyphen: "soft" (a word broken by hyphenation: drop
    # the hyphen and join), "hard" (a real hyphen: keep it and join), or "" when
    # the source cannot tell and the segmenter decides.
    hyphen: str = ""


@dataclass(frozen=True)
class Page:
    number: int
    width: float | None = None
    height: float | None = None
    ocr: bool = False


@dataclass(frozen=True)
class IngestedDocument:
    """What ingestion hands to segmentation: lines in reading order, per page."""

    id: str
    source: str
    format: str
    pages: tuple[Page, ...]
    lines: tuple[Line, ...]
    warnings: tuple[str, ...] = ()

    @property
    def ocr(self) -> bool:
        return any(page.ocr for page in self.pages)


@dataclass(frozen=True)
class Block:
    """A paragraph, heading, list item or table row: lines that belong together."""

    kind: BlockKind
    page: int
    lines: tuple[Line, ...]
    text: str
    lead_in: str | None = None


@dataclass(frozen=True)
class Passage:
    """The unit that is classified: a sentence, or a bullet with its lead-in.

    A passage never crosses a page. ``id`` is derived from the document, page,
    position and text, so parsing the same file twice gives the same ids.
    """

    id: str
    index: int
    page: int
    bbox: BBox | None
    text: str
    lang: str
    heading: str | None
    kind: BlockKind = "paragraph"

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "index": self.index,
            "page": self.page,
            "bbox": list(self.bbox) if self.bbox is not None else None,
            "text": self.text,
            "lang": self.lang,
            "heading": self.heading,
            "kind": self.kind,
        }


@dataclass(frozen=True)
class ParsedDocument:
    """The output of ``ketenlens parse``: document facts plus its passages."""

    id: str
    source: str
    format: str
    pages: int
    language: str
    ocr: bool
    passages: tuple[Passage, ...]
    warnings: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict:
        return {
            "document": {
                "id": self.id,
                "source": self.source,
                "format": self.format,
                "pages": self.pages,
                "language": self.language,
                "ocr": self.ocr,
                "warnings": list(self.warnings),
            },
            "passages": [p.to_dict() for p in self.passages],
        }


@dataclass(frozen=True)
class LabelledPassage:
    """A passage with its classification: what the assessment stage reads."""

    id: str
    page: int
    text: str
    steps: tuple[str, ...]
    themes: tuple[str, ...]
    status: str
    specific: bool
    kind: str = "paragraph"
    lang: str = "nl"
    bbox: BBox | None = None
    heading: str | None = None
    scores: dict = field(default_factory=dict, compare=False, hash=False)
