"""Need to know on the central record: which rows of `records` a worker of
an agency may receive, as SQL the feed filters with (the rule itself is
`sync.kinds.restriction`; the column is `records.restricted_to`)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.kinds.restriction import column_matches
from sync.server.schema import records, workers


def visible(agency: str) -> sa.ColumnElement[bool]:
    """Records a worker of `agency` may see: unrestricted, or restricted to
    agencies that include theirs."""
    column = records.c.restricted_to
    return sa.or_(column.is_(None), column.like(column_matches(agency)))


def sendable(agency: str) -> sa.ColumnElement[bool]:
    """Changes the ordered stream says something about to a worker of
    `agency`: the record itself, or its withdrawal (see `sync.server.feed`)."""
    return sa.or_(visible(agency), records.c.rev > 1)


def agency_of(conn: Connection, worker_id: int) -> str:
    return conn.execute(sa.select(workers.c.agency).where(workers.c.id == worker_id)).scalar_one()
