"""Ingestion of generated PDFs, DOCX, text, Markdown and HTML."""

import re
import shutil

import pytest

import pdfgen
from analyzer.errors import BadInputError, LimitExceededError
from analyzer.ingest import Limits, load, load_bytes
from analyzer.pipeline import parse


def test_text_pdf_has_one_page_record_per_page(tmp_path):
    path = tmp_path / "ra.pdf"
    pdfgen.text_pdf(path, pages=3)
    document = load(path)
    assert [p.number for p in document.pages] == [1, 2, 3]
    assert document.format == "pdf"
    assert not document.ocr


def test_running_header_footer_and_page_numbers_are_removed(tmp_path):
    path = tmp_path / "ra.pdf"
    pdfgen.text_pdf(path, pages=3)
    texts = [ln.text for ln in load(path).lines]
    assert not any("Van Dijk" in t and "Risicoanalyse 2024" in t for t in texts)
    assert not any(re.fullmatch(r"Pagina \d van 3", t) for t in texts)


def test_word_coverage_of_a_text_pdf_is_at_least_98_percent_in_order(tmp_path):
    path = tmp_path / "ra.pdf"
    expected = pdfgen.text_pdf(path, pages=4)
    passages = parse(path).passages
    found = " ".join(p.text for p in passages).replace(" • ", " ").split()
    # In-order match: walk the expected words through the found words.
    position, matched = 0, 0
    for word in expected:
        try:
            position = found.index(word, position) + 1
            matched += 1
        except ValueError:
            continue
    assert matched / len(expected) >= 0.98


def test_two_columns_are_read_left_column_first(tmp_path):
    path = tmp_path / "two.pdf"
    left, right = pdfgen.two_column_pdf(path)
    text = " ".join(p.text for p in parse(path).passages)
    positions = [text.index(s) for s in left + right]
    assert positions == sorted(positions)
    assert text.index("Jaarrapportage 2024") < positions[0]


def test_ruled_table_rows_become_single_lines(tmp_path):
    path = tmp_path / "table.pdf"
    rows = pdfgen.table_pdf(path)
    lines = [ln for ln in load(path).lines if ln.kind == "table_row"]
    assert [ln.text for ln in lines] == [" | ".join(r) for r in rows]
    assert all(ln.bbox is not None for ln in lines)


def test_table_rows_are_passages(tmp_path):
    path = tmp_path / "table.pdf"
    pdfgen.table_pdf(path)
    passages = parse(path).passages
    rows = [p for p in passages if p.kind == "table_row"]
    assert "India | Katoen | Kinderarbeid | Hoog" in [p.text for p in rows]
    assert all(p.heading == "Risicomatrix" for p in rows)


def test_words_placed_without_space_characters_keep_their_spaces(tmp_path):
    path = tmp_path / "spaceless.pdf"
    sentence = pdfgen.spaceless_pdf(path)
    assert [p.text for p in parse(path).passages] == [sentence]


def test_hyphenation_at_line_end_is_repaired_but_suspended_hyphens_kept(tmp_path):
    path = tmp_path / "hyphen.pdf"
    pdfgen.hyphenated_pdf(path)
    text = " ".join(p.text for p in parse(path).passages)
    assert "leveranciers" in text
    assert "zorg- en welzijnsorganisaties" in text


def test_ligatures_glyph_placeholders_and_bullets_are_normalised():
    from analyzer.ingest.textclean import clean_line

    # Standard PDF fonts cannot draw ligature glyphs, so this is checked on the text itself.
    assert clean_line("De ofﬁciële certiﬁcering van de ﬂexibele keten.") == "De officiële certificering van de flexibele keten."
    assert clean_line("(cid:127) audits bij leveranciers") == "• audits bij leveranciers"
    assert clean_line("\uf0b7\tkinderarbeid") == "• kinderarbeid"
    assert clean_line("▪ overwerk  en\u00a0lonen") == "• overwerk en lonen"
    assert clean_line("tekst(cid:3) met glyph") == "tekst met glyph"


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
def test_scanned_page_is_read_with_ocr(tmp_path):
    path = tmp_path / "scan.pdf"
    pdfgen.scanned_pdf(path, ["Wij hebben een klachtenmechanisme", "voor werknemers in Bangladesh."])
    document = parse(path)
    assert document.ocr
    text = " ".join(p.text for p in document.passages).lower()
    assert "klachtenmechanisme" in text and "bangladesh" in text
    assert all(p.bbox is not None for p in document.passages)


