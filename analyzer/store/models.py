"""The tables, as typed SQLAlchemy 2 classes.

Design choices, and why:

- Model output is never changed in place. An ``Analysis`` holds the dict that
  ``ketenlens analyze`` produced; a ``Review`` is a separate row naming what it
  judged, the model's value at the time and the reviewer's decision. Exports
  combine the two (``Store.effective_labels``); the model's own output stays
  available to measure the classifier against the experts.
- Document bytes are not in the database but in a content-addressed folder
  (``files.py``); a ``Document`` row points to them by SHA-256, so the same
  file uploaded twice is stored once.
- Allowed values (roles, deliverables, decisions, ...) are tuples here, checked by
  the service with readable messages and by CHECK constraints in the database.
- Timestamps are stored in UTC and always come back timezone-aware, on SQLite too.
- Children are removed with their parents (``ON DELETE CASCADE``); the audit log
  has no foreign keys to what it describes, so it outlives deletions.

The initial migration (``migrations/versions/0001_initial.py``) is written out by
hand from these classes; ``tests/test_store.py`` checks the two agree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (JSON, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, MetaData, String,
                        Text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

ROLES = ("contract_manager", "expert", "researcher", "admin")
DELIVERABLES = ("risk_analysis", "action_plan", "annual_report", "other")
REVIEW_TARGETS = ("passage_label", "checklist_item")
REVIEW_FIELDS = {"passage_label": ("steps", "themes", "status", "specific"), "checklist_item": ("checklist_status",)}
REVIEW_DECISIONS = ("accept", "reject", "relabel")

# Names for constraints and indexes, so migrations can refer to them on every database.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def _one_of(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and returned timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass a timezone-aware one (e.g. UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar = {datetime: UTCDateTime(), dict[str, Any]: JSON(), Any: JSON()}


class User(Base):
    """Someone who logs in. Users are deactivated, not deleted, so reviews and the audit log keep their author."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_one_of("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"User(id={self.id!r}, username={self.username!r}, role={self.role!r})"


class Case(Base):
    """One supplier contract under ISV monitoring, assigned to one contract manager."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(40))  # an ISV category, analyzer.assess.CATEGORIES
    contract_reference: Mapped[str] = mapped_column(String(100), index=True)
    contract_start: Mapped[date] = mapped_column(Date)
    contract_end: Mapped[date | None] = mapped_column(Date)
    manager_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    manager: Mapped[User] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return (f"Case(id={self.id!r}, supplier_name={self.supplier_name!r}, "
                f"contract_reference={self.contract_reference!r})")


class Document(Base):
    """A deliverable that arrived for a case; the bytes live in the file store under ``sha256``."""

    __tablename__ = "documents"
    __table_args__ = (CheckConstraint(_one_of("deliverable", DELIVERABLES), name="deliverable"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    deliverable: Mapped[str] = mapped_column(String(20))
    year: Mapped[int | None] = mapped_column(Integer)  # annual report: the year reported on
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    received_on: Mapped[date] = mapped_column(Date)  # when the supplier delivered it; monitoring uses this
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return (f"Document(id={self.id!r}, case_id={self.case_id!r}, deliverable={self.deliverable!r}, "
                f"file_name={self.file_name!r})")


class Analysis(Base):
    """The ``ketenlens analyze`` dict for a document, kept so reopening a document never re-analyses it."""

    __tablename__ = "analyses"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    model_name: Mapped[str] = mapped_column(String(200))
    result: Mapped[dict[str, Any]] = mapped_column("analysis")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Review(Base):
    """A reviewer's judgement of one model output; never overwrites the analysis."""

    __tablename__ = "reviews"
    __table_args__ = (
        CheckConstraint(_one_of("target_type", REVIEW_TARGETS), name="target_type"),
        CheckConstraint(_one_of("field", sorted({f for fs in REVIEW_FIELDS.values() for f in fs})), name="field"),
        CheckConstraint(_one_of("decision", REVIEW_DECISIONS), name="decision"),
        Index("ix_reviews_target", "document_id", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    analysis_id: Mapped[int] = mapped_column(ForeignKey("analyses.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[str] = mapped_column(String(100))  # a passage id or a checklist id (G01..)
    field: Mapped[str] = mapped_column(String(20))
    model_value: Mapped[Any] = mapped_column(nullable=True)
    decision: Mapped[str] = mapped_column(String(10))
    new_value: Mapped[Any] = mapped_column(nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")

    reviewer: Mapped[User | None] = relationship(lazy="joined")


class QuestionEdit(Base):
    """A supplier question from the checklist as edited for this case (or one of its documents)."""

    __tablename__ = "question_edits"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    checklist_id: Mapped[str] = mapped_column(String(20))
    question_nl: Mapped[str | None] = mapped_column(Text)
    question_en: Mapped[str | None] = mapped_column(Text)
    marked_for_dialogue: Mapped[bool] = mapped_column(Boolean, default=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditLog(Base):
    """Who did what when. No foreign keys: entries must survive the deletion of what they describe."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(100))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
