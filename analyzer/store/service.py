"""The store's service API: what the review screen (and the CLI) call.

One ``Store`` wraps an engine and a file store. Every method runs in its own
transaction and returns plain ORM objects that stay readable after it returns
(``expire_on_commit=False``); pass them, or their ids, back into later calls.

Every method that reads or changes a case takes the acting ``user`` and checks
``permissions.PERMISSIONS`` against the user's current row (a role changed or an
account deactivated since login counts at once). Reviews, deletions, user creation,
logins (failed ones too), uploads, analyses, question edits and case creation each
write an ``AuditLog`` row in the same transaction as the change.

Start with ``open_store()`` (default database and files folder, migrated to the
newest schema) or ``Store(make_engine(url), files_dir)``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from analyzer.store import db, monitoring, passwords, permissions, reviews as review_rules
from analyzer.store.config import database_url as default_database_url, files_dir as default_files_dir
from analyzer.store.errors import ConflictError, DatabaseUnavailableError, InvalidValueError, NotFoundError
from analyzer.store.files import FileStore
from analyzer.store.models import (DELIVERABLES, ROLES, Analysis, AuditLog, Case, Document, QuestionEdit, Review,
                                   User, utcnow)

USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]{1,63}")
YEARS = range(1990, 2101)

CaseRef = Case | int
DocumentRef = Document | int


class Store:
    """Users, cases, documents, analyses, reviews, question edits, monitoring and the audit log."""

    def __init__(self, engine: Engine, files: FileStore | str | Path):
        self.engine = engine
        self.files = files if isinstance(files, FileStore) else FileStore(files)
        self._sessions = db.session_factory(engine)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        try:
            with self._sessions.begin() as session:
                yield session
        except OperationalError as exc:
            raise DatabaseUnavailableError(f"database error: {db._first_line(exc)}; "
                                           f"check that the database is reachable and not locked") from None

    # -- users -------------------------------------------------------------------------------

    def create_user(self, username: str, role: str, password: str, display_name: str | None = None, *,
                    by: User | None = None) -> User:
        """A new user. ``by`` is the admin doing it; None means the machine's operator (the CLI).

        The app must always pass the logged-in user as ``by``.
        """
        username = _username(username)
        if role not in ROLES:
            raise InvalidValueError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
        display_name = _text(display_name or username, "display name", 200)
        password_hash = passwords.hash_password(password)
        with self._tx() as s:
            actor = self._actor(s, by) if by is not None else None
            if actor is not None:
                permissions.require(actor, "manage_users")
            if s.scalar(select(User.id).where(User.username == username)) is not None:
                raise ConflictError(f"username {username!r} is already taken; choose another")
            user = User(username=username, display_name=display_name, role=role, password_hash=password_hash)
            s.add(user)
            try:
                s.flush()
            except IntegrityError:
                raise ConflictError(f"username {username!r} is already taken; choose another") from None
            _audit(s, actor, "create_user", "user", user.id, username=username, role=role,
                   via="app" if actor is not None else "cli")
            return user

    def authenticate(self, username: str, password: str) -> User | None:
        """The user when the password is right and the account active, else None. Audits every attempt."""
        name = (username or "").strip().lower()
        with self._tx() as s:
            user = s.scalar(select(User).where(User.username == name)) if name else None
            if user is None or not user.active:
                passwords.verify_password(password, _dummy_hash())  # same time as a real check: no username probing
                _audit(s, None, "login_failed", "user", user.id if user else None, username=name[:64],
                       why="inactive" if user else "unknown user")
                return None
            if not passwords.verify_password(password, user.password_hash):
                _audit(s, None, "login_failed", "user", user.id, username=name, why="wrong password")
                return None
            if passwords.needs_rehash(user.password_hash):
                user.password_hash = passwords.hash_password(password)
            _audit(s, user, "login", "user", user.id)
            return user

    def get_user(self, user_id: int) -> User:
        with self._tx() as s:
            user = s.get(User, user_id)
            if user is None:
                raise NotFoundError(f"no user with id {user_id}")
            return user

    def user_by_name(self, username: str) -> User:
        """The user called ``username`` (for the command line, which has no login)."""
        with self._tx() as s:
            user = s.scalar(select(User).where(User.username == username))
            if user is None:
                raise NotFoundError(f"no user {username!r}; create one with `ketenlens user add {username} --role expert`")
            return user

    def set_active(self, user: User | int, active: bool, by: User) -> User:
        """Deactivate (or reactivate) an account; users are never deleted, so their reviews keep an author."""
        with self._tx() as s:
            actor = self._actor(s, by)
            permissions.require(actor, "manage_users")
            row = self._actor(s, user)
            if row.id == actor.id and not active:
                raise InvalidValueError("you cannot deactivate your own account; ask another administrator")
            row.active = bool(active)
            _audit(s, actor, "activate_user" if active else "deactivate_user", "user", row.id, username=row.username)
            return row

    def users(self, by: User) -> list[User]:
        """All users, for an administrator."""
        with self._tx() as s:
            permissions.require(self._actor(s, by), "manage_users")
            return list(s.scalars(select(User).order_by(User.username)))

    # -- cases -------------------------------------------------------------------------------

    def create_case(self, supplier_name: str, category: str, contract_reference: str, contract_start: date | str,
                    user: User, *, contract_end: date | str | None = None, manager: User | int | None = None) -> Case:
        """A new case. The contract manager defaults to ``user``; only an admin may assign someone else."""
        from analyzer.assess import CATEGORIES

        supplier_name = _text(supplier_name, "supplier name", 200)
        contract_reference = _text(contract_reference, "contract reference", 100)
        if category not in CATEGORIES:
            raise InvalidValueError(f"unknown ISV category {category!r}; use one of {', '.join(CATEGORIES)}")
        start = _as_date(contract_start, "contract start")
        end = _as_date(contract_end, "contract end") if contract_end is not None else None
        if end is not None and end < start:
            raise InvalidValueError(f"contract end {end} is before its start {start}; check the dates")
        with self._tx() as s:
            actor = self._actor(s, user)
            manager_row = actor if manager is None else s.get(User, _id(manager))
            if manager_row is None:
                raise NotFoundError(f"no user with id {_id(manager)} to be the contract manager")
            if manager_row.role != "contract_manager" or not manager_row.active:
                raise InvalidValueError(f"{manager_row.username!r} cannot manage a case: the contract manager must be "
                                        f"an active user with role contract_manager")
            permissions.require(actor, "create_case", manager_id=manager_row.id)
            case = Case(supplier_name=supplier_name, category=category, contract_reference=contract_reference,
                        contract_start=start, contract_end=end, manager=manager_row)
            s.add(case)
            s.flush()
            _audit(s, actor, "create_case", "case", case.id, contract_reference=contract_reference,
                   manager=manager_row.username)
            return case

    def cases_for(self, user: User) -> list[Case]:
        """The cases ``user`` may see: a contract manager's own, everyone's for the other roles."""
        with self._tx() as s:
            return list(s.scalars(self._visible_cases(self._actor(s, user))))

    def get_case(self, case: CaseRef, user: User) -> Case:
        with self._tx() as s:
            return self._case(s, case, self._actor(s, user), "view")

    def delete_case(self, case: CaseRef, user: User) -> dict[str, int]:
        """Delete a case with its documents, analyses, reviews, question edits and files no other case uses.

        For confidentiality nothing of the case stays behind but an audit entry naming the contract
        reference and what was removed. Returns the counts of removed rows and files.
        """
        with self._tx() as s:
            actor = self._actor(s, user)
            row = self._case(s, case, actor, "delete")
            documents = list(s.execute(select(Document.id, Document.sha256).where(Document.case_id == row.id)))
            counts = _delete_documents(s, [d.id for d in documents])
            counts["question_edits"] += s.execute(delete(QuestionEdit).where(QuestionEdit.case_id == row.id)).rowcount
            s.delete(row)
            _audit(s, actor, "delete_case", "case", row.id, contract_reference=row.contract_reference,
                   supplier_name=row.supplier_name, **counts)
        counts["files"] = self._remove_unreferenced({d.sha256 for d in documents})
        return counts

    # -- documents ---------------------------------------------------------------------------

    def add_document(self, case: CaseRef, data: bytes, name: str, deliverable: str, year: int | None, user: User, *,
                     received_on: date | str | None = None) -> Document:
        """Store an uploaded deliverable. The bytes are kept once per content, however often they are uploaded.

        ``year`` is the year an annual report covers (required for those), else the document's year
        or None. ``received_on`` (default today) is when the supplier delivered it; monitoring uses it.
        """
        if not isinstance(data, (bytes, bytearray, memoryview)) or len(data) == 0:
            raise InvalidValueError(f"{name!r} is empty; upload the file again")
        data = bytes(data)
        file_name = PurePosixPath(str(name or "").replace("\\", "/")).name.strip()
        file_name = _text(file_name, "file name", 255)
        if deliverable not in DELIVERABLES:
            raise InvalidValueError(f"unknown deliverable {deliverable!r}; use one of {', '.join(DELIVERABLES)}")
        if year is not None and (isinstance(year, bool) or not isinstance(year, int) or year not in YEARS):
            raise InvalidValueError(f"year {year!r} is not a year between {YEARS.start} and {YEARS.stop - 1}")
        if deliverable == "annual_report" and year is None:
            raise InvalidValueError("an annual report needs the year it reports on")
        received = _as_date(received_on, "received on") if received_on is not None else date.today()
        with self._tx() as s:
            actor = self._actor(s, user)
            row = self._case(s, case, actor, "upload")
            digest = self.files.put(data)
            document = Document(case_id=row.id, deliverable=deliverable, year=year, file_name=file_name, sha256=digest,
                                size=len(data), received_on=received, uploaded_by_id=actor.id)
            s.add(document)
            s.flush()
            _audit(s, actor, "upload", "document", document.id, case_id=row.id, file_name=file_name,
                   deliverable=deliverable, year=year, sha256=digest, size=len(data))
        if not self.files.exists(digest):  # a concurrent delete_case removed the shared file meanwhile
            self.files.put(data)
        return document

    def documents_for(self, case: CaseRef, user: User) -> list[Document]:
        with self._tx() as s:
            row = self._case(s, case, self._actor(s, user), "view")
            return list(s.scalars(select(Document).where(Document.case_id == row.id)
                                  .order_by(Document.received_on, Document.id)))

    def get_document(self, document: DocumentRef, user: User) -> Document:
        with self._tx() as s:
            return self._document(s, document, self._actor(s, user), "view")[0]

    def document_bytes(self, document: DocumentRef, user: User) -> bytes:
        """The document's bytes, checked against its hash."""
        with self._tx() as s:
            row = self._document(s, document, self._actor(s, user), "view")[0]
        return self.files.get(row.sha256)

    def delete_document(self, document: DocumentRef, user: User) -> dict[str, int]:
        """Delete one document with its analyses, reviews and question edits (and its file if unused)."""
        with self._tx() as s:
            actor = self._actor(s, user)
            row, case = self._document(s, document, actor, "delete")
            counts = _delete_documents(s, [row.id])
            _audit(s, actor, "delete_document", "document", row.id, case_id=case.id, file_name=row.file_name, **counts)
        counts["files"] = self._remove_unreferenced({row.sha256})
        return counts

    def prune_files(self) -> int:
        """Remove stored files no document refers to (left by a crash between writing and committing)."""
        return self._remove_unreferenced(self.files.digests())

    def _remove_unreferenced(self, digests: set[str]) -> int:
        if not digests:
            return 0
        with self._tx() as s:
            used = set(s.scalars(select(Document.sha256).where(Document.sha256.in_(digests))))
        return sum(self.files.delete(d) for d in digests - used)

    # -- analyses ----------------------------------------------------------------------------

    def save_analysis(self, document: DocumentRef, analysis: dict, model_name: str, user: User) -> Analysis:
        """Keep the ``ketenlens analyze`` dict for a document (a new row; earlier ones stay)."""
        if not isinstance(analysis, dict) or not isinstance(analysis.get("passages"), list):
            raise InvalidValueError("an analysis must be the dict ketenlens analyze produces, with a 'passages' list")
        try:
            stored = json.loads(json.dumps(analysis, allow_nan=False, ensure_ascii=False))
        except (TypeError, ValueError) as exc:
            raise InvalidValueError(f"the analysis cannot be stored as JSON ({exc}); "
                                    f"pass AnalyzedDocument.to_dict()") from None
        model_name = _text(model_name, "model name", 200)
        with self._tx() as s:
            actor = self._actor(s, user)
            row = self._document(s, document, actor, "analyse")[0]
            record = Analysis(document_id=row.id, model_name=model_name, result=stored)
            s.add(record)
            s.flush()
            _audit(s, actor, "analyse", "document", row.id, analysis_id=record.id, model_name=model_name)
            return record

    def latest_analysis(self, document: DocumentRef, user: User, model_name: str | None = None) -> Analysis | None:
        """The newest stored analysis of the document (by ``model_name`` when given), or None."""
        with self._tx() as s:
            row = self._document(s, document, self._actor(s, user), "view")[0]
            return _latest_analysis(s, row.id, model_name)

    def analysis_for(self, document: DocumentRef, model_name: str, compute: Callable[[], dict],
                     user: User) -> Analysis:
        """The stored analysis by ``model_name``, or ``compute()``'s result saved first: reopening never re-analyses."""
        cached = self.latest_analysis(document, user, model_name)
        if cached is not None:
            return cached
        return self.save_analysis(document, compute(), model_name, user)

    # -- reviews -----------------------------------------------------------------------------

    def add_review(self, document: DocumentRef, target_type: str, target_id: str, field: str, decision: str,
                   user: User, *, new_value: Any = None, reason: str = "", analysis: Analysis | int | None = None
                   ) -> Review:
        """Record a reviewer's decision on one model output of the latest (or the given) analysis.

        ``target_type`` passage_label (``target_id`` a passage id; field steps, themes, status or
        specific) or checklist_item (``target_id`` like G07; field checklist_status). ``decision``
        accept, reject or relabel; only relabel takes ``new_value`` (see ``reviews.py``). The model's
        value is read from the analysis, and the analysis itself is never changed.
        """
        review_rules.check_target(target_type, field, decision)
        if decision == "relabel":
            new_value = review_rules.validate_value(field, new_value)
        elif new_value is not None:
            raise InvalidValueError(f"only a relabel takes a new value; use decision 'relabel' to set {field}")
        reason = (reason or "").strip()
        with self._tx() as s:
            actor = self._actor(s, user)
            row, case = self._document(s, document, actor, "review")
            if analysis is None:
                record = _latest_analysis(s, row.id, None)
            else:
                record = s.get(Analysis, _id(analysis))
                if record is not None and record.document_id != row.id:
                    record = None
            if record is None:
                raise NotFoundError(f"document {row.id} has no analysis to review; analyse it first")
            model = review_rules.model_value(record.result, target_type, str(target_id), field)
            if decision == "relabel" and new_value == model:
                raise InvalidValueError(f"the new value equals the model's value for {field}; use decision 'accept'")
            review = Review(document_id=row.id, analysis_id=record.id, reviewer=actor, target_type=target_type,
                            target_id=str(target_id), field=field, model_value=model, decision=decision,
                            new_value=new_value, reason=reason)
            s.add(review)
            s.flush()
            _audit(s, actor, "review", "review", review.id, document_id=row.id, case_id=case.id,
                   target_type=target_type, target_id=str(target_id), field=field, decision=decision,
                   model_value=model, new_value=new_value)
            return review

    def reviews_for(self, document: DocumentRef, user: User) -> list[Review]:
        """Every review of the document, oldest first."""
        with self._tx() as s:
            row = self._document(s, document, self._actor(s, user), "view")[0]
            return list(s.scalars(select(Review).where(Review.document_id == row.id)
                                  .order_by(Review.created_at, Review.id)))

    def analysis_state(self, document: DocumentRef, user: User, model_name: str | None = None
                       ) -> tuple[int, int, int] | None:
        """What ``effective_labels`` depends on, without loading the analysis: (id of the latest analysis,
        number of reviews, newest review id); None while there is no analysis (by ``model_name`` when given).

        Reviews are only ever added, so an unchanged state means unchanged effective labels: callers
        can cache them by it.
        """
        with self._tx() as s:
            row = self._document(s, document, self._actor(s, user), "view")[0]
            if model_name is not None and _latest_analysis_id(s, row.id, model_name) is None:
                return None
            latest = _latest_analysis_id(s, row.id, None)
            if latest is None:
                return None
            count, newest = s.execute(select(func.count(Review.id), func.max(Review.id))
                                      .where(Review.document_id == row.id)).one()
            return latest, int(count), int(newest or 0)

    def effective_labels(self, document: DocumentRef, user: User) -> dict:
        """The latest analysis with the reviews applied, for exports (see ``reviews.apply_reviews``).

        Only the reviewed fields change: summaries derived from passage labels (step coverage,
        checklist verdicts) stay the model's; a reviewed checklist verdict updates the counts, score
        and headline.
        """
        with self._tx() as s:
            row = self._document(s, document, self._actor(s, user), "view")[0]
            record = _latest_analysis(s, row.id, None)
            if record is None:
                raise NotFoundError(f"document {row.id} has no analysis yet; analyse it first")
            rows = list(s.scalars(select(Review).where(Review.document_id == row.id)))
            result = review_rules.apply_reviews(record.result, rows)
        result["review_summary"].update(analysis_id=record.id, model_name=record.model_name)
        return result

    def review_corpus(self, user: User) -> list[dict]:
        """Every passage an expert reviewed, as a training record in the corpus format (``labels.md`` §4).

        The values are the reviewed ones (``reviews.effective_value``, latest review per field) and
        ``annotated`` names only the reviewed fields, so ``ketenlens train --reviews`` learns from the
        experts' judgements and never from the model's own unreviewed output. The text is the passage
        of the analysis that was reviewed. The export is written to the audit log: the texts are the
        suppliers' and stay as confidential as their documents.
        """
        with self._tx() as s:
            actor = self._actor(s, user)
            permissions.require(actor, "export_training")
            rows = list(s.scalars(select(Review).where(Review.target_type == "passage_label")
                                  .order_by(Review.created_at, Review.id)))
            latest: dict[tuple[int, str], dict[str, Review]] = {}
            for review in rows:
                latest.setdefault((review.document_id, review.target_id), {})[review.field] = review
            analyses: dict[int, dict] = {}
            records = []
            for (document_id, passage_id), fields in latest.items():
                document = s.get(Document, document_id)
                newest = max(fields.values(), key=lambda r: (r.created_at, r.id))
                if newest.analysis_id not in analyses:
                    analyses[newest.analysis_id] = {p.get("id"): p for p in s.get(Analysis, newest.analysis_id)
                                                    .result.get("passages") or () if isinstance(p, dict)}
                passage = analyses[newest.analysis_id].get(passage_id)
                if passage is None or not str(passage.get("text") or "").strip():
                    continue
                record = {"id": f"review-{document.sha256[:12]}-{passage_id}", "lang": passage.get("lang"),
                          "text": passage["text"], "steps": passage.get("steps") or [],
                          "themes": passage.get("themes") or [], "status": passage.get("status"),
                          "specific": passage.get("specific")}
                for field, review in fields.items():
                    value = review_rules.effective_value(field, review.decision, review.model_value, review.new_value)
                    record[review_rules.ANALYSIS_KEY[field]] = value
                record.update(
                    annotated=[f for f in ("steps", "themes", "status", "specific") if f in fields],
                    source=f"expert review of document {document.id} ({document.file_name})",
                    doc=f"review-{document.sha256[:12]}", page=passage.get("page"),
                    reviewers=sorted({r.reviewer.username for r in fields.values() if r.reviewer is not None}),
                )
                records.append(record)
            _audit(s, actor, "export_training", "reviews", None, records=len(records))
            return records

    # -- supplier questions ------------------------------------------------------------------

    def edit_question(self, case: CaseRef, checklist_id: str, user: User, *, question_nl: str | None = None,
                      question_en: str | None = None, marked_for_dialogue: bool = False,
                      document: DocumentRef | None = None) -> QuestionEdit:
        """Record an edited supplier question (None keeps the checklist's text) and whether it goes to the dialogue."""
        from analyzer.labels import knowledge

        known = {item["id"] for item in knowledge("checklist")["items"]}
        if checklist_id not in known:
            raise InvalidValueError(f"unknown checklist item {checklist_id!r}; use an id like G01..G{len(known):02d}")
        texts = {lang: (text.strip() or None) if isinstance(text, str) else text
                 for lang, text in (("nl", question_nl), ("en", question_en))}
        if any(t is not None and not isinstance(t, str) for t in texts.values()):
            raise InvalidValueError("question texts must be strings (or None to keep the checklist's)")
        with self._tx() as s:
            actor = self._actor(s, user)
            row = self._case(s, case, actor, "edit_question")
            document_id = None
            if document is not None:
                doc, doc_case = self._document(s, document, actor, "edit_question")
                if doc_case.id != row.id:
                    raise InvalidValueError(f"document {doc.id} belongs to case {doc_case.id}, not to case {row.id}")
                document_id = doc.id
            edit = QuestionEdit(case_id=row.id, document_id=document_id, checklist_id=checklist_id,
                                question_nl=texts["nl"], question_en=texts["en"],
                                marked_for_dialogue=bool(marked_for_dialogue), user_id=actor.id)
            s.add(edit)
            s.flush()
            _audit(s, actor, "edit_question", "question_edit", edit.id, case_id=row.id, document_id=document_id,
                   checklist_id=checklist_id, marked_for_dialogue=bool(marked_for_dialogue))
            return edit

    def questions_for(self, case: CaseRef, user: User, document: DocumentRef | None = None) -> dict[str, QuestionEdit]:
        """The latest edit per checklist id: the case's, overridden by the document's when one is given."""
        with self._tx() as s:
            actor = self._actor(s, user)
            row = self._case(s, case, actor, "view")
            document_id = self._document(s, document, actor, "view")[0].id if document is not None else None
            query = select(QuestionEdit).where(QuestionEdit.case_id == row.id)
            query = query.where((QuestionEdit.document_id.is_(None)) | (QuestionEdit.document_id == document_id))
            result: dict[str, QuestionEdit] = {}
            for edit in s.scalars(query.order_by(QuestionEdit.created_at, QuestionEdit.id)):
                current = result.get(edit.checklist_id)
                if current is None or edit.document_id is not None or current.document_id is None:
                    result[edit.checklist_id] = edit
            return result

    # -- monitoring and audit ----------------------------------------------------------------

    def monitoring_overview(self, user: User, today: date | None = None) -> monitoring.Overview:
        """Per visible case: which deliverables arrived when and which are overdue on ``today``; plus on-time shares.

        The deadlines are ``monitoring.RULES``.
        """
        today = today or date.today()
        with self._tx() as s:
            cases = list(s.scalars(self._visible_cases(self._actor(s, user))))
            documents = list(s.scalars(select(Document).where(Document.case_id.in_([c.id for c in cases]))))
        overviews = []
        for case in cases:
            arrivals = tuple(sorted((monitoring.Arrival(d.id, d.deliverable, d.year, d.received_on)
                                     for d in documents if d.case_id == case.id),
                                    key=lambda a: (a.received_on, a.document_id)))
            expected = monitoring.expected_deliverables(case.contract_start, case.contract_end, arrivals, today)
            overviews.append(monitoring.CaseOverview(case.id, case.supplier_name, case.contract_reference,
                                                     case.manager.display_name, case.contract_start,
                                                     case.contract_end, expected, arrivals))
        return monitoring.Overview(today, tuple(overviews), monitoring.shares(overviews))

    def audit_entries(self, user: User, *, object_type: str | None = None, object_id: int | str | None = None,
                      limit: int = 200) -> list[AuditLog]:
        """The newest audit entries, for an administrator."""
        with self._tx() as s:
            permissions.require(self._actor(s, user), "manage_users")
            query = select(AuditLog)
            if object_type is not None:
                query = query.where(AuditLog.object_type == object_type)
            if object_id is not None:
                query = query.where(AuditLog.object_id == str(object_id))
            return list(s.scalars(query.order_by(AuditLog.created_at.desc(), AuditLog.id.desc()).limit(limit)))

    # -- helpers -----------------------------------------------------------------------------

    @staticmethod
    def _actor(s: Session, user: User | int) -> User:
        row = s.get(User, _id(user))
        if row is None:
            raise NotFoundError(f"user {_id(user)} no longer exists; log in again")
        return row

    @staticmethod
    def _visible_cases(actor: User):
        query = select(Case).order_by(func.lower(Case.supplier_name), Case.id)
        if not actor.active:
            return query.where(False)
        return query if permissions.sees_all_cases(actor) else query.where(Case.manager_id == actor.id)

    @staticmethod
    def _case(s: Session, case: CaseRef, actor: User, action: str) -> Case:
        row = s.get(Case, _id(case))
        if row is None:
            raise NotFoundError(f"case {_id(case)} does not exist (deleted?); reload the case list")
        permissions.require(actor, action, row)
        return row

    def _document(self, s: Session, document: DocumentRef, actor: User, action: str) -> tuple[Document, Case]:
        row = s.get(Document, _id(document))
        if row is None:
            raise NotFoundError(f"document {_id(document)} does not exist (deleted?); reload the case")
        return row, self._case(s, row.case_id, actor, action)


