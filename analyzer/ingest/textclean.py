"""Normalising text as extracted: ligatures, glyph placeholders, bullets, spaces."""

from __future__ import annotations

import re
import unicodedata

BULLET = "•"

# Glyphs that PDFs and word processors use as list markers. U+F0B7 and friends are
# Symbol/Wingdings private-use code points that Word writes for its default bullets.
_BULLET_CHARS = "•◦▪▫●○■□►▶➢➤✓✔❖⁃∙·\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf06e\uf0a8"
_BULLET_RE = re.compile(f"^[{re.escape(_BULLET_CHARS)}]\\s*")
# pdfminer writes glyphs without a Unicode mapping as (cid:NNN); at the start of a
# line they are almost always bullet glyphs, elsewhere they carry no text.
_CID_LEADING = re.compile(r"^\s*\(cid:\d+\)\s*")
_CID_ANY = re.compile(r"\(cid:\d+\)")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff\ufffd]")
_SOFT_HYPHEN = "\u00ad"

_DASH_MAP = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2212": "-"})


def clean_line(text: str) -> str:
    """Normalise one line of extracted text; never joins or splits lines."""
    # NFKC resolves ligatures (ﬁ, ﬂ, ﬀ) and full-width forms.
    text = unicodedata.normalize("NFKC", text.replace(_SOFT_HYPHEN, ""))
    text = text.translate(_DASH_MAP)
    text = _CID_LEADING.sub(BULLET + " ", text)
    text = _CID_ANY.sub("", text)
    text = _CONTROL.sub("", text)
    text = _BULLET_RE.sub(BULLET + " ", text)
    return _SPACES.sub(" ", text).strip()


_LIST_MARKER = re.compile(
    r"^(?:•|-|–|\*|\(?[0-9]{1,2}[.)](?!\d)|\(?[a-z][.)]|\([ivx]{1,4}\)|[ivx]{1,4}\.)\s+"
)


def list_marker(text: str) -> str | None:
    """The list marker a line starts with (``•``, ``-``, ``1.``, ``a)``), or None."""
    match = _LIST_MARKER.match(text)
    return match.group(0) if match else None


def strip_list_marker(text: str) -> str:
    return _LIST_MARKER.sub("", text, count=1).strip()
