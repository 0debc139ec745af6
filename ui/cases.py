"""Cases: the monitoring overview across cases, the deliverables of one case, a new case, deleting one.

A contract manager sees only their own cases (the store decides what is visible).
"""

from datetime import date

import streamlit as st

from analyzer.assess import CATEGORIES
from analyzer.report.view import category_name
from analyzer.store import permissions
from analyzer.store.monitoring import LATE, ON_TIME
from ui import common
from ui.common import t

DASH = "—"


def day(value: date | None) -> str:
    """Dates as text (dd-mm-jjjj), a dash when there is none: one type per column."""
    return value.strftime("%d-%m-%Y") if value else DASH


def expected_label(expected) -> str:
    year = f" {expected.year}" if expected.year else ""
    return f"{common.deliverable_label(expected.deliverable)}{year}"


def shares(overview) -> None:
    st.subheader(t("cases.shares"))
    columns = st.columns(3)
    for column, deliverable in zip(columns, ("risk_analysis", "action_plan", "annual_report"), strict=True):
        share = overview.shares.get(deliverable)
        value = "—" if share is None or share.fraction is None else f"{share.fraction:.0%}"
        on_time, total = (share.on_time, share.total) if share else (0, 0)
        column.metric(t(f"cases.share.{deliverable}"), value, help=t("cases.share_help", on_time=on_time, total=total))


def case_table(overview, categories: dict[int, str]) -> None:
    rows = []
    for case in overview.cases:
        received = [expected_label(e) for e in case.expected if e.state in (ON_TIME, LATE)]
        rows.append({
            t("cases.col.supplier"): case.supplier_name,
            t("cases.col.reference"): case.contract_reference,
            t("cases.col.category"): category_name(categories.get(case.case_id), common.lang()),
            t("cases.col.manager"): case.manager,
            t("cases.col.start"): day(case.contract_start),
            t("cases.col.end"): day(case.contract_end),
            t("cases.col.received"): ", ".join(received) or "—",
            t("cases.col.overdue"): ", ".join(expected_label(e) for e in case.overdue) or "—",
        })
    st.dataframe(rows, hide_index=True, width="stretch")


def case_detail(overview, case_id: int | None) -> None:
    case = next((c for c in overview.cases if c.case_id == case_id), None)
    if case is None:
        return
    st.subheader(t("cases.detail", supplier=case.supplier_name, reference=case.contract_reference))
    rows = [{
        t("cases.col.deliverable"): expected_label(e),
        t("cases.col.due"): day(e.due),
        t("cases.col.state"): t(f"state.{e.state}"),
        t("cases.col.received_on"): day(e.received_on),
        t("cases.col.days_late"): str(e.days_late) if e.days_late else DASH,
    } for e in case.expected]
    st.dataframe(rows, hide_index=True, width="stretch")
    if case.overdue:
        st.warning(t("cases.overdue", items=", ".join(expected_label(e) for e in case.overdue)))


def new_case_form(user) -> None:
    store = common.store()
    managers = None
    if user.role == "admin":
        managers = [u for u in store.users(user) if u.role == "contract_manager" and u.active]
        if not managers:
            st.info(t("cases.no_managers"))
            return
    with st.form("new_case", clear_on_submit=True):
        supplier = st.text_input(t("cases.supplier"), key="nc_supplier")
        category = common.choice(st.selectbox, t("cases.category"), CATEGORIES, "nc_category",
                                 lambda c: category_name(c, common.lang()))
        reference = st.text_input(t("cases.reference"), key="nc_reference")
        left, right = st.columns(2)
        start = left.date_input(t("cases.start"), value=date.today(), key="nc_start", format="DD-MM-YYYY")
        end = right.date_input(t("cases.end"), value=None, key="nc_end", format="DD-MM-YYYY")
        manager = None
        if managers is not None:
            by_id = {m.id: m for m in managers}
            manager = st.selectbox(t("cases.manager"), list(by_id), key="nc_manager", format_func=common.labels(
                by_id, lambda i: f"{by_id[i].display_name} ({by_id[i].username})"))
        submitted = st.form_submit_button(t("cases.create"), type="primary", key="nc_submit")
    if submitted:
        case = store.create_case(supplier, category, reference, start, user, contract_end=end, manager=manager)
        common.flash(t("cases.created", supplier=case.supplier_name))
        common.select(case_id=case.id)


def delete_case(user, case_id: int | None) -> None:
    if case_id is None:
        return
    case = common.store().get_case(case_id, user)
    if not permissions.allowed(user, "delete", case):
        return
    with st.expander(t("cases.delete_title", reference=case.contract_reference)):
        st.write(t("cases.delete_intro"))
        typed = st.text_input(t("cases.delete_confirm", reference=case.contract_reference), key="del_confirm")
        confirmed = typed.strip() == case.contract_reference
        if st.button(t("cases.delete"), key="del_go", type="primary", disabled=not confirmed):
            counts = common.store().delete_case(case, user)
            common.flash(t("cases.deleted", reference=case.contract_reference, documents=counts.get("documents", 0)))
            st.rerun()


def body() -> None:
    user = common.require_user()
    store = common.store()
    st.title(t("cases.title"))
    overview = store.monitoring_overview(user)
    categories = {c.id: c.category for c in store.cases_for(user)}
    shares(overview)
    st.subheader(t("cases.all"))
    if overview.cases:
        case_table(overview, categories)
    else:
        st.info(t("cases.none"))
    case_detail(overview, st.session_state.get("case_id"))
    if user.role in permissions.PERMISSIONS["create_case"]:
        with st.expander(t("cases.new"), expanded=not overview.cases, icon=":material/create_new_folder:"):
            new_case_form(user)
    delete_case(user, st.session_state.get("case_id"))


common.run_page(body)