def open_store(url: str | None = None, files_dir: str | Path | None = None, *, migrate: bool = True) -> Store:
    """A store on ``url`` (default ``KETENLENS_DATABASE_URL`` or the SQLite file in the user's data folder),
    with the files in ``files_dir`` (default ``KETENLENS_FILES_DIR`` or beside the database), migrated to
    the newest schema unless ``migrate`` is False."""
    engine = db.make_engine(url)
    if migrate:
        db.upgrade(engine)
    return Store(engine, files_dir if files_dir is not None else default_files_dir(engine.url))


def add_user(username: str, role: str, password: str, display_name: str | None = None, *,
             database_url: str | None = None, files_dir: str | Path | None = None) -> User:
    """Create a user from the command line (what ``ketenlens user add`` will call).

    Opens (and if needed creates and migrates) the default database, or ``database_url``; the audit
    log records the user as created via the CLI. Raises ``StoreError`` subclasses with one-line
    messages: ``InvalidValueError`` (bad username, unknown role, password under 8 characters),
    ``ConflictError`` (username taken), ``DatabaseUnavailableError`` (database cannot be opened);
    each has an ``exit_code`` for the CLI. Example::

        add_user("j.jansen", "contract_manager", getpass.getpass(), display_name="J. Jansen")
    """
    store = open_store(database_url or default_database_url(), files_dir)
    try:
        return store.create_user(username, role, password, display_name)
    finally:
        store.close()


