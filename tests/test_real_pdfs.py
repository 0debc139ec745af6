"""The real PDFs in ../shared/data/pdf parse without error (skipped without ../shared)."""

import pytest

from analyzer.pipeline import parse


def _pdfs(shared):
    return sorted((shared / "data" / "pdf").glob("*.pdf"))


def test_real_pdfs_parse(shared_dir):
    pdfs = _pdfs(shared_dir)
    assert len(pdfs) >= 5
    for path in pdfs:
        document = parse(path)
        assert document.pages >= 1
        assert len(document.passages) >= 20, path.name
        assert document.language == "en"
        words = [w for p in document.passages for w in p.text.split()]
        # Glued words are the typical extraction failure: very long tokens.
        glued = [w for w in words if len(w) > 30 and "/" not in w and "." not in w]
        assert len(glued) <= 0.002 * len(words), (path.name, glued[:5])
