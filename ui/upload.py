"""Upload: one or more deliverables for the selected case, read, stored and analysed with a progress bar.

A file that cannot be read is refused before anything is stored, with the one-line reason.
"""

from datetime import date

import streamlit as st

from analyzer.errors import KetenlensError
from analyzer.pipeline import parse_bytes
from analyzer.store.models import DELIVERABLES
from ui import common
from ui.common import t

TYPES = ["pdf", "docx", "txt", "md", "html", "htm"]


def process(case, user, upload, deliverable, year, received, progress, index, total):
    """Read, store and analyse one file: (document, None), or (None, the one-line reason)."""
    def step(fraction: float, key: str) -> None:
        progress.progress(min((index + fraction) / total, 1.0), text=t(key, name=upload.name))

    try:
        step(0.05, "upload.reading")
        parsed = parse_bytes(upload.getvalue(), upload.name)
        step(0.35, "upload.storing")
        doc = common.store().add_document(case, upload.getvalue(), upload.name, deliverable, year, user,
                                          received_on=received)
        step(0.45, "upload.analysing")
        common.ensure_analysis(doc, case, user, parsed=parsed)
        step(1.0, "upload.done")
        return doc, None
    except KetenlensError as exc:
        why = common.one_line(exc)
        why = why[len(upload.name) + 1:].strip() if why.startswith(f"{upload.name}:") else why
        return None, t("upload.failed", name=upload.name, why=why)


def body() -> None:
    user = common.require_user()
    case = common.current_case(user)
    st.title(t("upload.title"))
    st.caption(t("upload.for_case", supplier=case.supplier_name, reference=case.contract_reference))
    files = st.file_uploader(t("upload.files"), type=TYPES, accept_multiple_files=True, key="upload_files")
    left, middle, right = st.columns(3)
    deliverable = common.choice(left.selectbox, t("upload.deliverable"), DELIVERABLES, "upload_deliverable",
                                common.deliverable_label)
    year = middle.number_input(t("upload.year"), min_value=1990, max_value=2100, value=date.today().year - 1,
                               step=1, key="upload_year", help=t("upload.year_help"))
    received = right.date_input(t("upload.received"), value=date.today(), key="upload_received",
                                format="DD-MM-YYYY", help=t("upload.received_help"))
    if not st.button(t("upload.go"), type="primary", key="upload_go", disabled=not files):
        st.caption(t("upload.hint"))
        return
    progress = st.progress(0.0, text=t("upload.start"))
    results = [process(case, user, upload, deliverable, int(year), received, progress, index, len(files))
               for index, upload in enumerate(files)]
    progress.empty()
    stored = [doc for doc, _ in results if doc is not None]
    errors = [error for _, error in results if error is not None]
    if not stored:
        for error in errors:
            st.error(error)
        return
    for doc in stored:
        common.flash(t("upload.stored", name=doc.file_name))
    for error in errors:
        common.flash(error, "error")
    common.select(case_id=case.id, doc_id=stored[-1].id)


common.run_page(body)
