"""Writers in parallel on PostgreSQL: change sequence numbers from a
sequence, each writing transaction's last one in `change_batches` under its
transaction id, so a reader can tell how far every change is final (see
sync.server.sequence). SQLite keeps its single writer and the counter row.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Session advisory lock key held only while a transaction is given its
# transaction id and its block of sequence numbers (a few microseconds).
_TAKE = """
CREATE FUNCTION take_change_seqs(n bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    top bigint;
    my_xid bigint;
BEGIN
    IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
        RAISE EXCEPTION 'take_change_seqs: take every sequence number of a transaction '
            'in one call, before its first write';
    END IF;
    PERFORM pg_advisory_lock(7415920330118240001);
    BEGIN
        my_xid := pg_current_xact_id()::text::bigint;
        top := nextval('change_seq') + n - 1;
        IF n > 1 THEN
            PERFORM setval('change_seq', top);
        END IF;
    EXCEPTION WHEN OTHERS THEN
        PERFORM pg_advisory_unlock(7415920330118240001);
        RAISE;
    END;
    PERFORM pg_advisory_unlock(7415920330118240001);
    INSERT INTO change_batches (xid, last_seq) VALUES (my_xid, top);
    IF top / 1000 > (top - n) / 1000 THEN
        -- Every thousand numbers, forget the batches no reader can need
        -- any more (see sync.server.sequence): those below the newest
        -- other committed batch under the oldest running transaction of
        -- the whole server. Rows another cleanup holds are left to it.
        DELETE FROM change_batches WHERE change_batches.xid IN (
            SELECT b.xid FROM change_batches b
            WHERE b.xid <> my_xid AND b.xid < (
                SELECT k.xid FROM change_batches k
                WHERE k.xid <> my_xid
                  AND k.xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
                ORDER BY k.xid DESC LIMIT 1)
            FOR UPDATE SKIP LOCKED);
    END IF;
    RETURN top;
END $$
"""


def upgrade() -> None:
    op.create_table(
        "change_batches",
        sa.Column("xid", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    top = op.get_bind().execute(sa.text("SELECT value FROM counters WHERE name = 'change'"))
    start = top.scalar_one()
    op.execute(f"CREATE SEQUENCE change_seq START WITH {start + 1}")
    # Everything numbered so far is committed: the watermark starts there.
    op.execute(f"INSERT INTO change_batches (xid, last_seq) VALUES (0, {start})")
    op.execute(_TAKE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE counters SET value = (SELECT coalesce(max(last_seq), 0) FROM change_batches) "
            "WHERE name = 'change'"
        )
        op.execute("DROP FUNCTION take_change_seqs(bigint)")
        op.execute("DROP SEQUENCE change_seq")
    op.drop_table("change_batches")