def test_scanned_page_without_tesseract_warns_and_names_the_package(tmp_path, monkeypatch):
    path = tmp_path / "scan.pdf"
    pdfgen.scanned_pdf(path, ["Alleen een scan"])
    monkeypatch.setenv("PATH", str(tmp_path))  # hides the tesseract binary, as on a machine without it
    document = load(path)
    assert any("tesseract-ocr" in w for w in document.warnings)
    assert not document.ocr


def test_docx_headings_lists_and_tables(tmp_path):
    path = tmp_path / "plan.docx"
    pdfgen.docx_file(path)
    document = load(path)
    kinds = [(ln.kind, ln.text) for ln in document.lines]
    assert ("heading", "Plan van aanpak 2025") in kinds
    assert ("list_item", "Een klachtenmechanisme voor werknemers in Tunesië.") in kinds
    assert ("table_row", "Audit Bangladesh | Inkoopmanager | 1 juli 2025") in kinds
    passages = parse(path).passages
    bullet = [p for p in passages if "Tunesië" in p.text][0]
    assert bullet.text.startswith("Wij voeren de volgende maatregelen uit: • ")
    assert bullet.page == 1 and bullet.bbox is None and bullet.heading == "Maatregelen"


def test_markdown(tmp_path):
    path = tmp_path / "r.md"
    path.write_text("# Risicoanalyse\n\nWij kopen **katoen** in India.\n\n| Land | Risico |\n|---|---|\n| India | Kinderarbeid |\n\n- punt een\n- punt twee\n", encoding="utf-8")
    lines = load(path).lines
    assert [(ln.kind, ln.text) for ln in lines] == [
        ("heading", "Risicoanalyse"),
        ("text", "Wij kopen katoen in India."),
        ("table_row", "Land | Risico"),
        ("table_row", "India | Kinderarbeid"),
        ("list_item", "- punt een"),
        ("list_item", "- punt twee"),
    ]


def test_html_skips_scripts_and_keeps_structure(tmp_path):
    path = tmp_path / "p.html"
    path.write_text(
        "<html><head><script>var x=1;</script></head><body><h2>Klachten</h2><p>Werknemers kunnen "
        "<b>anoniem</b> melden.</p><ul><li>per telefoon</li></ul><table><tr><td>2024</td><td>3 klachten</td></tr></table></body></html>",
        encoding="utf-8",
    )
    lines = [(ln.kind, ln.text) for ln in load(path).lines]
    assert lines == [
        ("heading", "Klachten"),
        ("text", "Werknemers kunnen anoniem melden."),
        ("list_item", "per telefoon"),
        ("table_row", "2024 | 3 klachten"),
    ]


