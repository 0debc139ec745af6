"""Document: the page image with the evidence highlighted in its OECD step's colour.

Filters by step, theme, status and confidence; choosing a finding or a passage jumps to its page.
Other pages can send the reader here by setting ``goto_page`` / ``goto_passages`` in session state.
"""

import html

import streamlit as st

from analyzer.labels import STATUSES, step_ids, theme_ids
from analyzer.report.colours import step_colour
from analyzer.report.i18n import label as report_label
from analyzer.report.i18n import t as report_t
from analyzer.report.view import build_report, step_name, theme_name
from ui import common
from ui.common import t
from ui.helpers import Filters, confidence, page_boxes, safe_md, shorten


def jump(page: int | None, passages=()) -> None:
    if page:
        st.session_state["doc_page"] = page
    st.session_state["doc_active"] = list(passages)


def on_finding() -> None:
    found = st.session_state.get("_findings", {}).get(st.session_state.get(common.wkey("doc_finding")))
    if found:
        jump(*found)


def on_passage() -> None:
    chosen = st.session_state.get(common.wkey("doc_passage"))
    if chosen in st.session_state.get("_passage_pages", {}):
        jump(st.session_state["_passage_pages"][chosen], [chosen])


def filters_bar() -> Filters:
    lang = common.lang()
    cols = st.columns([3, 3, 2, 2])
    everything = t("common.all")
    steps = common.choice(cols[0].multiselect, t("document.steps"), step_ids(), "doc_f_steps",
                          lambda s: f"{step_ids().index(s) + 1}. {report_t('short.' + s, lang)}",
                          placeholder=everything)
    themes = common.choice(cols[1].multiselect, t("document.themes"), theme_ids(), "doc_f_themes",
                           lambda th: theme_name(th, lang), placeholder=everything)
    statuses = common.choice(cols[2].multiselect, t("document.status"), STATUSES, "doc_f_status",
                             lambda s: report_label("passage", s, lang), placeholder=everything)
    low, high = cols[3].slider(t("document.confidence"), 0.0, 1.0, (0.0, 1.0), step=0.05, key="doc_f_conf",
                               help=t("document.confidence_help"))
    return Filters(tuple(steps), tuple(themes), tuple(statuses), low, high)


def finding_picker(analysis: dict) -> None:
    report = build_report(analysis, common.lang())
    findings = {}
    for item in report.items:
        pages = [q.page for q in item.quotes if q.page]
        if pages:
            findings[item.id] = (pages[0], [q.passage_id for q in item.quotes])
    st.session_state["_findings"] = findings
    titles = {i.id: f"{i.id} · {i.status_label} · {shorten(i.title, 70)}" for i in report.items}
    common.choice(st.selectbox, t("document.finding"), [None, *findings], "doc_finding",
                  lambda i: t("document.choose") if i is None else titles[i], on_change=on_finding)


def passage_picker(matching: list[dict]) -> None:
    st.session_state["_passage_pages"] = {p["id"]: p.get("page") for p in matching}
    labels = {p["id"]: f"p. {p.get('page')} · {confidence(p):.2f} · {shorten(p.get('text', ''), 70)}" for p in matching}
    common.choice(st.selectbox, t("document.passage", n=len(matching)), [None, *labels], "doc_passage",
                  lambda i: t("document.choose") if i is None else labels[i], on_change=on_passage)


def passage_list(passages: list[dict]) -> None:
    lang = common.lang()
    active = set(st.session_state.get("doc_active") or ())
    if not passages:
        st.caption(t("document.no_passages"))
    for p in passages:
        labels = [step_name(s, lang) for s in p.get("steps") or ()]
        labels += [theme_name(th, lang) for th in p.get("themes") or ()]
        marker = "▶ " if p["id"] in active else ""
        reviewed = " ✔" if p.get("reviewed") else ""
        st.markdown(f"{marker}{safe_md(p.get('text', ''))}")
        st.caption(f"{' · '.join(labels) or '—'} · {report_label('passage', p.get('status'), lang)} · "
                   f"{t('document.conf_short')} {confidence(p):.2f}{reviewed}")


def legend() -> None:
    lang = common.lang()
    swatches = "".join(
        f'<span style="display:inline-block;margin-right:1em"><span style="display:inline-block;width:.9em;'
        f'height:.9em;background:{step_colour(s)};vertical-align:middle;margin-right:.3em"></span>'
        f'{html.escape(report_t("short." + s, lang))}</span>' for s in step_ids())
    st.html(f'<div style="font-size:.85em">{swatches}</div>')


def body() -> None:
    user, case, doc, analysis = common.page_context()
    st.title(t("document.title", name=doc.file_name))
    pages = int(analysis["document"].get("pages") or 1)
    if st.session_state.get("_doc_shown") != doc.id:
        st.session_state["_doc_shown"] = doc.id
        jump(1)
    if "goto_page" in st.session_state:
        jump(st.session_state.pop("goto_page"), st.session_state.pop("goto_passages", ()))
    if not 1 <= st.session_state.get("doc_page", 1) <= pages:
        st.session_state["doc_page"] = 1
    filters = filters_bar()
    passages = analysis.get("passages") or []
    matching = [p for p in passages if filters.match(p)]
    left, right = st.columns(2)
    with left:
        finding_picker(analysis)
    with right:
        passage_picker(matching)
    cols = st.columns([1, 2, 2])
    page = cols[0].number_input(t("document.page", pages=pages), min_value=1, max_value=pages, step=1, key="doc_page")
    evidence_only = cols[1].toggle(t("document.evidence_only"), value=True, key="doc_evidence_only")
    active = frozenset(st.session_state.get("doc_active") or ())
    image_col, text_col = st.columns([3, 2])
    with image_col:
        if analysis["document"].get("format") == "pdf":
            boxes = page_boxes(analysis, page, filters, evidence_only, active)
            st.image(common.page_image(doc, user, page, boxes), width="stretch")
            legend()
        else:
            st.info(t("document.no_image"))
    with text_col:
        st.subheader(t("document.on_page", page=page))
        passage_list([p for p in matching if p.get("page") == page])


common.run_page(body)
