"""Segmentation: lines -> blocks (paragraphs, headings, list items, table rows)
-> passages (a sentence, or a bullet with its lead-in).

Blocks come from layout: vertical gaps, font size, weight, columns and list
markers. Sentences come from spaCy's rule-based sentencizer on a blank Dutch or
English pipeline, taught the abbreviations that real supplier reports use, so
that "o.a.", "bijv.", "e.g." or "Ltd." do not end a sentence.
"""

from __future__ import annotations

import hashlib
import re
import statistics
from dataclasses import dataclass, field
from functools import lru_cache

from analyzer import language
from analyzer.ingest.textclean import BULLET, list_marker, strip_list_marker
from analyzer.records import Block, IngestedDocument, Line, ParsedDocument, Passage

ABBREVIATIONS = {
    "nl": """o.a. bijv. bv. b.v. ca. art. nr. nrs. blz. m.b.t. i.s.m. t.a.v. m.i.v. resp. evt. incl.
        excl. d.w.z. e.d. enz. etc. dhr. mevr. mw. drs. ir. ing. mr. dr. prof. n.v. vs. i.v.m.
        zgn. vgl. o.b.v. a.d.h.v. p. pag. hfst. par. fig. tab. min. max. gem. ong. jan. feb. mrt.
        apr. jun. jul. aug. sep. sept. okt. nov. dec. e.a. m.n. o.m. t.o.v. i.p.v. z.s.m. a.s.""",
    "en": """e.g. i.e. etc. approx. fig. figs. sec. ltd. inc. co. corp. no. nos. mr. mrs. ms. dr. prof.
        jan. feb. mar. apr. jun. jul. aug. sep. sept. oct. nov. dec. vs. p. pp. cf. incl. est. reg.
        dept. st. u.s. u.k. e.u. u.n. art. para. ch. ca. ref. plc. pty. bros. govt. intl. min. max.""",
}

# Passages longer than this are cut at a clause boundary: run-on text (a table of
# contents, a cell dump) would otherwise swamp the classifier's context.
MAX_PASSAGE_CHARS = 900
_NUMBERED_HEADING = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,3}\.?|[A-Z]\.|(?:hoofdstuk|chapter|bijlage|annex|appendix)\s+\w+)\s+\S", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?;:,]$")
_SUSPENDED_HYPHEN_NEXT = {"en", "of", "tot", "and", "or", "to", "t/m"}


@lru_cache(maxsize=4)
def sentence_splitter(lang: str):
    """A blank spaCy pipeline with a sentencizer and abbreviation exceptions."""
    import spacy

    nlp = spacy.blank(lang if lang in ABBREVIATIONS else "en")
    nlp.add_pipe("sentencizer")
    for abbreviation in ABBREVIATIONS.get(lang, ABBREVIATIONS["en"]).split():
        for variant in {abbreviation, abbreviation.capitalize(), abbreviation.upper()}:
            nlp.tokenizer.add_special_case(variant, [{"ORTH": variant}])
    return nlp


@dataclass
class _Draft:
    kind: str
    page: int
    lines: list[Line] = field(default_factory=list)


def build_blocks(document: IngestedDocument) -> list[Block]:
    """Group the document's lines into blocks, page by page, in reading order."""
    sized = [ln for ln in document.lines if ln.size > 0 and ln.kind == "text"]
    body_size = _weighted_median([ln.size for ln in sized], [len(ln.text) for ln in sized]) if sized else 0.0
    body_bold = sum(len(ln.text) for ln in sized if ln.bold) > 0.5 * sum(len(ln.text) for ln in sized) if sized else False
    gaps = _typical_gaps(document.lines)

    drafts: list[_Draft] = []
    current: _Draft | None = None
    previous: Line | None = None
    for line in document.lines:
        kind = _line_kind(line, body_size, body_bold)
        new_block = (
            current is None
            or kind in ("table_row", "list_item")
            or current.kind == "table_row"
            or line.page != current.page
            or line.block_break
            or (kind == "heading") != (current.kind == "heading")
            or (previous is not None and line.column != previous.column)
            or _vertical_break(previous, line, gaps.get(line.page))
        )
        if current is not None and current.kind == "heading" and kind == "heading" and not line.block_break:
            new_block = line.page != current.page or _vertical_break(previous, line, gaps.get(line.page), factor=1.6)
        if new_block:
            current = _Draft("paragraph" if kind == "text" else kind, line.page)
            drafts.append(current)
        current.lines.append(line)
        previous = line
    return [_finish(d) for d in drafts if d.lines]


