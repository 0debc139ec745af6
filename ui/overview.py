"""Overview of one document: headline and score, a chart per OECD step and per theme group,
the gaps first, the expected risks the document leaves out, red flags and the countries named."""

import altair as alt
import pandas as pd
import streamlit as st

from analyzer.report.i18n import t as report_t
from analyzer.report.view import MAX_QUOTES, build_report
from ui import common
from ui.common import t
from ui.helpers import mark_reviewed_verdicts, safe_md, shorten

THEME_STATUS_COLOURS = {"present": "#009E73", "mentioned": "#E69F00", "absent": "#C8C8C8"}
BADGE = {"met": "green", "present": "green", "partial": "orange", "weak": "orange", "mentioned": "orange",
         "missing": "red", "absent": "red", "n/a": "gray"}


def badge(status: str, label: str) -> str:
    return f":{BADGE.get(status, 'gray')}-badge[{safe_md(label)}]"


def step_chart(report) -> None:
    lang = common.lang()
    data = pd.DataFrame([{"step": f"{s.number}. {report_t('short.' + s.step_id, lang)}", "passages": s.count,
                          "status": s.status_label, "colour": s.colour} for s in report.steps])
    base = alt.Chart(data).encode(y=alt.Y("step:N", sort=None, title=None, axis=alt.Axis(labelLimit=260)),
                                  x=alt.X("passages:Q", title=t("overview.evidence_passages")))
    bars = base.mark_bar().encode(color=alt.Color("colour:N", scale=None, legend=None),
                                  tooltip=[alt.Tooltip("step:N", title=t("overview.step")),
                                           alt.Tooltip("status:N", title=t("overview.status")),
                                           alt.Tooltip("passages:Q", title=t("overview.evidence_passages"))])
    labels = base.mark_text(align="left", dx=4).encode(text="status:N")
    st.altair_chart((bars + labels).properties(height=220), width="stretch")


def theme_chart(report) -> None:
    lang = common.lang()
    rows = []
    for group in ("labour", "human_rights", "environment", "governance"):
        for status in ("present", "mentioned", "absent"):
            count = sum(1 for r in report.themes if r.group == group and r.status == status)
            rows.append({"group": report_t(f"group.{group}", lang), "status": report_t(f"theme.{status}", lang),
                         "themes": count, "order": ("present", "mentioned", "absent").index(status)})
    data = pd.DataFrame(rows)
    domain = [report_t(f"theme.{s}", lang) for s in THEME_STATUS_COLOURS]
    chart = alt.Chart(data).mark_bar().encode(
        y=alt.Y("group:N", sort=None, title=None, axis=alt.Axis(labelLimit=260, labelOverlap=False)),
        x=alt.X("themes:Q", title=t("overview.themes_count")),
        color=alt.Color("status:N", scale=alt.Scale(domain=domain, range=list(THEME_STATUS_COLOURS.values())),
                        legend=alt.Legend(title=None, orient="bottom")),
        order=alt.Order("order:Q"),
        tooltip=["group:N", "status:N", "themes:Q"],
    )
    st.altair_chart(chart.properties(height=220), width="stretch")


def gaps(report) -> None:
    st.subheader(t("overview.gaps", n=len(report.gaps)))
    if not report.gaps:
        st.success(report_t("no_gaps", common.lang()))
    for item in report.gaps:
        core = f" · {t('overview.core')}" if item.core else ""
        with st.container(border=True):
            st.markdown(f"**{item.id} · {safe_md(item.title)}** {badge(item.status, item.status_label)}{core}")
            if item.reason:
                st.caption(safe_md(item.reason))
            for quote in item.quotes[:MAX_QUOTES]:
                page = f"p. {quote.page} · " if quote.page else ""
                st.markdown(f"> {page}{safe_md(shorten(quote.text, 300))}")
            if item.question:
                st.markdown(f"**{t('overview.question')}** {safe_md(item.question)}")


def risks_and_countries(report) -> None:
    left, right = st.columns(2)
    with left:
        st.subheader(t("overview.missing_risks", n=len(report.missing_risks)))
        if not report.risks:
            st.caption(t("overview.no_expected_risks"))
        elif not report.missing_risks:
            st.success(report_t("no_missing_risks", common.lang()))
        for risk in report.missing_risks:
            st.markdown(f"- **{safe_md(risk.name)}**: {safe_md(risk.why)}")
        if report.red_flags:
            st.subheader(t("overview.red_flags", n=len(report.red_flags)))
            for flag in report.red_flags:
                pages = ", ".join(f"p. {q.page}" for q in flag.quotes if q.page)
                st.markdown(f"- 🚩 {safe_md(flag.explanation)}" + (f" ({pages})" if pages else ""))
    with right:
        st.subheader(t("overview.countries", n=len(report.countries)))
        if not report.countries:
            st.caption(report_t("no_countries", common.lang()))
        else:
            st.dataframe([{t("overview.country"): c.name, t("overview.pages"): ", ".join(map(str, c.pages)),
                           t("overview.mentions"): c.count, t("overview.notes"): " · ".join(c.notes)}
                          for c in report.countries], hide_index=True, width="stretch")


def body() -> None:
    user, case, doc, analysis = common.page_context()
    report = build_report(mark_reviewed_verdicts(analysis), common.lang())
    st.title(doc.file_name)
    st.caption(f"{report.deliverable} · {report.category} · {case.supplier_name} ({case.contract_reference})")
    st.subheader(report.headline)
    summary = analysis["assessment"].get("summary") or {}
    columns = st.columns(4)
    columns[0].metric(t("overview.score"), "—" if report.score is None else f"{report.score}/100")
    columns[1].metric(t("overview.gaps_metric"), len(report.gaps))
    columns[2].metric(t("overview.pages"), report.pages or "—")
    columns[3].metric(t("overview.language"), report.language or "—")
    if summary.get("dialogue_needed") or summary.get("core_missing"):
        st.warning(t("overview.dialogue", items=", ".join(summary.get("core_missing") or ())))
    if report.ocr:
        st.info(report_t("ocr_note", common.lang()))
    for warning in report.warnings:
        st.warning(warning)
    reviewed = (analysis.get("review_summary") or {}).get("applied", 0)
    if reviewed:
        st.caption(t("overview.reviewed", n=reviewed))
    left, right = st.columns(2)
    with left:
        st.subheader(t("overview.steps"))
        step_chart(report)
    with right:
        st.subheader(t("overview.themes"))
        theme_chart(report)
    gaps(report)
    risks_and_countries(report)


common.run_page(body)