def _delete_documents(s: Session, document_ids: list[int]) -> dict[str, int]:
    """Delete documents and everything hanging off them, children first (no reliance on cascades)."""
    counts = {"documents": 0, "analyses": 0, "reviews": 0, "question_edits": 0}
    if not document_ids:
        return counts
    counts["reviews"] = s.execute(delete(Review).where(Review.document_id.in_(document_ids))).rowcount
    counts["question_edits"] = s.execute(
        delete(QuestionEdit).where(QuestionEdit.document_id.in_(document_ids))).rowcount
    counts["analyses"] = s.execute(delete(Analysis).where(Analysis.document_id.in_(document_ids))).rowcount
    counts["documents"] = s.execute(delete(Document).where(Document.id.in_(document_ids))).rowcount
    return counts


def _latest_analysis_id(s: Session, document_id: int, model_name: str | None) -> int | None:
    query = select(Analysis.id).where(Analysis.document_id == document_id)
    if model_name is not None:
        query = query.where(Analysis.model_name == model_name)
    return s.scalar(query.order_by(Analysis.created_at.desc(), Analysis.id.desc()).limit(1))


def _latest_analysis(s: Session, document_id: int, model_name: str | None) -> Analysis | None:
    query = select(Analysis).where(Analysis.document_id == document_id)
    if model_name is not None:
        query = query.where(Analysis.model_name == model_name)
    return s.scalar(query.order_by(Analysis.created_at.desc(), Analysis.id.desc()).limit(1))


