"""Persistence for the review screen: users, cases, documents, analyses, reviews, audit log.

Modules, one job each:

- ``config``      where the database and the document files live (environment variables, XDG default)
- ``db``          engine (SQLite: foreign keys, WAL), sessions, Alembic migrations run from code
- ``models``      the tables (SQLAlchemy 2 typed declarative classes)
- ``files``       the content-addressed folder of uploaded document bytes
- ``passwords``   salted scrypt hashes with their parameters, constant-time checks
- ``permissions`` the role table: who may see, upload, review, delete
- ``reviews``     how reviewer decisions combine with model output (pure)
- ``monitoring``  ISV deadlines as data and the overdue/on-time computation (pure)
- ``service``     the ``Store`` API the app calls, ``open_store`` and the CLI's ``add_user``
- ``errors``      ``StoreError`` and its subclasses, one-line messages

Never imports streamlit: the app imports this, not the other way round.
"""

from analyzer.store.errors import (ConflictError, DatabaseUnavailableError, FileStoreError, InvalidValueError,
                                   NotFoundError, PermissionDenied, StoreError)
from analyzer.store.service import Store, add_user, open_store

__all__ = [
    "Store",
    "open_store",
    "add_user",
    "StoreError",
    "InvalidValueError",
    "NotFoundError",
    "ConflictError",
    "PermissionDenied",
    "FileStoreError",
    "DatabaseUnavailableError",
]
