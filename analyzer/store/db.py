"""Engine, sessions and migrations: how the store talks to its database.

Migrations run from code, without an ``alembic.ini``: ``upgrade(engine)`` builds
an Alembic ``Config`` pointing at ``analyzer/store/migrations`` and hands it the
engine's connection, so the app and the tests bring any database (a new SQLite
file or an existing PostgreSQL one) to the latest schema with one call, and
there is no second place where the URL must be configured.

To write a new migration after changing ``models.py``::

    from alembic import command
    from analyzer.store.db import alembic_config, make_engine
    engine = make_engine("sqlite:////tmp/scratch.sqlite")  # at the current head: upgrade(engine) first
    command.revision(alembic_config(engine), message="what changed", autogenerate=True)

then read and edit the generated file under ``migrations/versions/``.

SQLite is opened with foreign keys on (SQLite ignores them otherwise, and the
cascade deletes depend on them), in WAL mode (the app's readers do not block a
writer), and with a busy timeout so concurrent sessions wait instead of failing.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.exc import NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from analyzer.store.config import DATABASE_ENV, database_url, normalise_url, sqlite_path
from analyzer.store.errors import DatabaseUnavailableError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_SECONDS = 15


def make_engine(url: str | URL | None = None, **kwargs) -> Engine:
    """An engine for ``url`` (default: ``config.database_url()``), with SQLite set up as described above.

    Creates the folder of a SQLite file. Extra keyword arguments go to ``create_engine``.
    """
    url = database_url() if url is None else normalise_url(url)
    path = sqlite_path(url)
    if path is not None:
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseUnavailableError(f"cannot create the database folder {path.parent}: {exc.strerror}; "
                                           f"set {DATABASE_ENV} or XDG_DATA_HOME to a writable place") from None
    try:
        engine = create_engine(url, **kwargs)
    except NoSuchModuleError:
        raise DatabaseUnavailableError(f"no driver for database URL scheme {url.drivername!r}; "
                                       f"use sqlite:///PATH or postgresql+psycopg://...") from None
    except ImportError as exc:
        raise DatabaseUnavailableError(f"the database driver is not installed ({exc.name}); "
                                       f"run: pip install -r requirements-store.txt") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_SECONDS * 1000}")
        cursor.execute("PRAGMA journal_mode = WAL")  # answers 'memory' for in-memory databases; that is fine
    finally:
        cursor.close()


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic configuration built in code (no alembic.ini), for ``engine`` when given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    if engine is not None:
        config.attributes["engine"] = engine  # read by migrations/env.py
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` (default: the newest), creating every table on a new database."""
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    except OperationalError as exc:
        raise DatabaseUnavailableError(f"cannot open the database {_shown(engine)}: {_first_line(exc)}; "
                                       f"check {DATABASE_ENV} and that the server is running") from None
    except SQLAlchemyError as exc:
        raise DatabaseUnavailableError(f"cannot migrate the database {_shown(engine)}: {_first_line(exc)}") from None


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None for a database that was never migrated)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest migration in ``migrations/versions``."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit (the UI reads them after the service returns)."""
    return sessionmaker(engine, expire_on_commit=False)


def _shown(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _first_line(exc: Exception) -> str:
    original = getattr(exc, "orig", None) or exc
    return (str(original).strip().splitlines() or [type(original).__name__])[0]
