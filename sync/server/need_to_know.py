"""Need to know on the central record: which rows of `records` a worker of
an agency may receive, as SQL the feed filters with (the rule itself is
`sync.kinds.restriction`; the column is `records.restricted_to`)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.kinds.common import Agency
from sync.kinds.restriction import column_matches
from sync.server.schema import records, workers


def visible(agency: str | sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
    """Records a worker of `agency` may see: unrestricted, or restricted to
    agencies that include theirs. `agency` is a code, or a scalar subquery
    yielding one (`agency_query`), for a statement that reads the worker's
    agency itself.

    A code is written into the statement, not bound: it is one of a closed
    set (checked here), and as a constant it leaves PostgreSQL's generic
    plan of the feed's queries (taken after five executions on one
    connection) as good as its first."""
    column = records.c.restricted_to
    if isinstance(agency, str):
        pattern: sa.ColumnElement[str] = sa.literal_column(f"'{column_matches(Agency(agency))}'")
    else:
        pattern = sa.literal_column("'%,'") + agency + sa.literal_column("',%'")
    return sa.or_(column.is_(None), column.like(pattern))


def sendable(agency: str | sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
    """Changes the ordered stream says something about to a worker of
    `agency`: the record itself, or its withdrawal (see `sync.server.feed`)."""
    return sa.or_(visible(agency), records.c.rev > sa.literal_column("1"))


def agency_query(worker_id: int) -> sa.ScalarSelect[str]:
    """The worker's agency, as a scalar subquery of another statement."""
    return sa.select(workers.c.agency).where(workers.c.id == worker_id).scalar_subquery()


def agency_of(conn: Connection, worker_id: int) -> str:
    return conn.execute(sa.select(workers.c.agency).where(workers.c.id == worker_id)).scalar_one()
