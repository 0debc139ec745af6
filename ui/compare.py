"""Compare: the documents of one case against each other (``analyzer.assess.compare``).

- chain: risk analysis -> plan of action -> annual report (risks without a measure, measures not reported on)
- year over year: two annual reports (promises done, still open, or silently dropped)

Runs on the stored analyses with the reviews applied; documents not analysed yet are analysed first.
"""

import streamlit as st

from analyzer.assess.compare import compare
from analyzer.report.i18n import label as report_label
from ui import common
from ui.common import t
from ui.helpers import as_analyzed


def default_selection(documents, mode: str) -> list[int]:
    if mode == "year_over_year":
        reports = sorted((d for d in documents if d.deliverable == "annual_report"), key=lambda d: (d.year or 0, d.id))
        return [d.id for d in reports[-2:]]
    latest = {}
    for d in documents:  # documents_for gives them oldest first: the latest of each kind wins
        if d.deliverable in ("risk_analysis", "action_plan", "annual_report"):
            latest[d.deliverable] = d.id
    return list(latest.values())


def name(row: dict) -> str:
    return row.get(f"name_{common.lang()}") or row.get("measure") or row.get("theme") or ""


def show_chain(result: dict) -> None:
    if "risks" in result:
        st.subheader(t("compare.risks", n=len(result["risks_without_measure"])))
        st.dataframe([{t("compare.col.risk"): name(r), t("compare.col.has_measure"): bool(r["has_measure"])}
                      for r in result["risks"]], hide_index=True, width="stretch")
    if "measures" in result:
        st.subheader(t("compare.measures", n=len(result["measures_not_reported"])))
        st.dataframe([{t("compare.col.measure"): name(r), t("compare.col.reported"): bool(r["reported"]),
                       t("compare.col.status"): ", ".join(report_label("passage", s, common.lang())
                                                          for s in r.get("status_in_report") or ()) or "—"}
                      for r in result["measures"]], hide_index=True, width="stretch")
    if "note" in result:
        st.info(t("compare.note"))


def show_year_over_year(result: dict) -> None:
    st.subheader(t("compare.promises", n=len(result.get("dropped") or ())))
    st.dataframe([{t("compare.col.measure"): name(r),
                   t("compare.col.outcome"): t("compare.outcome." + r["outcome"])}
                  for r in result.get("promises") or ()], hide_index=True, width="stretch")


def body() -> None:
    user = common.require_user()
    case = common.current_case(user)
    store = common.store()
    st.title(t("compare.title"))
    st.caption(t("compare.intro"))
    documents = store.documents_for(case, user)
    if len(documents) < 2:
        st.info(t("compare.too_few"))
        return
    by_id = {d.id: d for d in documents}
    mode = common.choice(st.radio, t("compare.mode"), ("chain", "year_over_year"), "cmp_mode",
                         lambda m: t("compare.mode." + m), horizontal=True)
    if st.session_state.get("_cmp_for") != (case.id, mode, common.lang()):
        st.session_state["_cmp_for"] = (case.id, mode, common.lang())
        st.session_state[common.wkey("cmp_docs")] = default_selection(documents, mode)
    chosen = common.choice(st.multiselect, t("compare.documents"), by_id, "cmp_docs",
                           lambda i: common.document_label(by_id[i]), max_selections=3,
                           placeholder=t("common.none_chosen"))
    if len(chosen) < 2:
        st.info(t("compare.pick_two"))
        return
    analyses = [common.analysis(by_id[i], case, user) for i in chosen]
    result = compare([as_analyzed(a) for a in analyses])
    years = {by_id[i].file_name: by_id[i].year for i in chosen}
    st.dataframe([{t("compare.col.document"): d["source"],
                   t("compare.col.deliverable"): common.deliverable_label(d["deliverable"]),
                   t("compare.col.year"): years.get(d["source"]) or d.get("year")} for d in result["documents"]],
                 hide_index=True, width="stretch")
    if result.get("mode") == "year_over_year":
        show_year_over_year(result)
    else:
        show_chain(result)


common.run_page(body)
