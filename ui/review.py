"""Review (experts): accept, reject or relabel a passage label or a checklist verdict, with a reason.

The model's value and the reviewer's stand side by side; the queue is sorted least certain first.
Reviews are separate rows (``Store.add_review``): the stored analysis never changes, the exports
apply them (``Store.effective_labels``).
"""

import streamlit as st

from analyzer.labels import STATUSES, step_ids, theme_ids
from analyzer.report.i18n import label as report_label
from analyzer.report.view import build_report, step_name, theme_name
from analyzer.store import permissions
from analyzer.store.reviews import CHECKLIST_STATUSES
from ui import common
from ui.common import t
from ui.helpers import confidence, model_value, safe_md, shorten, value_names

PASSAGE_FIELDS = ("steps", "themes", "status", "specific")
DECISIONS = ("accept", "reject", "relabel")
QUEUE_ROWS = 100


def label_names(field: str, value, scores: dict | None = None) -> str:
    return value_names(field, value, common.lang(), scores)


def pick(key: str, options: list, format_func) -> str | None:
    if not options:
        return None
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[0]
    return st.selectbox(t("review.pick"), options, key=key, format_func=common.labels(options, format_func))


def new_value_widget(field: str, current, target_id: str):
    """The reviewer's new value, starting from the current one (a widget per target, so it starts afresh)."""
    lang, nothing = common.lang(), t("common.none_chosen")
    if field == "steps":
        return common.choice(st.multiselect, t("review.new_value"), step_ids(), f"rv_new_steps.{target_id}",
                             lambda s: step_name(s, lang), default=list(current or ()), placeholder=nothing)
    if field == "themes":
        return common.choice(st.multiselect, t("review.new_value"), theme_ids(), f"rv_new_themes.{target_id}",
                             lambda th: theme_name(th, lang), default=list(current or ()), placeholder=nothing)
    if field == "status":
        return common.choice(st.selectbox, t("review.new_value"), STATUSES, f"rv_new_status.{target_id}",
                             lambda s: report_label("passage", s, lang))
    if field == "specific":
        return st.toggle(t("review.new_value_specific"), value=not bool(current), key=f"rv_new_specific.{target_id}")
    return common.choice(st.selectbox, t("review.new_value"), CHECKLIST_STATUSES, f"rv_new_checklist.{target_id}",
                         lambda s: t(f"status.{s}"))


def side_by_side(item: dict, fields: tuple[str, ...]) -> None:
    model_col, reviewer_col = st.columns(2)
    model_col.markdown(f"**{t('review.model')}**")
    reviewer_col.markdown(f"**{t('review.reviewer')}**")
    for field in fields:
        key = "status" if field == "checklist_status" else field
        model = label_names(field, model_value(item, field, key), item.get("scores"))
        model_col.markdown(f"{t('field.' + field)}: {safe_md(model)}")
        review = (item.get("reviewed") or {}).get(field)
        if review is None:
            reviewer_col.markdown(f"{t('field.' + field)}: *{t('review.not_reviewed')}*")
        else:
            reviewer_col.markdown(
                f"{t('field.' + field)}: {safe_md(label_names(field, review.get('value')))} "
                f"({t('decision.' + review['decision'])}, {safe_md(review.get('reviewer') or '?')}"
                f"{', ' + safe_md(review['reason']) if review.get('reason') else ''})")


def review_form(doc, user, target_type: str, target_id: str, fields: tuple[str, ...], item: dict) -> None:
    field = fields[0]
    if len(fields) > 1:
        field = common.choice(st.radio, t("review.field"), fields, "rv_field", lambda f: t("field." + f),
                              horizontal=True)
    decision = common.choice(st.radio, t("review.decision"), DECISIONS, "rv_decision",
                             lambda d: t("decision." + d), horizontal=True)
    key = "status" if field == "checklist_status" else field
    with st.form("rv_form", clear_on_submit=True, border=False):
        new_value = new_value_widget(field, item.get(key), target_id) if decision == "relabel" else None
        reason = st.text_input(t("review.reason"), key="rv_reason", placeholder=t("review.reason_placeholder"))
        saved = st.form_submit_button(t("review.save"), type="primary", key="rv_save")
    if saved:
        common.store().add_review(doc, target_type, target_id, field, decision, user, new_value=new_value,
                                  reason=reason)
        common.flash(t("review.saved", target=target_id))
        st.rerun()


