"""The review screen (app.py and ui/), driven headless with AppTest.

A temporary SQLite store and a tiny model (hashing embedder, trained in seconds on a slice of
the corpus) stand in for the real ones, through the same environment variables a deployment
uses: KETENLENS_DATABASE_URL, KETENLENS_FILES_DIR, KETENLENS_MODEL, KETENLENS_CACHE.
"""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

pytest.importorskip("streamlit")
pytest.importorskip("sqlalchemy")
from streamlit.runtime.media_file_manager import MediaFileManager  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from analyzer.classify.embed import CachedEmbedder, HashingEmbedder  # noqa: E402
from analyzer.classify.model import FeatureConfig, PassageClassifier  # noqa: E402
from analyzer.classify.train import train  # noqa: E402
from analyzer.pipeline import analyze_parsed, parse  # noqa: E402
from analyzer.store import open_store  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # ui.i18n, as app.py does for the page scripts
    sys.path.insert(0, str(REPO))
APP = str(REPO / "app.py")
EXAMPLES = REPO / "examples"
SAMPLE = EXAMPLES / "nl_workwear_risicoanalyse.pdf"
PASSWORD = "correct horse battery"
MODEL_NAME = "tiny-app"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """Environment, store with three users, and the tiny model, shared by the module's tests."""
    tmp = tmp_path_factory.mktemp("app")
    corpus = tmp / "corpus"
    corpus.mkdir()
    lines = []
    for path in sorted((REPO / "corpus").glob("team_*.jsonl")):
        lines += path.read_text(encoding="utf-8").splitlines()[::4]
    (corpus / "slice.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    model = train(corpus, FeatureConfig(embedder="hashing"), cv=3, embedder=CachedEmbedder(HashingEmbedder(), None),
                  log=lambda m: None)
    model.meta["name"] = MODEL_NAME
    model.save(tmp / "model")

    patch = pytest.MonkeyPatch()
    patch.setenv("KETENLENS_DATABASE_URL", f"sqlite:///{tmp / 'data' / 'ketenlens.sqlite'}")
    patch.setenv("KETENLENS_FILES_DIR", str(tmp / "files"))
    patch.setenv("KETENLENS_MODEL", str(tmp / "model"))
    patch.setenv("KETENLENS_CACHE", str(tmp / "cache"))
    patch.delenv("KETENLENS_DEMO", raising=False)
    store = open_store()
    users = SimpleNamespace(**{name: store.create_user(name, role, PASSWORD) for name, role in (
        ("admin", "admin"), ("manager", "contract_manager"), ("other", "contract_manager"), ("expert", "expert"))})
    yield SimpleNamespace(store=store, users=users, model=PassageClassifier.load(tmp / "model"))
    store.close()
    patch.undo()


@pytest.fixture(scope="module")
def analysed(env):
    """A case of the manager's with the sample risk analysis, analysed by the tiny model as the app would."""
    store, manager = env.store, env.users.manager
    case = store.create_case("Van Dijk Bedrijfskleding B.V.", "workwear", "ISV-TEST-001", date(2024, 1, 1), manager)
    doc = store.add_document(case, SAMPLE.read_bytes(), SAMPLE.name, "risk_analysis", 2024, manager,
                             received_on=date(2024, 3, 1))
    record = store.analysis_for(doc, MODEL_NAME, lambda: analyze_parsed(parse(SAMPLE), env.model, "workwear",
                                                                        "risk_analysis").to_dict(), manager)
    return SimpleNamespace(case=case, doc=doc, analysis=record.result)


def open_app(user=None, case=None, doc=None, page: str | None = None) -> AppTest:
    """The app, logged in as ``user`` with ``case`` and ``doc`` selected, on ``page``."""
    at = AppTest.from_file(APP, default_timeout=60)
    if user is not None:
        at.session_state["user_id"] = user.id
    if case is not None:
        at.session_state["case_id"] = case.id
    if doc is not None:
        at.session_state["doc_id"] = doc.id
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert_clean(at)
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "subheader", "markdown", "caption", "info", "success", "warning")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


