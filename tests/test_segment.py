"""Segmentation: sentences, bullets with lead-in, headings, ids, boxes, language."""

from hypothesis import given, settings
from hypothesis import strategies as st

import pdfgen
from analyzer import language
from analyzer.ingest import load
from analyzer.records import IngestedDocument, Line, Page
from analyzer.segment import segment


def _doc(lines, pages=(Page(1),)):
    return IngestedDocument("0" * 64, "t.txt", "text", tuple(pages), tuple(lines))


def test_dutch_abbreviations_do_not_end_sentences():
    text = "Wij werken o.a. samen met leveranciers in Turkije, bijv. spinnerijen. De risico's zijn o.a. dwangarbeid en lage lonen."
    passages = segment(_doc([Line(text, 1, block_break=True)])).passages
    assert [p.text for p in passages] == [
        "Wij werken o.a. samen met leveranciers in Turkije, bijv. spinnerijen.",
        "De risico's zijn o.a. dwangarbeid en lage lonen.",
    ]


def test_dutch_dates_and_ca_do_not_end_sentences():
    text = "Dhr. J. de Vries bezocht op 12 mrt. 2024 de fabriek in Dhaka. Hij sprak met ca. 40 werknemers."
    passages = segment(_doc([Line(text, 1, block_break=True)])).passages
    assert [p.text for p in passages] == [
        "Dhr. J. de Vries bezocht op 12 mrt. 2024 de fabriek in Dhaka.",
        "Hij sprak met ca. 40 werknemers.",
    ]


def test_english_abbreviations_do_not_end_sentences():
    text = "Mr. Smith of ABC Ltd. visited the site. He interviewed approx. 40 workers, e.g. in Dhaka."
    passages = segment(_doc([Line(text, 1, block_break=True)])).passages
    assert [p.text for p in passages] == [
        "Mr. Smith of ABC Ltd. visited the site.",
        "He interviewed approx. 40 workers, e.g. in Dhaka.",
    ]


def test_bullets_carry_their_lead_in():
    lines = [
        Line("De belangrijkste risico's zijn:", 1, block_break=True),
        Line("• kinderarbeid in de katoenteelt", 1, kind="list_item", block_break=True),
        Line("• overmatig overwerk", 1, kind="list_item", block_break=True),
    ]
    passages = segment(_doc(lines)).passages
    assert [p.text for p in passages] == [
        "De belangrijkste risico's zijn: • kinderarbeid in de katoenteelt",
        "De belangrijkste risico's zijn: • overmatig overwerk",
    ]
    assert all(p.kind == "list_item" for p in passages)


def test_nearest_heading_is_kept():
    lines = [
        Line("3.2 Risicoanalyse", 1, kind="heading", block_break=True),
        Line("In 2023 hebben wij 120 leveranciers beoordeeld.", 1, block_break=True),
    ]
    passages = segment(_doc(lines)).passages
    assert passages[1].heading == "3.2 Risicoanalyse"


def test_passages_never_cross_pages(tmp_path):
    path = tmp_path / "ra.pdf"
    pdfgen.text_pdf(path, pages=3)
    document = segment(load(path))
    lines_by_page = {}
    for line in load(path).lines:
        lines_by_page.setdefault(line.page, []).append(line.text)
    for passage in document.passages:
        page_text = " ".join(lines_by_page[passage.page])
        assert passage.text.split(" • ")[-1][:20] in page_text


def test_every_bbox_lies_within_its_page_and_no_passage_is_empty(tmp_path):
    for maker in (pdfgen.text_pdf, pdfgen.two_column_pdf, pdfgen.table_pdf):
        path = tmp_path / f"{maker.__name__}.pdf"
        maker(path)
        document = load(path)
        sizes = {p.number: (p.width, p.height) for p in document.pages}
        for passage in segment(document).passages:
            assert passage.text.strip()
            width, height = sizes[passage.page]
            x0, top, x1, bottom = passage.bbox
            assert 0 <= x0 <= x1 <= width and 0 <= top <= bottom <= height


def test_ids_are_stable_across_runs_and_unique(tmp_path):
    path = tmp_path / "ra.pdf"
    pdfgen.text_pdf(path, pages=3)
    first = [p.id for p in segment(load(path)).passages]
    second = [p.id for p in segment(load(path)).passages]
    assert first == second
    assert len(set(first)) == len(first)


def test_language_per_passage_and_document():
    lines = [
        Line("Wij hebben alle leveranciers beoordeeld op kinderarbeid en dwangarbeid.", 1, block_break=True),
        Line("We have assessed all suppliers for child labour and forced labour.", 1, block_break=True),
        Line("De resultaten worden jaarlijks gepubliceerd in ons MVO-verslag.", 1, block_break=True),
    ]
    document = segment(_doc(lines))
    assert [p.lang for p in document.passages] == ["nl", "en", "nl"]
    assert document.language == "nl"


def test_language_detector():
    assert language.detect("De leverancier heeft een gedragscode ondertekend.") == "nl"
    assert language.detect("The supplier has signed the code of conduct.") == "en"
    assert language.detect("Der Lieferant hat den Verhaltenskodex unterschrieben und die Risiken geprüft.") == "other"
    assert language.detect("12345", default="nl") == "nl"


_words = st.lists(st.sampled_from("wij de leveranciers in bangladesh hebben audit risico 2024 o.a. e.g. loon".split()), min_size=1, max_size=30)


@settings(max_examples=60, deadline=None)
@given(st.lists(_words, min_size=1, max_size=8))
def test_property_segmenting_any_text_keeps_all_words_and_no_empty_passages(paragraphs):
    lines = [Line(" ".join(words), 1, block_break=True) for words in paragraphs]
    document = segment(_doc(lines))
    assert all(p.text.strip() for p in document.passages)
    expected = [w for words in paragraphs for w in words]
    found = " ".join(p.text for p in document.passages).split()
    assert found == expected
    ids = [p.id for p in document.passages]
    assert ids == [p.id for p in segment(_doc(lines)).passages]
