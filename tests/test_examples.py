"""The bundled sample documents parse as their expected.json says.

The gap expectations in the same file are checked by the assessment tests;
here it is the document facts ingestion is responsible for.
"""

import json
import shutil
from pathlib import Path

import pytest

from analyzer.pipeline import parse

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
EXPECTED = json.loads((EXAMPLES / "expected.json").read_text(encoding="utf-8"))["documents"]


@pytest.mark.parametrize("entry", EXPECTED, ids=[e["file"] for e in EXPECTED])
def test_sample_document_parses_as_expected(entry):
    if entry["ocr"] and shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed")
    document = parse(EXAMPLES / entry["file"])
    assert document.pages == entry["pages"]
    assert document.ocr == entry["ocr"]
    assert document.language == entry["language"]
    assert len(document.passages) >= 30
    assert not document.warnings
    pages_with_text = {p.page for p in document.passages}
    assert pages_with_text == set(range(1, entry["pages"] + 1))


def test_two_column_annual_report_reads_each_column_in_order():
    document = parse(EXAMPLES / "nl_workwear_jaarrapportage.pdf")
    numbers = [int(p.text.split(".")[0]) for p in document.passages if p.kind == "heading" and p.text[:1].isdigit()]
    # Section headings of the two-column pages come out in numbering order, none lost.
    assert numbers == list(range(1, 9))


def test_scan_and_text_version_say_the_same():
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed")
    scan = parse(EXAMPLES / "nl_workwear_risicoanalyse_scan.pdf")
    text = parse(EXAMPLES / "nl_workwear_risicoanalyse.pdf")
    scan_words = set(" ".join(p.text for p in scan.passages).lower().split())
    text_words = [w for p in text.passages if p.page <= 2 for w in p.text.lower().replace(" | ", " ").split()]
    recall = sum(1 for w in text_words if w in scan_words) / len(text_words)
    assert recall >= 0.9