def _audit(s: Session, actor: User | None, action: str, object_type: str | None, object_id: Any, **details) -> None:
    s.add(AuditLog(created_at=utcnow(), user_id=actor.id if actor else None, username=actor.username if actor else None,
                   action=action, object_type=object_type, object_id=None if object_id is None else str(object_id),
                   details=json.loads(json.dumps(details, default=str))))


_DUMMY: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY:
        _DUMMY.append(passwords.hash_password("not-a-real-password"))
    return _DUMMY[0]


def _id(ref: Any) -> int:
    value = getattr(ref, "id", ref)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValueError(f"expected a stored object or its integer id, not {ref!r}")
    return value


def _username(username: str) -> str:
    name = (username or "").strip().lower() if isinstance(username, str) else ""
    if not USERNAME.fullmatch(name):
        raise InvalidValueError(f"username {username!r} is not allowed; use 2-64 characters: letters, digits, . _ @ -, "
                                f"starting with a letter or digit")
    return name


def _text(value: Any, what: str, limit: int) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise InvalidValueError(f"the {what} is empty; fill it in")
    if len(text) > limit:
        raise InvalidValueError(f"the {what} is longer than {limit} characters; shorten it")
    return text


def _as_date(value: date | str, what: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InvalidValueError(f"the {what} {value!r} is not a date; use YYYY-MM-DD")
