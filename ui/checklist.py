"""Checklist: every requirement (G01–G32) with its verdict, the evidence quotes with their pages and
the question for the supplier in Dutch and English. The contract manager can reword a question and
mark the item for the supplier dialogue (``Store.edit_question``; the checklist itself never changes)."""

import streamlit as st

from analyzer.report.view import build_report, step_name
from analyzer.store import permissions
from ui import common
from ui.common import t
from ui.helpers import apply_question_edits, base_question, dialogue_rows, safe_md, shorten, show_value

STATUS_ORDER = ("missing", "partial", "met", "n/a")


def show_in_document(pids: list[str], page: int | None) -> None:
    st.session_state["goto_page"] = page
    st.session_state["goto_passages"] = pids
    st.switch_page("ui/document.py")


def question_form(case, doc, user, item, raw: dict, edit, may_edit: bool) -> None:
    store = common.store()
    defaults = {lang: base_question(raw, lang) for lang in ("nl", "en")}
    current = {lang: (getattr(edit, f"question_{lang}", None) or defaults[lang]) for lang in ("nl", "en")}
    with st.form(f"q_{item.id}", border=False):
        nl = st.text_area(t("checklist.question_nl"), value=current["nl"], key=f"q_nl_{item.id}", height=90,
                          disabled=not may_edit)
        en = st.text_area(t("checklist.question_en"), value=current["en"], key=f"q_en_{item.id}", height=90,
                          disabled=not may_edit)
        left, right = st.columns(2)
        mark = left.checkbox(t("checklist.mark"), value=bool(edit and edit.marked_for_dialogue),
                             key=f"q_mark_{item.id}", disabled=not may_edit)
        whole_case = right.checkbox(t("checklist.whole_case"), value=False, key=f"q_case_{item.id}",
                                    disabled=not may_edit, help=t("checklist.whole_case_help"))
        saved = st.form_submit_button(t("checklist.save"), key=f"q_save_{item.id}", disabled=not may_edit)
    if saved:
        texts = {lang: (None if value.strip() == defaults[lang].strip() else value)
                 for lang, value in (("nl", nl), ("en", en))}
        store.edit_question(case, item.id, user, question_nl=texts["nl"], question_en=texts["en"],
                            marked_for_dialogue=mark, document=None if whole_case else doc)
        common.flash(t("checklist.saved", id=item.id))
        st.rerun()


def item_block(case, doc, user, item, raw: dict, edit, may_edit: bool) -> None:
    lang = common.lang()
    flags = (" · 💬" if edit and edit.marked_for_dialogue else "") + (" · ✔" if raw.get("reviewed") else "")
    title = f"{item.id} · {item.status_label} · {item.title}{flags}"
    with st.expander(title, expanded=item.status == "missing"):
        st.caption(f"{t('checklist.step')}: {step_name(item.step_id, lang)}"
                   + (f" · {t('checklist.core')}" if item.core else "")
                   + (f" · {safe_md(item.reason)}" if item.reason else ""))
        review = (raw.get("reviewed") or {}).get("checklist_status")
        if review:
            st.info(t("checklist.reviewed", reviewer=review.get("reviewer") or "?",
                      model=show_value(review.get("model_value")), value=show_value(review.get("value"))))
        if item.quotes:
            for quote in item.quotes[:5]:
                page = f"p. {quote.page} · " if quote.page else ""
                st.markdown(f"> {page}{safe_md(shorten(quote.text, 300))}")
            first = next((q.page for q in item.quotes if q.page), None)
            if st.button(t("checklist.show"), key=f"cl_show_{item.id}", icon=":material/visibility:"):
                show_in_document([q.passage_id for q in item.quotes], first)
        else:
            st.caption(t("checklist.no_evidence"))
        question_form(case, doc, user, item, raw, edit, may_edit)


def dialogue_summary(analysis: dict) -> None:
    lang = common.lang()
    rows = dialogue_rows(analysis, lang)
    if not rows:
        st.caption(t("checklist.no_dialogue"))
        return
    st.subheader(t("checklist.dialogue", n=len(rows)))
    for row in rows:
        st.markdown(f"- **{row['id']}**: {safe_md(row['question'])}")
    text = "\n".join(f"- {row['id']}: {row['question']}" for row in rows) + "\n"
    st.download_button(t("checklist.download_dialogue"), text.encode("utf-8"), file_name="vragen-leverancier.md",
                       mime="text/markdown", key="cl_dialogue_download", on_click="ignore")


def body() -> None:
    user, case, doc, analysis = common.page_context()
    store = common.store()
    edits = store.questions_for(case, user, doc)
    analysis = apply_question_edits(analysis, edits)
    may_edit = permissions.allowed(user, "edit_question", case)
    st.title(t("checklist.title"))
    st.caption(t("checklist.intro"))
    dialogue_summary(analysis)
    report = build_report(analysis, common.lang())
    raw = {c["id"]: c for c in analysis["assessment"].get("checklist") or ()}
    left, right = st.columns([3, 1])
    shown = common.choice(left.multiselect, t("checklist.filter"), STATUS_ORDER, "cl_status",
                          lambda s: t(f"status.{s}"), default=list(STATUS_ORDER), placeholder=t("common.none_chosen"))
    only_marked = right.toggle(t("checklist.only_marked"), key="cl_only_marked")
    for item in report.items:
        edit = edits.get(item.id)
        if item.status not in shown or (only_marked and not (edit and edit.marked_for_dialogue)):
            continue
        item_block(case, doc, user, item, raw.get(item.id, {}), edit, may_edit)


common.run_page(body)
