"""What every page script shares: language, the store, the model, the logged-in user,
the selected case and document, analyses, page images and one-line error handling.

Session state keys: ``lang`` (sidebar radio), ``user_id`` (after login), ``case_id`` and
``doc_id`` (the selection; plain keys that the sidebar pickers mirror, so any page may set
them) and ``_flash`` (messages shown after a rerun). Widgets with translated option labels
use ``wkey(name)`` = ``name.<lang>`` as their key.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from analyzer.errors import KetenlensError
from analyzer.store import Store, open_store
from analyzer.store.config import database_url, files_dir
from analyzer.store.models import Case, Document, User
from ui import helpers, i18n

MODEL_ENV = "KETENLENS_MODEL"
DEMO_ENV = "KETENLENS_DEMO"
log = logging.getLogger("ketenlens.app")


# -- language ----------------------------------------------------------------------------------

def lang() -> str:
    value = st.session_state.get("lang", i18n.DEFAULT)
    return value if value in i18n.LANGS else i18n.DEFAULT


def t(key: str, **values) -> str:
    return i18n.text(key, lang(), **values)


def wkey(name: str) -> str:
    """The key of a widget whose option labels are translated: ``name.<lang>``.

    A browser reports a choice by its label, so after a language switch the old label would match
    no option (and the widget would keep showing it). A key per language makes it a new widget.
    """
    return f"{name}.{lang()}"


# -- store and model ---------------------------------------------------------------------------

@st.cache_resource(show_spinner=False)
def _open_store(url: str, files: str) -> Store:
    return open_store(url, files)


def store() -> Store:
    """The store named by KETENLENS_DATABASE_URL / KETENLENS_FILES_DIR (or the defaults), opened once per process."""
    url = database_url()
    return _open_store(url.render_as_string(hide_password=False), str(files_dir(url)))


def model_folder() -> str:
    """KETENLENS_MODEL, or "" for the shipped models/ketenlens-default."""
    return os.environ.get(MODEL_ENV, "").strip()


@st.cache_resource(show_spinner=False)
def _load_model(folder: str):
    from analyzer.classify.model import PassageClassifier

    return PassageClassifier.load(folder or None)


def model():
    with st.spinner(t("common.loading_model")):
        return _load_model(model_folder())


@st.cache_data(show_spinner=False)
def _model_name(folder: str) -> str:
    from analyzer.classify.model import DEFAULT_MODEL

    path = Path(folder) if folder else DEFAULT_MODEL
    try:
        meta = json.loads((path / "model.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return path.name
    return str(meta.get("name") or path.name)


def model_name() -> str:
    """The name analyses are stored under; read from model.json, so a cached analysis needs no model load."""
    return _model_name(model_folder())


# -- messages and errors -----------------------------------------------------------------------

def labels(options, label: Callable) -> Callable:
    """A format_func whose labels are fixed now, in the current language (not when Streamlit calls it later)."""
    mapping = {option: label(option) for option in options}
    return mapping.__getitem__


def choice(widget: Callable, label: str, options, name: str, describe: Callable, **kwargs):
    """``widget`` (st.selectbox, st.radio, st.multiselect, or a column's) with translated option labels:
    keyed ``wkey(name)``, labels from ``describe(option)`` fixed now."""
    options = list(options)
    return widget(label, options, key=wkey(name), format_func=labels(options, describe), **kwargs)


def one_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def flash(message: str, kind: str = "success") -> None:
    """A message for the next run (survives st.rerun)."""
    st.session_state.setdefault("_flash", []).append((kind, message))


def show_flashes() -> None:
    for kind, message in st.session_state.pop("_flash", []):
        getattr(st, kind)(message)


def run_page(body: Callable[[], None]) -> None:
    """Run a page; ketenlens errors become one red line, anything else one line plus a log entry, never a traceback."""
    try:
        body()
    except KetenlensError as exc:
        st.error(one_line(exc))
    except Exception as exc:  # a bug: keep the page usable, put the trace in the server log
        log.exception("page failed")
        st.error(t("common.internal_error", what=f"{type(exc).__name__}: {one_line(exc)}"))


# -- user and selection ------------------------------------------------------------------------

def user() -> User | None:
    """The logged-in user as stored now (a deactivated account is logged out at once)."""
    uid = st.session_state.get("user_id")
    if not isinstance(uid, int):
        return None
    try:
        row = store().get_user(uid)
    except KetenlensError:
        row = None
    if row is None or not row.active:
        logout()
        return None
    return row


def require_user() -> User:
    row = user()
    if row is None:
        st.warning(t("common.login_needed"))
        st.stop()
    return row


def logout() -> None:
    for key in ("user_id", "case_id", "doc_id"):
        st.session_state.pop(key, None)


def select(case_id: int | None = None, doc_id: int | None = None) -> None:
    """Select another case and/or document (a new case starts at its latest document) and rerun."""
    if case_id is not None and case_id != st.session_state.get("case_id"):
        st.session_state["case_id"] = case_id
        st.session_state.pop("doc_id", None)
    if doc_id is not None:
        st.session_state["doc_id"] = doc_id
    st.rerun()


def _picker(label: str, name: str, widget_key: str, by_id: dict, fallback: int, format_label) -> int:
    """A sidebar selectbox mirroring the plain session key ``name`` (which pages may set freely)."""
    if st.session_state.get(name) not in by_id:
        st.session_state[name] = fallback
    st.session_state[widget_key] = st.session_state[name]

    def chosen() -> None:
        st.session_state[name] = st.session_state[widget_key]

    st.sidebar.selectbox(label, list(by_id), key=widget_key, on_change=chosen,
                         format_func=labels(by_id, lambda i: format_label(by_id[i])))
    return st.session_state[name]


def case_picker(u: User) -> Case | None:
    """The sidebar's case selectbox; returns the selected case."""
    cases = store().cases_for(u)
    if not cases:
        st.session_state.pop("case_id", None)
        st.sidebar.caption(t("common.no_cases_yet"))
        return None
    by_id = {c.id: c for c in cases}
    chosen = _picker(t("common.case"), "case_id", "case_pick", by_id, cases[0].id,
                     lambda c: f"{c.supplier_name} · {c.contract_reference}")
    return by_id[chosen]


def document_picker(u: User, case: Case | None) -> Document | None:
    """The sidebar's document selectbox (latest document first chosen); returns the selected document."""
    documents = store().documents_for(case, u) if case is not None else []
    if not documents:
        st.session_state.pop("doc_id", None)
        if case is not None:
            st.sidebar.caption(t("common.no_documents_yet"))
        return None
    by_id = {d.id: d for d in documents}
    chosen = _picker(t("common.document"), "doc_id", wkey("doc_pick"), by_id, documents[-1].id, document_label)
    return by_id[chosen]


def deliverable_label(deliverable: str | None) -> str:
    return t(f"deliverable.{deliverable or 'other'}")


def document_label(doc: Document) -> str:
    year = f" {doc.year}" if doc.year else ""
    return f"{deliverable_label(doc.deliverable)}{year} · {doc.file_name}"


def current_case(u: User) -> Case:
    case_id = st.session_state.get("case_id")
    if case_id is None:
        st.info(t("common.pick_case"))
        st.page_link("ui/cases.py", label=t("page.cases"), icon=":material/folder_open:")
        st.stop()
    return store().get_case(case_id, u)


def current_document(u: User) -> Document:
    doc_id = st.session_state.get("doc_id")
    if doc_id is None:
        st.info(t("common.pick_document"))
        st.page_link("ui/upload.py", label=t("page.upload"), icon=":material/upload_file:")
        st.stop()
    return store().get_document(doc_id, u)


# -- analyses ----------------------------------------------------------------------------------

def ensure_analysis(doc: Document, case: Case, u: User, parsed=None):
    """The stored analysis by the current model, computed (and stored) only when there is none yet."""
    from analyzer.pipeline import analyze_parsed, parse_bytes

    def compute() -> dict:
        nonlocal parsed
        if parsed is None:
            parsed = parse_bytes(store().document_bytes(doc, u), doc.file_name)
        deliverable = None if doc.deliverable == "other" else doc.deliverable
        return analyze_parsed(parsed, model(), case.category, deliverable).to_dict()

    return store().analysis_for(doc, model_name(), compute, u)


def analysis(doc: Document, case: Case, u: User) -> dict:
    """The document's analysis with the reviews applied (``Store.effective_labels``); analyses first if needed.

    Shared between reruns and sessions until a new analysis or review changes the state (so every
    page treats it as read-only): loading a long document's analysis from the database costs more
    than the rest of a page run.
    """
    state = store().analysis_state(doc, u, model_name())
    if state is None:
        with st.spinner(t("common.analysing", name=doc.file_name)):
            ensure_analysis(doc, case, u)
        state = store().analysis_state(doc, u, model_name())
    return _effective_labels(database_url().render_as_string(hide_password=True), doc.id, state,
                             lambda: store().effective_labels(doc, u))


@st.cache_resource(show_spinner=False, max_entries=8)
def _effective_labels(database: str, doc_id: int, state: tuple, _load: Callable[[], dict]) -> dict:
    # Keyed by database too: tests (and a researcher's second database) reuse document ids.
    # The access check has already happened in analysis_state, for this user, on this run.
    return _load()


def page_context() -> tuple[User, Case, Document, dict]:
    """User, case, document and its effective analysis for the document pages (stops with a hint when missing)."""
    u = require_user()
    case = current_case(u)
    doc = current_document(u)
    return u, case, doc, analysis(doc, case, u)


@st.cache_data(show_spinner=False, max_entries=64)
def _page_png(sha256: str, page: int, boxes: tuple, scale: float, _load: Callable[[], bytes]) -> bytes:
    return helpers.render_page(_load(), page, boxes, scale)


def page_image(doc: Document, u: User, page: int, boxes: tuple, scale: float = 1.5) -> bytes:
    """PNG of a page with its boxes, cached by (document hash, page, boxes = the filters' result, scale)."""
    return _page_png(doc.sha256, page, boxes, scale, lambda: store().document_bytes(doc, u))


def demo_mode() -> bool:
    return os.environ.get(DEMO_ENV, "").strip() == "1"
