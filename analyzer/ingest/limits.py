"""Configurable limits that protect a run from hostile or accidental huge inputs."""

from __future__ import annotations

import time
from dataclasses import dataclass

from analyzer.errors import LimitExceededError


@dataclass(frozen=True)
class Limits:
    """Upper bounds for one document.

    The defaults fit the largest real supplier reports (a few hundred pages)
    with room to spare, and stop zip or stream bombs long before memory runs out.
    """

    max_bytes: int = 200 * 1024 * 1024
    max_pages: int = 2000
    max_seconds: float = 900.0
    # Uncompressed size allowed inside a DOCX (a zip) or across a PDF's compressed
    # streams: guards against zip and decompression bombs. No single PDF stream
    # may exceed ``max_stream_bytes`` (a 600 dpi A4 colour image is about 100 MB).
    max_unpacked_bytes: int = 1024 * 1024 * 1024
    max_stream_bytes: int = 256 * 1024 * 1024
    # A rendered page for OCR never exceeds this many pixels, however large the page claims to be.
    max_ocr_pixels: int = 40_000_000
    ocr_dpi: int = 300
    ocr_timeout_per_page: float = 120.0


class Deadline:
    """Raises once the time budget of ``Limits.max_seconds`` is spent."""

    def __init__(self, seconds: float, source: str):
        self.seconds = seconds
        self.source = source
        self._end = time.monotonic() + seconds

    def remaining(self) -> float:
        return self._end - time.monotonic()

    def check(self) -> None:
        if time.monotonic() > self._end:
            raise LimitExceededError(
                f"{self.source}: reading took longer than {self.seconds:g} s; "
                "raise the limit with --max-seconds if the document is genuine"
            )
