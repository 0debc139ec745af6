"""Export: HTML, Markdown, XLSX and the highlighted PDF, as downloads.

The exports show the document as reviewed: ``Store.effective_labels`` applies the reviews, the
case's edited supplier questions replace the checklist's, and a closing section (a sheet in the
workbook) lists every reviewed item and the questions marked for the supplier dialogue.
"""

import tempfile
from pathlib import Path

import streamlit as st

from analyzer.report import render
from analyzer.report.highlight import highlight_pdf
from analyzer.report.xlsx import xlsx_bytes
from ui import common
from ui.common import t
from ui.helpers import (
    add_html_section,
    add_xlsx_sheet,
    apply_question_edits,
    export_html_section,
    export_markdown_section,
    mark_reviewed_verdicts,
    reviewed_rows,
)

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@st.cache_data(show_spinner=False, max_entries=16)
def workbook(stamp: tuple, lang: str, _analysis: dict) -> bytes:
    return add_xlsx_sheet(xlsx_bytes(_analysis, lang), _analysis, lang)


@st.cache_data(show_spinner=False, max_entries=16)
def highlighted(stamp: tuple, lang: str, _analysis: dict, _load) -> bytes:
    with tempfile.TemporaryDirectory(prefix="ketenlens-") as folder:
        source, target = Path(folder) / "source.pdf", Path(folder) / "marked.pdf"
        source.write_bytes(_load())
        highlight_pdf(source, _analysis, target, lang)
        return target.read_bytes()


def body() -> None:
    user, case, doc, analysis = common.page_context()
    store = common.store()
    st.title(t("export.title"))
    lang = common.choice(st.radio, t("export.language"), ("nl", "en"), "exp_lang", lambda code: t("language." + code),
                         horizontal=True, index=("nl", "en").index(common.lang()))
    edits = store.questions_for(case, user, doc)
    analysis = mark_reviewed_verdicts(apply_question_edits(analysis, edits))
    rows = reviewed_rows(analysis)
    summary = analysis.get("review_summary") or {}
    st.write(t("export.reviewed", n=len(rows)) if rows else t("export.unreviewed"))
    if summary.get("unmatched"):
        st.warning(t("export.unmatched", n=len(summary["unmatched"])))
    stem = Path(doc.file_name).stem
    stamp = (doc.id, summary.get("analysis_id"), tuple(r["review_id"] for r in rows),
             tuple(sorted((k, e.id) for k, e in edits.items())))

    html_report = add_html_section(render(analysis, "html", lang), export_html_section(analysis, lang))
    markdown_report = render(analysis, "md", lang) + export_markdown_section(analysis, lang)
    columns = st.columns(4)
    columns[0].download_button(t("export.html"), html_report.encode("utf-8"), file_name=f"{stem}-ketenlens.html",
                               mime="text/html", key="dl_html", on_click="ignore", icon=":material/html:")
    columns[1].download_button(t("export.md"), markdown_report.encode("utf-8"), file_name=f"{stem}-ketenlens.md",
                               mime="text/markdown", key="dl_md", on_click="ignore", icon=":material/description:")
    columns[2].download_button(t("export.xlsx"), workbook(stamp, lang, analysis), file_name=f"{stem}-ketenlens.xlsx",
                               mime=XLSX_MIME, key="dl_xlsx", on_click="ignore", icon=":material/table:")
    if analysis["document"].get("format") == "pdf":
        marked = highlighted(stamp, lang, analysis, lambda: store.document_bytes(doc, user))
        columns[3].download_button(t("export.pdf"), marked, file_name=f"{stem}-ketenlens-gemarkeerd.pdf",
                                   mime="application/pdf", key="dl_pdf", on_click="ignore",
                                   icon=":material/picture_as_pdf:")
    else:
        columns[3].caption(t("export.no_pdf"))
    with st.expander(t("export.preview")):
        st.markdown(markdown_report)


common.run_page(body)
