"""Alembic environment, driven programmatically by sync.server.db."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from sync.server.schema import metadata

config = context.config


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("alembic: give sqlalchemy.url or a connection")
    engine = create_engine(url)
    with engine.begin() as conn:
        _run(conn)
