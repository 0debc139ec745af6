"""Plain text, Markdown and HTML: no pages, so everything is page 1 with no box."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from analyzer.ingest.textclean import clean_line, list_marker
from analyzer.records import Line

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MD_INLINE = re.compile(r"(\*\*|__|`)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def read_text(text: str, markdown: bool = False) -> list[Line]:
    """Blank lines separate paragraphs; bullets and Markdown headings start new blocks."""
    lines: list[Line] = []
    pending_break = True
    for raw in text.splitlines():
        stripped = raw.strip()
        if not stripped:
            pending_break = True
            continue
        if markdown:
            heading = _MD_HEADING.match(stripped)
            if heading:
                lines.append(Line(_md_inline(heading.group(2)), 1, kind="heading", level=len(heading.group(1)), block_break=True))
                pending_break = True
                continue
            if _MD_TABLE_RULE.match(stripped):
                continue
            if stripped.startswith("|") and stripped.endswith("|"):
                cells = [_md_inline(c) for c in stripped.strip("|").split("|")]
                cells = [c for c in cells if c]
                if cells:
                    lines.append(Line(" | ".join(cells), 1, kind="table_row", block_break=True))
                pending_break = True
                continue
            stripped = _md_inline(stripped)
        cleaned = clean_line(stripped)
        if not cleaned:
            continue
        if list_marker(cleaned):
            lines.append(Line(cleaned, 1, kind="list_item", block_break=True))
            pending_break = False
            continue
        lines.append(Line(cleaned, 1, block_break=pending_break))
        pending_break = False
    return lines


def _md_inline(text: str) -> str:
    return clean_line(_MD_INLINE.sub("", _MD_LINK.sub(r"\1", text)))


_BLOCK_TAGS = {"p", "div", "section", "article", "blockquote", "dd", "dt", "figcaption", "caption", "td", "th", "br"}
_HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "head"}


class _HTMLLines(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[Line] = []
        self._buffer: list[str] = []
        self._skip = 0
        self._kind = "text"
        self._level = 0
        self._row: list[str] | None = None

    def _flush(self) -> None:
        text = clean_line(" ".join(self._buffer))
        self._buffer = []
        if not text:
            return
        if self._row is not None:
            self._row.append(text)
            return
        self.lines.append(Line(text, 1, kind=self._kind, level=self._level, block_break=True))

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP_TAGS:
            self._skip += 1
            return
        if tag in _HEADING_TAGS or tag == "li" or tag in _BLOCK_TAGS or tag == "tr":
            self._flush()
        if tag in _HEADING_TAGS:
            self._kind, self._level = "heading", _HEADING_TAGS[tag]
        elif tag == "li":
            self._kind = "list_item"
        elif tag == "tr":
            self._row = []

    def handle_endtag(self, tag):
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
            return
        if tag in _HEADING_TAGS or tag == "li" or tag in _BLOCK_TAGS:
            self._flush()
            self._kind, self._level = "text", 0
        if tag == "tr" and self._row is not None:
            self._flush()
            cells, self._row = self._row, None
            if cells:
                self.lines.append(Line(" | ".join(cells), 1, kind="table_row", block_break=True))

    def handle_data(self, data):
        if not self._skip:
            self._buffer.append(data)

    def close(self):
        super().close()
        self._flush()


def read_html(text: str) -> list[Line]:
    parser = _HTMLLines()
    parser.feed(text)
    parser.close()
    return parser.lines


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:512].lower()
    return head.startswith("<!doctype html") or head.startswith("<html") or "<body" in head
