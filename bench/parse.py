"""Benchmark: parse + segment speed on this machine.

- pages per second on a generated 60-page text PDF (headings, paragraphs, bullets,
  a ruled table per chapter, running header and footer), against a plain
  pdfplumber ``extract_text()`` of the same file as reference;
- seconds per page for OCR on generated scanned pages;
- the real PDFs in ../shared/data/pdf when present.

Run: ``.venv/bin/python bench/parse.py [--pages 60] [--ocr-pages 4] [--json]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

import pdfgen  # noqa: E402  (the test fixture generator, reused so bench and tests agree)
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.units import cm  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from analyzer.pipeline import parse  # noqa: E402

WIDTH, HEIGHT = A4


def long_pdf(path: Path, pages: int) -> None:
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    paragraphs = pdfgen.PARAGRAPHS_NL + pdfgen.PARAGRAPHS_EN
    for page in range(1, pages + 1):
        c.setFont("Helvetica", 8)
        c.drawString(2 * cm, HEIGHT - 1.2 * cm, "Jaarrapportage IMVO 2024 — Van Dijk Bedrijfskleding")
        c.drawRightString(WIDTH - 2 * cm, 1.2 * cm, f"Pagina {page} van {pages}")
        y = HEIGHT - 2.8 * cm
        c.setFont("Helvetica-Bold", 14)
        c.drawString(2 * cm, y, f"{page}. Voortgang hoofdstuk {page}")
        y -= 0.9 * cm
        while y > 9 * cm:
            for text in paragraphs:
                c.setFont("Helvetica", 10)
                for line in pdfgen.wrap(text, "Helvetica", 10, WIDTH - 4 * cm, c):
                    c.drawString(2 * cm, y, line)
                    y -= 13
                y -= 8
                if y < 9 * cm:
                    break
        if page % 5 == 0:
            rows = [["Land", "Risico", "Ernst", "Maatregel"]] + [["Bangladesh", "Overwerk", "Hoog", "Audit"]] * 5
            for r, row in enumerate(rows):
                for k, cell in enumerate(row):
                    c.setFont("Helvetica", 9)
                    c.rect(2 * cm + k * 4 * cm, 8 * cm - r * 0.7 * cm, 4 * cm, 0.7 * cm)
                    c.drawString(2 * cm + k * 4 * cm + 3, 8 * cm - r * 0.7 * cm + 6, cell)
        c.showPage()
    c.save()


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--ocr-pages", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    results: dict = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        pdf = tmp / "long.pdf"
        long_pdf(pdf, args.pages)
        parse(pdf)  # warm-up: imports and spaCy pipelines load once per process
        seconds = timed(lambda: parse(pdf), args.repeat)
        passages = len(parse(pdf).passages)
        results["text_pdf"] = {"pages": args.pages, "seconds": round(seconds, 3), "pages_per_second": round(args.pages / seconds, 1), "passages": passages}

        import pdfplumber

        def plumber() -> None:
            with pdfplumber.open(pdf) as doc:
                for page in doc.pages:
                    page.extract_text()

        reference = timed(plumber, 1)
        results["pdfplumber_extract_text"] = {"seconds": round(reference, 3), "pages_per_second": round(args.pages / reference, 1)}

        if shutil.which("tesseract") and args.ocr_pages:
            scan = tmp / "scan.pdf"
            body = [sentence[:60] for sentence in " ".join(pdfgen.PARAGRAPHS_NL).split(". ")] * 3
            pdfgen.scanned_pdf(scan, body[:22], pages=args.ocr_pages)
            ocr_seconds = timed(lambda: parse(scan), 1)
            results["ocr"] = {"pages": args.ocr_pages, "seconds": round(ocr_seconds, 2),
                              "seconds_per_page": round(ocr_seconds / args.ocr_pages, 2), "workers": 2}
        else:
            results["ocr"] = "skipped: tesseract not installed"

        shared = REPO.parent / "shared" / "data" / "pdf"
        if shared.is_dir():
            real = {}
            for path in sorted(shared.glob("*.pdf")):
                doc = parse(path)
                seconds = timed(lambda path=path: parse(path), 1)
                real[path.name] = {"pages": doc.pages, "seconds": round(seconds, 3), "pages_per_second": round(doc.pages / seconds, 1)}
            results["real_pdfs"] = real
    print(json.dumps(results, indent=2) if args.json else _table(results))


def _table(results: dict) -> str:
    lines = [f"machine: {results['machine']}", "", "| what | pages | seconds | pages/s |", "|---|---:|---:|---:|"]
    t = results["text_pdf"]
    lines.append(f"| ketenlens parse (ingest + segment), generated text PDF | {t['pages']} | {t['seconds']} | {t['pages_per_second']} |")
    r = results["pdfplumber_extract_text"]
    lines.append(f"| pdfplumber extract_text (reference), same PDF | {t['pages']} | {r['seconds']} | {r['pages_per_second']} |")
    for name, row in results.get("real_pdfs", {}).items():
        lines.append(f"| ketenlens parse, {name} | {row['pages']} | {row['seconds']} | {row['pages_per_second']} |")
    ocr = results["ocr"]
    if isinstance(ocr, dict):
        lines.append(f"| OCR (tesseract nld+eng, 2 workers), generated scan | {ocr['pages']} | {ocr['seconds']} | {ocr['seconds_per_page']} s/page |")
    else:
        lines.append(f"| OCR | – | – | {ocr} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
