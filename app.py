"""ketenlens review screen (Streamlit): ``streamlit run app.py``, or ``make run``.

This file is the router: it sets up the page, draws the sidebar (language, user, case and
document pickers) and runs the page chosen with ``st.navigation``. The pages are the
scripts in ``ui/`` (shared helpers in ``ui/common.py``, strings in ``ui/i18n.py``):

login · cases (monitoring, new case) · upload · overview · document (page image with the
evidence) · checklist (questions for the supplier) · review (experts) · compare · export ·
users (administrators).

Dutch by default; the sidebar switches to English. Everything runs on this machine.

Environment variables:

- ``KETENLENS_DATABASE_URL``: the database (default: SQLite in ``$XDG_DATA_HOME/ketenlens``,
  see ``analyzer/store/config.py``); ``KETENLENS_FILES_DIR``: where uploaded files are kept.
- ``KETENLENS_MODEL``: the model folder (default ``models/ketenlens-default``). Analyses are
  stored per model name, so reopening a document never analyses it again.
- ``KETENLENS_CACHE``: the embedding cache folder (default ``~/.cache/ketenlens``).
- ``KETENLENS_DEMO=1``: demo mode, explicitly opt-in (``make run`` is meant to set it). When the
  database has no users yet, the app creates an administrator ``admin``, a contract manager
  ``demo`` and an expert ``expert`` (password ``KETENLENS_DEMO_PASSWORD``, default
  ``ketenlens-demo``) and two demo cases holding the sample documents from ``examples/``
  (analysed when first opened). Never set it on a real installation: the demo accounts have a
  known password. Without it, nothing is ever created by the app on its own.

Without demo mode, create the first administrator from the command line::

    ketenlens user add admin --role admin

The administrator then adds the other users on the Users page. ``make run`` starts demo mode
with its own database under ``.demo/``.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # the page scripts import ui.*
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from analyzer import __version__  # noqa: E402
from analyzer.store import permissions  # noqa: E402
from ui import common, i18n  # noqa: E402
from ui.common import t  # noqa: E402

EXAMPLES = ROOT / "examples"

# (script, title key, icon, permission needed or None)
DOSSIER_PAGES = [
    ("ui/cases.py", "page.cases", ":material/folder_open:", None),
    ("ui/upload.py", "page.upload", ":material/upload_file:", "upload"),
]
DOCUMENT_PAGES = [
    ("ui/overview.py", "page.overview", ":material/insights:", None),
    ("ui/document.py", "page.document", ":material/description:", None),
    ("ui/checklist.py", "page.checklist", ":material/checklist:", None),
    ("ui/review.py", "page.review", ":material/rate_review:", "review"),
    ("ui/compare.py", "page.compare", ":material/compare_arrows:", None),
    ("ui/export.py", "page.export", ":material/download:", None),
]
ADMIN_PAGES = [("ui/users.py", "page.users", ":material/group:", "manage_users")]


def may(user, action: str | None) -> bool:
    return action is None or user.role in permissions.PERMISSIONS[action]


def pages_for(user) -> dict[str, list[st.Page]] | list[st.Page]:
    if user is None:
        return [st.Page("ui/login.py", title=t("page.login"), icon=":material/login:", default=True)]
    sections = {}
    groups = (("nav.cases", DOSSIER_PAGES), ("nav.document", DOCUMENT_PAGES), ("nav.admin", ADMIN_PAGES))
    for section, entries in groups:
        pages = [st.Page(script, title=t(title), icon=icon, default=script == "ui/cases.py")
                 for script, title, icon, action in entries if may(user, action)]
        if pages:
            sections[t(section)] = pages
    return sections


DEMO_PASSWORD_ENV = "KETENLENS_DEMO_PASSWORD"
DEMO_CASES = [
    {"supplier": "Van Dijk Bedrijfskleding B.V.", "category": "workwear", "reference": "ISV-DEMO-2023-017",
     "start": date(2023, 9, 1), "end": date(2027, 8, 31),
     "documents": [("nl_workwear_risicoanalyse.pdf", "risk_analysis", 2023, date(2023, 11, 20)),
                   ("nl_workwear_plan_van_aanpak.pdf", "action_plan", 2024, date(2024, 3, 15)),
                   ("nl_workwear_jaarrapportage.pdf", "annual_report", 2024, date(2025, 3, 28))]},
    {"supplier": "Kranenburg IT Supplies B.V.", "category": "ict", "reference": "ISV-DEMO-2024-042",
     "start": date(2024, 1, 15), "end": None,
     "documents": [("en_ict_risk_analysis.pdf", "risk_analysis", 2024, date(2024, 4, 10)),
                   ("en_ict_annual_report.pdf", "annual_report", 2024, date(2025, 4, 20))]},
]


@st.cache_resource(show_spinner=False)
def seed_demo(url: str) -> str:
    """Demo mode only (KETENLENS_DEMO=1): demo users and cases in an empty database, once per process."""
    from sqlalchemy import func, select

    from analyzer.store.models import User

    store = common.store()
    with store.engine.connect() as connection:
        if connection.scalar(select(func.count()).select_from(User)):
            return "database not empty: nothing created"
    password = os.environ.get(DEMO_PASSWORD_ENV, "").strip() or "ketenlens-demo"
    admin = store.create_user("admin", "admin", password, "Beheerder (demo)")
    manager = store.create_user("demo", "contract_manager", password, "Contractmanager (demo)")
    store.create_user("expert", "expert", password, "Expert (demo)")
    for spec in DEMO_CASES:
        case = store.create_case(spec["supplier"], spec["category"], spec["reference"], spec["start"], admin,
                                 contract_end=spec["end"], manager=manager)
        for name, deliverable, year, received in spec["documents"]:
            path = EXAMPLES / name
            if path.is_file():
                store.add_document(case, path.read_bytes(), name, deliverable, year, admin, received_on=received)
    return "demo users and cases created"


def sidebar(user) -> None:
    st.sidebar.caption(t("app.signed_in", name=user.display_name, role=t(f"role.{user.role}")))
    if st.sidebar.button(t("app.logout"), key="logout", icon=":material/logout:"):
        common.logout()
        st.rerun()
    case = common.case_picker(user)
    common.document_picker(user, case)


def main() -> None:
    st.set_page_config(page_title="ketenlens", page_icon=":material/link:", layout="wide")
    st.sidebar.radio("Taal / Language", i18n.LANGS, key="lang", horizontal=True,
                     format_func=lambda code: i18n.LANGUAGE_NAMES[code])
    user = None
    try:
        if common.demo_mode():
            seed_demo(str(common.store().engine.url))
        user = common.user()
        if user is not None:
            sidebar(user)
    except Exception as exc:  # database down, wrong URL: one line, and only the login page
        st.error(common.one_line(exc))
        user = None
    st.sidebar.caption(f"ketenlens {__version__}")
    page = st.navigation(pages_for(user))
    common.show_flashes()
    page.run()


main()
