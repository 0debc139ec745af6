"""ketenlens review screen (Streamlit).

For now: upload a supplier document, or pick a bundled sample, and see the
passages ketenlens reads from it, with page, kind, language and heading.
The analysis pages build on this once the classifier and assessment exist.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from analyzer import __version__
from analyzer.errors import BadInputError
from analyzer.pipeline import parse_bytes

EXAMPLES = Path(__file__).parent / "examples"
TEXT = {
    "nl": {
        "title": "ketenlens — documenten van leveranciers lezen",
        "intro": "Upload een risicoanalyse, plan van aanpak of jaarrapportage (PDF, DOCX, TXT, MD of HTML) "
        "of kies een voorbeeld. Alles blijft op deze computer.",
        "upload": "Document uploaden",
        "sample": "Of kies een voorbeelddocument",
        "none": "—",
        "reading": "Document lezen…",
        "pages": "Pagina's",
        "passages": "Passages",
        "language": "Taal",
        "ocr": "OCR gebruikt",
        "filter_page": "Pagina",
        "filter_kind": "Soort",
        "search": "Zoeken in tekst",
        "bad": "Dit bestand kan niet worden gelezen",
        "warning": "Let op",
        "yes": "ja",
        "no": "nee",
        "empty": "Kies of upload een document om te beginnen.",
    },
    "en": {
        "title": "ketenlens — reading supplier documents",
        "intro": "Upload a risk analysis, plan of action or annual report (PDF, DOCX, TXT, MD or HTML) "
        "or pick a sample. Everything stays on this computer.",
        "upload": "Upload a document",
        "sample": "Or pick a sample document",
        "none": "—",
        "reading": "Reading the document…",
        "pages": "Pages",
        "passages": "Passages",
        "language": "Language",
        "ocr": "OCR used",
        "filter_page": "Page",
        "filter_kind": "Kind",
        "search": "Search the text",
        "bad": "This file cannot be read",
        "warning": "Note",
        "yes": "yes",
        "no": "no",
        "empty": "Pick or upload a document to begin.",
    },
}


@st.cache_data(show_spinner=False, max_entries=32)
def read_document(data: bytes, name: str) -> dict:
    """Parsed once per file content; the page reruns on every click."""
    return parse_bytes(data, name).to_dict()


def samples() -> list[Path]:
    return sorted(p for p in EXAMPLES.glob("*") if p.suffix.lower() in (".pdf", ".docx", ".txt", ".md", ".html"))


def main() -> None:
    st.set_page_config(page_title="ketenlens", layout="wide")
    lang = st.sidebar.radio("Taal / Language", ["nl", "en"], format_func=lambda x: {"nl": "Nederlands", "en": "English"}[x], key="lang")
    t = TEXT[lang]
    st.sidebar.caption(f"ketenlens {__version__}")
    st.title(t["title"])
    st.write(t["intro"])

    uploaded = st.file_uploader(t["upload"], type=["pdf", "docx", "txt", "md", "html", "htm"], key="upload")
    options = [t["none"]] + [p.name for p in samples()]
    sample = st.selectbox(t["sample"], options, key="sample")

    if uploaded is not None:
        data, name = uploaded.getvalue(), uploaded.name
    elif sample != t["none"]:
        data, name = (EXAMPLES / sample).read_bytes(), sample
    else:
        st.info(t["empty"])
        return

    try:
        with st.spinner(t["reading"]):
            result = read_document(data, name)
    except BadInputError as exc:
        st.error(f"{t['bad']}: {exc}")
        return

    document, passages = result["document"], result["passages"]
    cols = st.columns(4)
    cols[0].metric(t["pages"], document["pages"])
    cols[1].metric(t["passages"], len(passages))
    cols[2].metric(t["language"], document["language"])
    cols[3].metric(t["ocr"], t["yes"] if document["ocr"] else t["no"])
    for warning in document["warnings"]:
        st.warning(f"{t['warning']}: {warning}")

    left, middle, right = st.columns([1, 1, 2])
    pages = sorted({p["page"] for p in passages})
    page = left.selectbox(t["filter_page"], ["*"] + pages, key="page")
    kinds = sorted({p["kind"] for p in passages})
    kind = middle.selectbox(t["filter_kind"], ["*"] + kinds, key="kind")
    query = right.text_input(t["search"], key="query").strip().lower()
    rows = [
        {"page": p["page"], "kind": p["kind"], "lang": p["lang"], "heading": p["heading"] or "", "text": p["text"]}
        for p in passages
        if (page == "*" or p["page"] == page) and (kind == "*" or p["kind"] == kind) and (not query or query in p["text"].lower())
    ]
    st.dataframe(rows, width="stretch", hide_index=True)


main()