def _line_kind(line: Line, body_size: float, body_bold: bool) -> str:
    if line.kind != "text":
        return line.kind
    text = line.text
    if list_marker(text) and len(text) > 2:
        # "1. Inleiding" in a large font is a numbered heading, not a list item.
        if not (body_size and line.size >= 1.15 * body_size and len(text.split()) <= 12):
            return "list_item"
    words = len(text.split())
    if body_size and words <= 14 and not _SENTENCE_END.search(text) and any(c.isalpha() for c in text):
        larger = line.size >= 1.15 * body_size
        bolder = line.bold and not body_bold and words <= 10
        numbered = _NUMBERED_HEADING.match(text) is not None and words <= 10 and (line.bold or larger)
        if larger or bolder or numbered:
            return "heading"
    return "text"


def _typical_gaps(lines) -> dict[int, float]:
    by_page: dict[int, list[float]] = {}
    for a, b in zip(lines, lines[1:]):
        if a.bbox is None or b.bbox is None or a.page != b.page or a.column != b.column:
            continue
        gap = b.bbox[1] - a.bbox[3]
        if -1.0 <= gap <= 3 * max(a.size, 1.0):
            by_page.setdefault(a.page, []).append(gap)
    return {page: statistics.median(values) for page, values in by_page.items() if values}


def _vertical_break(previous: Line | None, line: Line, typical_gap: float | None, factor: float = 1.0) -> bool:
    if previous is None or previous.bbox is None or line.bbox is None:
        return False
    gap = line.bbox[1] - previous.bbox[3]
    if gap < -max(previous.size, 1.0):
        return True  # moved back up the page: a new column or a float
    leading = typical_gap if typical_gap is not None else 0.25 * max(line.size, 1.0)
    if gap > factor * (leading + 0.45 * max(line.size, previous.size, 1.0)):
        return True
    # A clearly different font size starts a new block (captions, footnotes).
    if previous.size and line.size and abs(line.size - previous.size) > 0.2 * max(line.size, previous.size):
        return True
    return False


def _finish(draft: _Draft) -> Block:
    text, _ = join_lines(draft.lines)
    if draft.kind == "list_item":
        text = strip_list_marker(text) if list_marker(text) else text
    return Block(draft.kind, draft.page, tuple(draft.lines), text)


def join_lines(lines) -> tuple[str, list[tuple[int, int]]]:
    """Join lines into one text, repairing hyphenation at line ends.

    Returns the text and, per line, the span of characters it contributed, so
    a sentence can be mapped back to the lines (and boxes) it came from.
    """
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    previous_line = None
    for line in lines:
        text = line.text
        if parts:
            prev = parts[-1]
            first_word = text.split(" ", 1)[0].lower().strip(",.;:")
            broken = prev.endswith("-") and len(prev) > 1 and prev[-2].isalpha() and text[:1].islower()
            if broken and previous_line.hyphen == "hard":
                pass  # "water-" + "efficient": keep the hyphen, no space
            elif broken and (previous_line.hyphen == "soft" or first_word not in _SUSPENDED_HYPHEN_NEXT):
                parts[-1] = prev[:-1]
                length -= 1
                start, end = spans[-1]
                spans[-1] = (start, end - 1)
            else:
                parts.append(" ")
                length += 1
        spans.append((length, length + len(text)))
        parts.append(text)
        length += len(text)
        previous_line = line
    return "".join(parts), spans


