"""The store's errors: one line each, saying what is wrong and what to do.

They subclass ``analyzer.errors.KetenlensError`` so the command line (a later
``ketenlens user add``) and the app can report them without a traceback; the
subclasses let the review screen tell "not allowed" from "not there" from
"fix your input" without parsing messages.
"""

from __future__ import annotations

from analyzer.errors import EXIT_BAD_INPUT, EXIT_USAGE, KetenlensError


class StoreError(KetenlensError):
    """Base class for everything the persistence layer refuses or cannot do."""

    exit_code = EXIT_BAD_INPUT


class InvalidValueError(StoreError):
    """A value given to the store is not allowed (unknown role, empty file, bad year, short password)."""


class NotFoundError(StoreError):
    """The user, case, document, analysis or passage asked for does not exist (any more)."""


class ConflictError(StoreError):
    """The change clashes with what is stored (a username that is already taken)."""


class PermissionDenied(StoreError):
    """The acting user's role or case assignment does not allow this."""


class FileStoreError(StoreError):
    """A stored document file is missing or its bytes no longer match their hash."""


class DatabaseUnavailableError(StoreError):
    """The database cannot be opened or migrated (wrong URL, server down, no driver)."""

    exit_code = EXIT_USAGE


__all__ = [
    "StoreError",
    "InvalidValueError",
    "NotFoundError",
    "ConflictError",
    "PermissionDenied",
    "FileStoreError",
    "DatabaseUnavailableError",
]