@pytest.fixture
def downloads(monkeypatch):
    """What st.download_button hands to the media file manager: (file name, mime type, data)."""
    captured: list[tuple[str | None, str, bytes]] = []
    original = MediaFileManager.add

    def add(self, path_or_data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        captured.append((file_name, mimetype, path_or_data))
        return original(self, path_or_data, mimetype, coordinates, file_name=file_name,
                        is_for_static_download=is_for_static_download)

    monkeypatch.setattr(MediaFileManager, "add", add)
    return captured


# -- login, language, cases -------------------------------------------------------------------

def test_login_refuses_a_wrong_password_and_accepts_the_right_one(env):
    at = open_app()
    assert at.title[0].value == "ketenlens — inloggen"
    at.text_input(key="login_username").input("manager")
    at.text_input(key="login_password").input("not the password")
    at.button(key="login_submit").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Gebruikersnaam of wachtwoord klopt niet (of het account is uitgeschakeld)."]
    assert "user_id" not in at.session_state

    at.text_input(key="login_password").input(PASSWORD)
    at.button(key="login_submit").click().run()
    assert_clean(at)
    assert at.session_state["user_id"] == env.users.manager.id
    assert at.title[0].value == "Dossiers"


def test_english_switch(env):
    at = open_app()
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.title[0].value == "ketenlens — log in"


def test_create_case_and_contract_managers_see_only_their_own(env, analysed):
    at = open_app(env.users.manager, page="ui/cases.py")
    at.text_input(key="nc_supplier").input("Kranenburg IT Supplies B.V.")
    at.selectbox(key="nc_category.nl").select("ict")
    at.text_input(key="nc_reference").input("ISV-TEST-NEW")
    at.date_input(key="nc_start").set_value(date(2024, 2, 1))
    at.button(key="nc_submit").click().run()
    assert_clean(at)
    created = [c for c in env.store.cases_for(env.users.manager) if c.contract_reference == "ISV-TEST-NEW"]
    assert len(created) == 1 and created[0].category == "ict" and created[0].manager_id == env.users.manager.id
    assert at.session_state["case_id"] == created[0].id
    assert any("Kranenburg" in s.value for s in at.success)
    overview = at.dataframe[0].value
    assert "ISV-TEST-001" in set(overview.iloc[:, 1])

    other = open_app(env.users.other, page="ui/cases.py")
    assert not other.dataframe  # no cases of their own: no table
    assert "ISV-TEST-001" not in texts(other)


# -- upload and overview ----------------------------------------------------------------------

def test_upload_a_sample_pdf_and_see_its_overview(env):
    manager = env.users.manager
    case = env.store.create_case("Upload B.V.", "workwear", "ISV-TEST-UPLOAD", date(2024, 1, 1), manager)
    at = open_app(manager, case=case, page="ui/upload.py")
    at.file_uploader(key="upload_files").set_value([(SAMPLE.name, SAMPLE.read_bytes(), "application/pdf")]).run()
    at.selectbox(key="upload_deliverable.nl").select("risk_analysis")
    at.button(key="upload_go").click().run()
    assert_clean(at)
    [doc] = env.store.documents_for(case, manager)
    assert doc.file_name == SAMPLE.name and doc.deliverable == "risk_analysis"
    assert at.session_state["doc_id"] == doc.id
    assert any(SAMPLE.name in s.value for s in at.success)
    stored = env.store.latest_analysis(doc, manager)
    assert stored is not None and stored.model_name == MODEL_NAME

    at.switch_page("ui/overview.py").run()
    assert_clean(at)
    headline = stored.result["assessment"]["summary"]["headline_nl"]
    assert headline in [s.value for s in at.subheader]
    assert len(at.get("vega_lite_chart")) == 2  # per step and per theme group
    assert env.store.latest_analysis(doc, manager).id == stored.id  # reopening did not analyse again


def test_a_bad_file_gives_one_line_and_stores_nothing(env, analysed):
    manager = env.users.manager
    before = len(env.store.documents_for(analysed.case, manager))
    at = open_app(manager, case=analysed.case, page="ui/upload.py")
    broken = ("kapot.pdf", b"%PDF-1.7\n this is not a pdf", "application/pdf")
    at.file_uploader(key="upload_files").set_value([broken]).run()
    at.button(key="upload_go").click().run()
    assert not at.exception
    [error] = at.error
    assert error.value.startswith("kapot.pdf is niet opgeslagen: ") and "\n" not in error.value
    assert "Traceback" not in error.value
    assert len(env.store.documents_for(analysed.case, manager)) == before


# -- document, checklist, review --------------------------------------------------------------

def test_document_page_shows_the_page_and_a_finding_jumps_to_its_page(env, analysed):
    at = open_app(env.users.manager, case=analysed.case, doc=analysed.doc, page="ui/document.py")
    assert len(at.image) == 1
    assert at.number_input(key="doc_page").value == 1
    passages = {p["id"]: p for p in analysed.analysis["passages"]}
    later = next(item for item in analysed.analysis["assessment"]["checklist"]
                 if item["evidence"] and passages[item["evidence"][0]]["page"] > 1)
    at.selectbox(key="doc_finding.nl").select(later["id"]).run()
    assert_clean(at)
    assert at.number_input(key="doc_page").value == passages[later["evidence"][0]]["page"]
    at.multiselect(key="doc_f_steps.nl").select("dd2_identify").run()
    assert_clean(at)


def test_checklist_question_edit_is_stored(env, analysed):
    manager = env.users.manager
    at = open_app(manager, case=analysed.case, doc=analysed.doc, page="ui/checklist.py")
    assert at.text_area(key="q_en_G13").value  # every item shows its question in both languages
    at.text_area(key="q_nl_G13").input("Welke risico's weegt u het zwaarst, en waarom?")
    at.checkbox(key="q_mark_G13").check()
    at.button(key="q_save_G13").click().run()
    assert_clean(at)
    edit = env.store.questions_for(analysed.case, manager, analysed.doc)["G13"]
    assert edit.question_nl == "Welke risico's weegt u het zwaarst, en waarom?"
    assert edit.question_en is None  # unchanged text keeps the checklist's
    assert edit.marked_for_dialogue and edit.document_id == analysed.doc.id
    assert "Welke risico's weegt u het zwaarst" in texts(at)  # listed for the dialogue


def test_review_accepts_a_finding_and_relabels_a_passage(env, analysed):
    expert = env.users.expert
    before = len(env.store.reviews_for(analysed.doc, expert))
    at = open_app(expert, case=analysed.case, doc=analysed.doc, page="ui/review.py")
    at.radio(key="rv_mode.nl").set_value("checklist").run()
    item = at.selectbox(key="rv_item.nl").value
    at.text_input(key="rv_reason").input("klopt met p. 1")
    at.button(key="rv_save").click().run()
    assert_clean(at)
    reviews = env.store.reviews_for(analysed.doc, expert)
    assert len(reviews) == before + 1
    review = reviews[-1]
    assert (review.target_type, review.target_id, review.field, review.decision, review.reason) == (
        "checklist_item", item, "checklist_status", "accept", "klopt met p. 1")

    at.radio(key="rv_mode.nl").set_value("passages").run()  # the passage queue, least certain first
    assert_clean(at)
    passage = at.selectbox(key="rv_passage").value
    queue = at.dataframe[0].value
    assert list(queue.iloc[:, 1]) == sorted(queue.iloc[:, 1])  # confidence, ascending
    at.radio(key="rv_decision.nl").set_value("relabel").run()
    at.multiselect(key=f"rv_new_steps.{passage}.nl").set_value(["dd6_remedy"])
    at.button(key="rv_save").click().run()
    assert_clean(at)
    review = env.store.reviews_for(analysed.doc, expert)[-1]
    assert (review.target_type, review.target_id, review.field, review.decision, review.new_value) == (
        "passage_label", passage, "steps", "relabel", ["dd6_remedy"])
    assert "Eerdere beoordelingen (2)" in [s.value for s in at.subheader]


# -- compare, export, users -------------------------------------------------------------------

def test_compare_runs_on_the_stored_documents(env, analysed):
    manager = env.users.manager
    plan = EXAMPLES / "nl_workwear_plan_van_aanpak.pdf"
    if len(env.store.documents_for(analysed.case, manager)) < 2:
        env.store.add_document(analysed.case, plan.read_bytes(), plan.name, "action_plan", 2024, manager)
    at = open_app(manager, case=analysed.case, page="ui/compare.py")
    assert len(at.multiselect(key="cmp_docs.nl").value) == 2
    assert len(at.dataframe) >= 2  # the documents and the risks without a measure
    assert any("zonder maatregel" in s.value for s in at.subheader)


def test_export_html_contains_the_headline_and_the_reviews(env, analysed, downloads):
    at = open_app(env.users.manager, case=analysed.case, doc=analysed.doc, page="ui/export.py")
    labels = {b.label for b in at.get("download_button")}
    assert labels >= {"HTML-rapport", "Markdown", "Excel (XLSX)", "Gemarkeerde PDF"}
    files = {name: data for name, _, data in downloads}
    html = files["nl_workwear_risicoanalyse-ketenlens.html"].decode("utf-8")
    assert analysed.analysis["assessment"]["summary"]["headline_nl"] in html
    assert "Beoordeeld door experts" in html
    assert files["nl_workwear_risicoanalyse-ketenlens-gemarkeerd.pdf"].startswith(b"%PDF")
    assert files["nl_workwear_risicoanalyse-ketenlens.xlsx"].startswith(b"PK")


def test_admin_creates_a_user(env):
    at = open_app(env.users.admin, page="ui/users.py")
    at.text_input(key="nu_username").input("j.jansen")
    at.text_input(key="nu_name").input("J. Jansen")
    at.selectbox(key="nu_role.nl").select("researcher")
    at.text_input(key="nu_password").input(PASSWORD)
    at.button(key="nu_submit").click().run()
    assert_clean(at)
    assert "j.jansen" in {u.username for u in env.store.users(env.users.admin)}


KEY_USE = re.compile(r"""\b(?:t|text)\(["']([a-z_]+\.[a-z_.]*[a-z_])["']""")


def test_every_string_the_pages_use_exists_in_both_languages():
    from ui.i18n import STRINGS

    used = set()
    for path in [REPO / "app.py", *sorted((REPO / "ui").glob("*.py"))]:
        used |= set(KEY_USE.findall(path.read_text(encoding="utf-8")))
    missing = sorted(key for key in used if key not in STRINGS)
    assert not missing
    assert all(nl and en for nl, en in STRINGS.values())


def test_pages_leave_the_shared_analysis_as_stored(env, analysed, downloads):
    """Pages share one analysis object between reruns and sessions (ui.common.analysis): none may change it."""
    from analyzer.store.config import database_url
    from ui import common

    manager = env.users.manager
    for page in ("ui/overview.py", "ui/document.py", "ui/checklist.py", "ui/export.py"):
        open_app(manager, case=analysed.case, doc=analysed.doc, page=page)
    open_app(env.users.expert, case=analysed.case, doc=analysed.doc, page="ui/review.py")
    state = env.store.analysis_state(analysed.doc, manager, MODEL_NAME)
    shared = common._effective_labels(database_url().render_as_string(hide_password=True), analysed.doc.id, state,
                                      lambda: pytest.fail("the pages did not cache the analysis"))
    assert shared == env.store.effective_labels(analysed.doc, manager)