def passages_mode(doc, user, analysis: dict) -> None:
    left, right = st.columns(2)
    only_labelled = left.toggle(t("review.only_labelled"), value=True, key="rv_only_labelled")
    hide_reviewed = right.toggle(t("review.hide_reviewed"), value=False, key="rv_hide_reviewed")
    queue = [p for p in analysis.get("passages") or ()
             if (not only_labelled or model_value(p, "steps") or model_value(p, "themes"))
             and not (hide_reviewed and p.get("reviewed"))]
    queue.sort(key=confidence)
    st.caption(t("review.queue", n=len(queue)))
    st.dataframe([{t("review.col.page"): p.get("page"), t("review.col.confidence"): round(confidence(p), 2),
                   t("review.col.steps"): label_names("steps", model_value(p, "steps")),
                   t("review.col.themes"): label_names("themes", model_value(p, "themes")),
                   t("review.col.reviewed"): "✔" if p.get("reviewed") else "",
                   t("review.col.text"): shorten(p.get("text", ""), 120)} for p in queue[:QUEUE_ROWS]],
                 hide_index=True, width="stretch", height=260)
    by_id = {p["id"]: p for p in queue}
    chosen = pick("rv_passage", list(by_id), lambda i: f"p. {by_id[i].get('page')} · {confidence(by_id[i]):.2f} · "
                                                       f"{shorten(by_id[i].get('text', ''), 80)}")
    if chosen is None:
        st.info(t("review.empty"))
        return
    passage = by_id[chosen]
    with st.container(border=True):
        st.markdown(f"> {safe_md(passage.get('text', ''))}")
        st.caption(f"p. {passage.get('page')} · {safe_md(passage.get('heading') or '')} · "
                   f"{t('review.col.confidence')} {confidence(passage):.2f}")
        side_by_side(passage, PASSAGE_FIELDS)
        review_form(doc, user, "passage_label", chosen, PASSAGE_FIELDS, passage)


def checklist_mode(doc, user, analysis: dict) -> None:
    passages = {p["id"]: p for p in analysis.get("passages") or ()}
    items = list(analysis["assessment"].get("checklist") or ())

    def certainty(item: dict) -> float:
        scores = [confidence(passages[pid]) for pid in item.get("evidence") or () if pid in passages]
        return min(scores) if scores else 1.0

    items.sort(key=lambda item: (item.get("status") == "n/a", certainty(item)))
    report = {i.id: i for i in build_report(analysis, common.lang()).items}
    by_id = {item["id"]: item for item in items}
    def describe(i: str) -> str:
        title = shorten(report[i].title, 70) if i in report else ""
        return f"{i} · {label_names('checklist_status', by_id[i].get('status'))} · {title}"

    chosen = pick(common.wkey("rv_item"), list(by_id), describe)
    if chosen is None:
        return
    item = by_id[chosen]
    with st.container(border=True):
        if chosen in report:
            st.markdown(f"**{chosen} · {safe_md(report[chosen].title)}**")
            if report[chosen].reason:
                st.caption(safe_md(report[chosen].reason))
            for quote in report[chosen].quotes[:3]:
                st.markdown(f"> p. {quote.page} · {safe_md(shorten(quote.text, 250))}")
        side_by_side(item, ("checklist_status",))
        review_form(doc, user, "checklist_item", chosen, ("checklist_status",), item)


def history(doc, user) -> None:
    reviews = common.store().reviews_for(doc, user)
    st.subheader(t("review.history", n=len(reviews)))
    if reviews:
        st.dataframe([{t("review.col.when"): r.created_at.strftime("%Y-%m-%d %H:%M"),
                       t("review.col.reviewer"): r.reviewer.username if r.reviewer else "—",
                       t("review.col.target"): r.target_id, t("review.col.field"): t("field." + r.field),
                       t("review.col.decision"): t("decision." + r.decision),
                       t("review.col.model"): label_names(r.field, r.model_value),
                       t("review.col.new"): label_names(r.field, r.new_value) if r.decision == "relabel" else "—",
                       t("review.col.reason"): r.reason} for r in reversed(reviews)],
                     hide_index=True, width="stretch")


def body() -> None:
    user, case, doc, analysis = common.page_context()
    st.title(t("review.title"))
    if not permissions.allowed(user, "review", case):
        st.info(t("review.not_allowed"))
        return
    mode = common.choice(st.radio, t("review.mode"), ("passages", "checklist"), "rv_mode",
                         lambda m: t("review.mode." + m), horizontal=True)
    if mode == "passages":
        passages_mode(doc, user, analysis)
    else:
        checklist_mode(doc, user, analysis)
    history(doc, user)


common.run_page(body)
