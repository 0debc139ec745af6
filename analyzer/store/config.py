"""Where the data lives: the database URL and the document files folder.

Resolved from the environment each time it is asked, so tests and deployments
can point elsewhere without code changes:

- ``KETENLENS_DATABASE_URL``: any SQLAlchemy URL, e.g. ``postgresql+psycopg://user:pw@host/db``
  (``postgresql://`` and ``postgres://`` are read as psycopg 3, the driver that is installed).
  Default: the SQLite file ``$XDG_DATA_HOME/ketenlens/ketenlens.sqlite``, with
  ``~/.local/share`` when ``XDG_DATA_HOME`` is unset (the XDG base-directory rule).
- ``KETENLENS_FILES_DIR``: the folder for uploaded document bytes. Default: ``files/`` next to
  the SQLite file, or ``<data dir>/files`` for a server database.

Everything stays on this machine unless the URL says otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from analyzer.store.errors import DatabaseUnavailableError

DATABASE_ENV = "KETENLENS_DATABASE_URL"
FILES_ENV = "KETENLENS_FILES_DIR"
DATABASE_FILE = "ketenlens.sqlite"
FILES_FOLDER = "files"


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """The user's ketenlens data folder (not created here)."""
    env = os.environ if env is None else env
    xdg = env.get("XDG_DATA_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / "ketenlens"


def database_url(env: Mapping[str, str] | None = None) -> URL:
    """The database to use: ``KETENLENS_DATABASE_URL``, else the default SQLite file."""
    env = os.environ if env is None else env
    raw = env.get(DATABASE_ENV, "").strip()
    if not raw:
        return make_url(f"sqlite:///{data_dir(env) / DATABASE_FILE}")
    return normalise_url(raw)


def normalise_url(raw: str | URL) -> URL:
    """Parse a URL and point plain PostgreSQL URLs at psycopg 3."""
    try:
        url = make_url(raw)
    except ArgumentError:
        raise DatabaseUnavailableError(
            f"{DATABASE_ENV} is not a database URL; use e.g. postgresql+psycopg://user:password@host/dbname"
        ) from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def sqlite_path(url: URL) -> Path | None:
    """The file behind a SQLite URL; None for another database or an in-memory SQLite."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def files_dir(url: URL, env: Mapping[str, str] | None = None) -> Path:
    """Folder for document bytes: ``KETENLENS_FILES_DIR``, else beside the SQLite file, else the data dir."""
    env = os.environ if env is None else env
    if env.get(FILES_ENV, "").strip():
        return Path(env[FILES_ENV].strip()).expanduser()
    path = sqlite_path(url)
    return (path.parent if path is not None else data_dir(env)) / FILES_FOLDER
