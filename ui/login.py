"""Login: username and password, checked by the store (every attempt is audited)."""

import streamlit as st

from ui import common
from ui.common import t


def body() -> None:
    st.title(t("login.title"))
    st.write(t("login.intro"))
    if common.demo_mode():
        st.info(t("login.demo"))
    with st.form("login"):
        username = st.text_input(t("login.username"), key="login_username", autocomplete="username")
        password = st.text_input(t("login.password"), type="password", key="login_password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button(t("login.submit"), type="primary", key="login_submit")
    if submitted:
        user = common.store().authenticate(username, password)
        if user is None:
            st.error(t("login.failed"))
            return
        st.session_state["user_id"] = user.id
        st.rerun()
    st.caption(t("login.first_admin"))


common.run_page(body)
