"""Alembic's entry point for ketenlens' migrations (see analyzer/store/db.py).

It runs on the connection that ``db.upgrade`` passes in ``config.attributes``,
or opens one from ``config.attributes["engine"]`` (``db.alembic_config(engine)``,
used to autogenerate revisions). ``render_as_batch`` lets future migrations alter
tables on SQLite, which has no ALTER COLUMN.
"""

from alembic import context

from analyzer.store.db import make_engine
from analyzer.store.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    """Write the SQL instead of running it (``alembic.command.upgrade(config, "head", sql=True)``)."""
    engine = config.attributes.get("engine")
    url = engine.url if engine is not None else make_engine().url
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = config.attributes.get("engine") or make_engine()
    with engine.begin() as connection:
        _run(connection)


if context.is_offline_mode():
    run_offline()
else:
    run_online()
