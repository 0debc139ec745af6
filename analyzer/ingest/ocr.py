"""OCR of scanned pages with the tesseract command (Dutch + English), offline.

Pages are rendered by pdfium in this thread (pdfium is not thread-safe), then
recognised by one tesseract process per page, two at a time: each process is
pinned to one thread with OMP_THREAD_LIMIT=1, which is 2.5x faster on two cores
than letting each tesseract spread over both (see the README figures).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from analyzer.ingest.limits import Deadline, Limits
from analyzer.ingest.textclean import clean_line
from analyzer.records import Line

LANGUAGES = "nld+eng"
# Words further apart than this many word heights are in different table cells.
_CELL_GAP = 2.5
MISSING_TESSERACT = (
    "OCR skipped: tesseract is not installed; install the Debian packages "
    "tesseract-ocr tesseract-ocr-nld tesseract-ocr-eng (make install does this as root)"
)


def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


def ocr_pdf_pages(pdf, numbers: list[int], limits: Limits, deadline: Deadline) -> tuple[dict[int, list[Line]], list[str]]:
    """Recognise the given 1-based pages of an open pypdfium2 document."""
    if not tesseract_available():
        return {}, [MISSING_TESSERACT + f" (pages {_ranges(numbers)} have no text layer)"]
    warnings: list[str] = []
    with tempfile.TemporaryDirectory(prefix="ketenlens-ocr-") as tmp:
        jobs = []
        for number in numbers:
            deadline.check()
            page = pdf[number - 1]
            width, height = page.get_size()
            scale = limits.ocr_dpi / 72
            pixels = width * scale * height * scale
            if pixels > limits.max_ocr_pixels:
                scale *= (limits.max_ocr_pixels / pixels) ** 0.5
            image = page.render(scale=scale, grayscale=True).to_pil()
            path = Path(tmp) / f"page-{number:05d}.png"
            image.save(path)
            jobs.append((number, path, scale))
        results: dict[int, list[Line]] = {}
        with ThreadPoolExecutor(max_workers=max(1, min(2, os.cpu_count() or 1))) as pool:
            futures = {
                number: pool.submit(_recognise, path, number, scale, limits.ocr_timeout_per_page, deadline)
                for number, path, scale in jobs
            }
            for number, future in futures.items():
                lines, warning = future.result()
                if warning:
                    warnings.append(warning)
                results[number] = lines
    return results, warnings


def _recognise(path: Path, number: int, scale: float, timeout: float, deadline: Deadline) -> tuple[list[Line], str | None]:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    budget = max(1.0, min(timeout, deadline.remaining()))
    try:
        done = subprocess.run(
            ["tesseract", str(path), "stdout", "-l", LANGUAGES, "--psm", "3", "tsv"],
            capture_output=True,
            env=env,
            timeout=budget,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return [], f"page {number}: OCR stopped after {budget:.0f} s; its text is missing"
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return [], f"page {number}: OCR failed ({detail[-1] if detail else 'tesseract error'})"
    return parse_tsv(done.stdout.decode("utf-8", "replace"), number, scale), None


def parse_tsv(tsv: str, number: int, scale: float) -> list[Line]:
    """Tesseract TSV words -> lines with boxes in PDF points."""
    groups: dict[tuple[int, int, int], list[dict]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") != "5" or not (row.get("text") or "").strip():
            continue
        try:
            if float(row.get("conf", "-1")) < 0:
                continue
        except ValueError:
            continue
        key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        groups.setdefault(key, []).append(row)
    lines = []
    for key in sorted(groups):
        words = sorted(groups[key], key=lambda w: int(w["left"]))
        # A wide gap inside a recognised line separates table cells: split there, so the
        # layout step reads the row as a table row, as it does for a PDF's text layer.
        fragments, current = [], [words[0]]
        for word in words[1:]:
            previous = current[-1]
            gap = int(word["left"]) - (int(previous["left"]) + int(previous["width"]))
            if gap > _CELL_GAP * max(int(previous["height"]), 1):
                fragments.append(current)
                current = []
            current.append(word)
        fragments.append(current)
        for n, fragment in enumerate(fragments):
            text = clean_line(" ".join(w["text"] for w in fragment))
            if not text:
                continue
            x0 = min(int(w["left"]) for w in fragment) / scale
            top = min(int(w["top"]) for w in fragment) / scale
            x1 = max(int(w["left"]) + int(w["width"]) for w in fragment) / scale
            bottom = max(int(w["top"]) + int(w["height"]) for w in fragment) / scale
            lines.append(Line(text, number, (x0, top, x1, bottom), size=bottom - top,
                              block_break=key[2] == 1 and n == 0))
    return lines


def _ranges(numbers: list[int]) -> str:
    parts, start, prev = [], None, None
    for n in sorted(numbers):
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            parts.append(f"{start}-{prev}" if start != prev else str(start))
            start = prev = n
    if start is not None:
        parts.append(f"{start}-{prev}" if start != prev else str(start))
    return ", ".join(parts)