def test_plain_text_paragraphs_join_wrapped_lines(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("Wij hebben in 2024 alle leveranciers\nbeoordeeld op kinderarbeid.\n\nTweede alinea.\n", encoding="utf-8")
    texts = [p.text for p in parse(path).passages]
    assert texts == ["Wij hebben in 2024 alle leveranciers beoordeeld op kinderarbeid.", "Tweede alinea."]


# --- bad input: each is a BadInputError with a one-line message -------------------------


def _bad(path, limits=None):
    with pytest.raises(BadInputError) as info:
        load(path, limits)
    message = str(info.value)
    assert "\n" not in message and len(message) < 300
    return message


def test_empty_file(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    assert "empty" in _bad(path)


def test_missing_file(tmp_path):
    assert "no such file" in _bad(tmp_path / "nope.pdf")


def test_folder(tmp_path):
    assert "folder" in _bad(tmp_path)


def test_wrong_extension_text_named_pdf(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_text("just some text", encoding="utf-8")
    assert "not a PDF" in _bad(path)


def test_wrong_extension_pdf_named_docx(tmp_path):
    path = tmp_path / "plan.docx"
    pdfgen.text_pdf(path, pages=1)
    assert "rename it to .pdf" in _bad(path)


def test_truncated_pdf(tmp_path):
    full = tmp_path / "full.pdf"
    pdfgen.text_pdf(full, pages=2)
    path = tmp_path / "cut.pdf"
    path.write_bytes(full.read_bytes()[:400])
    assert "damaged" in _bad(path)


def test_corrupt_pdf(tmp_path):
    path = tmp_path / "bad.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    assert "damaged" in _bad(path)


def test_password_protected_pdf(tmp_path):
    path = tmp_path / "secret.pdf"
    pdfgen.encrypted_pdf(path)
    assert "password" in _bad(path)


def test_unsupported_type(tmp_path):
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    assert "unsupported" in _bad(path)


def test_unsupported_extension_of_text(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    assert "unsupported file extension" in _bad(path)


def test_damaged_docx(tmp_path):
    path = tmp_path / "plan.docx"
    path.write_bytes(b"PK\x03\x04" + b"garbage" * 20)
    assert "damaged" in _bad(path)


def test_byte_limit(tmp_path):
    path = tmp_path / "ra.pdf"
    pdfgen.text_pdf(path, pages=1)
    with pytest.raises(LimitExceededError, match="--max-bytes"):
        load(path, Limits(max_bytes=100))


def test_page_limit(tmp_path):
    path = tmp_path / "ra.pdf"
    pdfgen.text_pdf(path, pages=5)
    with pytest.raises(LimitExceededError, match="5 pages"):
        load(path, Limits(max_pages=4))


def test_time_limit(tmp_path):
    path = tmp_path / "ra.pdf"
    pdfgen.text_pdf(path, pages=5)
    with pytest.raises(LimitExceededError, match="--max-seconds"):
        load(path, Limits(max_seconds=1e-9))


def test_zip_bomb_docx(tmp_path):
    import zipfile

    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/media/huge.bin", b"\x00" * (20 * 1024 * 1024))
    assert path.stat().st_size < 200_000
    with pytest.raises(LimitExceededError, match="zip bomb"):
        load(path, Limits(max_unpacked_bytes=10 * 1024 * 1024))


def test_upload_bytes_use_the_same_checks():
    with pytest.raises(BadInputError, match="empty"):
        load_bytes(b"   ", "upload.txt")


def test_pdf_decompression_bomb(tmp_path):
    import zlib

    # A tiny PDF whose page content inflates to 64 MB of spaces.
    bomb = zlib.compress(b" " * (64 * 1024 * 1024), 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb + b"\nendstream",
    ]
    body = b"%PDF-1.7\n"
    for number, obj in enumerate(objects, 1):
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    body += b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    path = tmp_path / "bomb.pdf"
    path.write_bytes(body)
    assert path.stat().st_size < 200_000
    with pytest.raises(LimitExceededError, match="decompression bomb"):
        load(path, Limits(max_unpacked_bytes=16 * 1024 * 1024))


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
def test_scanned_table_rows_keep_their_cells(tmp_path):
    path = tmp_path / "scan.pdf"
    pdfgen.scanned_pdf(path, ["Risicomatrix", "Bangladesh                    Brandveiligheid", "India                              Kinderarbeid"])
    rows = [p.text for p in parse(path).passages if p.kind == "table_row"]
    assert "Bangladesh | Brandveiligheid" in rows and "India | Kinderarbeid" in rows
