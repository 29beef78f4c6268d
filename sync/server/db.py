"""Database access for the central record: engines, migrations, bulk
inserts. The change sequence and its write lock are in `sequence`."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

ENV_DB = "CENTRAL_RECORD_DB"
ENV_HOME = "CENTRAL_RECORD_HOME"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class SchemaOutOfDate(RuntimeError):
    pass


def data_dir() -> Path:
    path = Path(os.environ.get(ENV_HOME) or platformdirs.user_data_dir("central-record", False))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def resolve_url(url: str | None) -> str:
    """`--db`, else $CENTRAL_RECORD_DB, else an embedded SQLite file."""
    return url or os.environ.get(ENV_DB) or f"sqlite:///{data_dir() / 'central-record.db'}"


def make_engine(url: str | None = None) -> Engine:
    """An engine for the central record. Statement parameters are hidden from
    every error it raises: they are case content (names, note text), and an
    error's text reaches logs."""
    url = resolve_url(url)
    if url.startswith("sqlite"):
        engine = sa.create_engine(
            url,
            connect_args={"timeout": 30, "check_same_thread": False},
            hide_parameters=True,
        )

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:
            dbapi_conn.isolation_level = None  # SQLAlchemy's begin event starts transactions
            dbapi_conn.execute("PRAGMA journal_mode = WAL")
            dbapi_conn.execute("PRAGMA foreign_keys = ON")
            dbapi_conn.execute("PRAGMA synchronous = NORMAL")

        @sa.event.listens_for(engine, "begin")
        def _sqlite_begin(conn) -> None:
            # pysqlite's deferred BEGIN lets two writers both read, then fail
            # to upgrade; IMMEDIATE makes the second one wait its turn.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # pool_recycle instead of pre-ping: a ping is a round trip on every request.
    # Custom plans always: psycopg prepares a statement on its fifth run, and
    # PostgreSQL's generic plan for a caseload passed as an array can be
    # forty times slower than the plan for the array it is given (a poll went
    # from 32 ms to 1.4 s at 400 children); planning costs well under that.
    # All 30 connections kept, none overflow: an overflow connection is
    # closed when it is returned, so a busy process forked a new PostgreSQL
    # backend for many of its requests (50 polling devices cost PostgreSQL
    # 4.7 ms of CPU per poll against 1.1 ms for one device).
    return sa.create_engine(
        url,
        pool_size=30,
        max_overflow=0,
        pool_recycle=300,
        hide_parameters=True,
        connect_args={"options": "-c plan_cache_mode=force_custom_plan"},
    )


def single_statements(engine: Engine) -> Connection:
    """A connection for reads each of which is one statement standing alone
    (`with single_statements(engine) as conn:`). On PostgreSQL it is in
    autocommit: each statement is its own transaction with its own snapshot,
    and costs one round trip instead of three (BEGIN, the statement, the
    ROLLBACK when the connection goes back to the pool) — what a poll spends
    most of its time on. Elsewhere an ordinary connection."""
    conn = engine.connect()
    if engine.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
    return conn


def _config(connection: Connection | None = None, url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def migrate(engine: Engine) -> str:
    """Upgrade the database to the newest schema; returns the revision."""
    with engine.begin() as conn:
        command.upgrade(_config(conn), "head")
    return head_revision()


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:  # only if the migrations directory were empty
        raise RuntimeError("the service has no schema migrations")
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check_current(engine: Engine, url_hint: str) -> None:
    have, want = current_revision(engine), head_revision()
    if have != want:
        raise SchemaOutOfDate(
            f"The database schema is at revision {have or 'none'}, but this version needs "
            f"{want}. Run: central-record migrate --db {url_hint}"
        )


def insert_rows(conn: Connection, table: sa.Table, rows: list[dict]) -> None:
    """Insert many rows, all with the same keys, in the caller's transaction.

    On PostgreSQL this is one COPY: a push writes three rows per mutation,
    and row-by-row INSERTs (even pipelined) cost about a third of its time.
    Elsewhere, SQLAlchemy's executemany. COPY skips defaults set in Python
    (`Column(default=...)`), so callers give every such column.
    """
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(sa.insert(table), rows)
        return
    columns = list(rows[0])
    names = ", ".join(table.c[c].name for c in columns)
    driver = conn.connection.driver_connection
    if driver is None:  # only once the connection is closed
        raise RuntimeError("bulk insert on a closed connection")
    with (
        driver.cursor() as cursor,
        cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([row[c] for c in columns])


def among(conn: Connection, column: sa.ColumnElement, values: list[str]) -> sa.ColumnElement:
    """`column IN values`. On PostgreSQL one array parameter (`= ANY`), not a
    parameter per value: a push asks this of hundreds of ids, and rendering
    and parsing a statement with that many placeholders cost more than
    running it."""
    if conn.dialect.name == "postgresql":
        return column == sa.any_(sa.literal(list(values), sa.ARRAY(sa.String)))
    return column.in_(values)