def segment(document: IngestedDocument) -> ParsedDocument:
    """Blocks -> passages with page, box, language and nearest heading."""
    blocks = build_blocks(document)
    doc_lang = language.document_language([b.text for b in blocks])
    sizes = {p.number: (p.width, p.height) for p in document.pages}
    passages: list[Passage] = []
    heading: str | None = None
    per_page: dict[int, int] = {}
    index = 0

    def emit(text: str, lines: list[Line], block: Block, kind: str, lang: str) -> None:
        nonlocal index
        text = text.strip()
        if not text or not any(ch.isalnum() for ch in text):
            return
        ordinal = per_page.get(block.page, 0)
        per_page[block.page] = ordinal + 1
        digest = hashlib.sha1(f"{block.page}|{ordinal}|{text}".encode()).hexdigest()[:10]
        passages.append(
            Passage(
                id=f"{document.id[:8]}-p{block.page}-{digest}",
                index=index,
                page=block.page,
                bbox=_union([ln.bbox for ln in lines], sizes.get(block.page)),
                text=text,
                lang=language.detect(text, default=lang),
                heading=heading if kind != "heading" else _previous_heading,
                kind=kind,
            )
        )
        index += 1

    _previous_heading = None
    i = 0
    while i < len(blocks):
        block = blocks[i]
        block_lang = language.detect(block.text, default=doc_lang)
        block_lang = block_lang if block_lang in ("nl", "en") else doc_lang
        if block.kind == "heading":
            _previous_heading = heading
            emit(block.text, list(block.lines), block, "heading", block_lang)
            heading = block.text
            i += 1
            continue
        if block.kind == "table_row":
            emit(block.text, list(block.lines), block, "table_row", block_lang)
            i += 1
            continue
        sentences = list(_sentences(block, block_lang))
        following_list = i + 1 < len(blocks) and blocks[i + 1].kind == "list_item" and blocks[i + 1].page == block.page
        lead_in = None
        if block.kind == "paragraph" and following_list and sentences and sentences[-1][0].rstrip().endswith(":"):
            lead_in = sentences.pop()
        for text, lines in sentences:
            emit(text, lines, block, block.kind, block_lang)
        i += 1
        if lead_in is not None:
            lead_text, lead_lines = lead_in
            while i < len(blocks) and blocks[i].kind == "list_item" and blocks[i].page == block.page:
                item = blocks[i]
                item_lang = language.detect(item.text, default=block_lang)
                item_lang = item_lang if item_lang in ("nl", "en") else block_lang
                for n, (text, lines) in enumerate(_sentences(item, item_lang)):
                    if n == 0:
                        emit(f"{lead_text} {BULLET} {text}", lead_lines + lines, item, "list_item", item_lang)
                    else:
                        emit(text, lines, item, "list_item", item_lang)
                i += 1
    language_of_doc = language.document_language([p.text for p in passages]) if passages else doc_lang
    return ParsedDocument(
        id=document.id,
        source=document.source,
        format=document.format,
        pages=len(document.pages),
        language=language_of_doc,
        ocr=document.ocr,
        passages=tuple(passages),
        warnings=document.warnings,
    )


def _sentences(block: Block, lang: str):
    """(sentence text, lines it spans) for a paragraph or list item."""
    text, spans = join_lines(block.lines)
    offset = 0
    if block.kind == "list_item":
        marker = list_marker(text)
        if marker:
            offset = len(marker)
    body = text[offset:]
    nlp = sentence_splitter(lang)
    pieces: list[tuple[int, int]] = []
    for sent in nlp(body).sents:
        start, end = sent.start_char + offset, sent.end_char + offset
        if pieces and (text[start:start + 1].islower() or end - start <= 2):
            pieces[-1] = (pieces[-1][0], end)  # a split inside an unknown abbreviation
        else:
            pieces.append((start, end))
    for start, end in _cap_length(text, pieces):
        lines = [ln for ln, (a, b) in zip(block.lines, spans) if a < end and b > start]
        yield text[start:end].strip(), lines or list(block.lines)


def _cap_length(text: str, pieces):
    for start, end in pieces:
        while end - start > MAX_PASSAGE_CHARS:
            window = text[start:start + MAX_PASSAGE_CHARS]
            cut = max(window.rfind("; "), window.rfind(" | "), window.rfind(", "))
            if cut < MAX_PASSAGE_CHARS // 3:
                cut = window.rfind(" ")
            if cut <= 0:
                cut = MAX_PASSAGE_CHARS
            yield start, start + cut + 1
            start = start + cut + 1
        yield start, end


def _union(boxes, page_size) -> tuple[float, float, float, float] | None:
    boxes = [b for b in boxes if b is not None]
    if not boxes:
        return None
    x0 = min(b[0] for b in boxes)
    top = min(b[1] for b in boxes)
    x1 = max(b[2] for b in boxes)
    bottom = max(b[3] for b in boxes)
    if page_size and page_size[0] and page_size[1]:
        width, height = page_size
        x0, x1 = max(0.0, min(x0, width)), max(0.0, min(x1, width))
        top, bottom = max(0.0, min(top, height)), max(0.0, min(bottom, height))
    return (round(x0, 2), round(top, 2), round(x1, 2), round(bottom, 2))


def _weighted_median(values: list[float], weights: list[int]) -> float:
    pairs = sorted(zip(values, weights))
    total = sum(weights)
    running = 0
    for value, weight in pairs:
        running += weight
        if running * 2 >= total:
            return value
    return pairs[-1][0]
