"""Users (administrators): the accounts, a new account, deactivating or reactivating one."""

import streamlit as st

from analyzer.store.models import ROLES
from ui import common
from ui.common import t


def body() -> None:
    admin = common.require_user()
    store = common.store()
    st.title(t("users.title"))
    users = store.users(admin)
    st.dataframe([{t("users.col.username"): u.username, t("users.col.name"): u.display_name,
                   t("users.col.role"): t(f"role.{u.role}"), t("users.col.active"): bool(u.active)}
                  for u in users], hide_index=True, width="stretch")
    with st.expander(t("users.new"), icon=":material/person_add:"):
        with st.form("new_user", clear_on_submit=True):
            username = st.text_input(t("users.username"), key="nu_username")
            name = st.text_input(t("users.name"), key="nu_name")
            role = common.choice(st.selectbox, t("users.role"), ROLES, "nu_role", lambda r: t(f"role.{r}"))
            password = st.text_input(t("users.password"), type="password", key="nu_password",
                                     help=t("users.password_help"))
            submitted = st.form_submit_button(t("users.create"), type="primary", key="nu_submit")
        if submitted:
            user = store.create_user(username, role, password, name or None, by=admin)
            common.flash(t("users.created", username=user.username))
            st.rerun()
    others = {u.id: u for u in users if u.id != admin.id}
    if others:
        with st.expander(t("users.activation"), icon=":material/person_off:"):
            chosen = common.choice(st.selectbox, t("users.account"), others, "act_user",
                                   lambda i: f"{others[i].username} ({t('role.' + others[i].role)})")
            target = others[chosen]
            label = t("users.deactivate") if target.active else t("users.reactivate")
            if st.button(label, key="act_go"):
                store.set_active(target, not target.active, admin)
                common.flash(t("users.changed", username=target.username))
                st.rerun()


common.run_page(body)
