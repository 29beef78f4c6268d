"""0017: Leavers removed by the council's identity provider (SCIM 2.0).

The provider's provisioning holds a bearer token the operator made with
`central-record scim-token` (only its digest is kept, in `scim_tokens`).
An account may carry the provider's own id for it (`external_id`) and a
display name, and may be deleted by the provider (`deprovisioned_at`):
the row stays, disabled, for the record's history, and SCIM answers 404
for it from then on.

Existing accounts get none of these: the provider finds them by name.
An audit action may be 40 characters (`account_deactivated_by_provider`
is 31).

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scim_tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
    )
    op.add_column("workers", sa.Column("external_id", sa.String(200)))
    op.add_column("workers", sa.Column("display_name", sa.String(200)))
    op.add_column("workers", sa.Column("deprovisioned_at", sa.DateTime(timezone=True)))
    op.create_index("workers_external_id", "workers", ["external_id"])
    with op.batch_alter_table("audit_events") as batch:
        batch.alter_column(
            "action", type_=sa.String(40), existing_type=sa.String(30), existing_nullable=False
        )


_SHORTER = {
    "account_deactivated_by_provider": "provider_deactivated",
    "account_reactivated_by_provider": "provider_reactivated",
}


def downgrade() -> None:
    for long, short in _SHORTER.items():
        op.execute(
            sa.text("UPDATE audit_events SET action = :short WHERE action = :long").bindparams(
                short=short, long=long
            )
        )
    with op.batch_alter_table("audit_events") as batch:
        batch.alter_column(
            "action", type_=sa.String(30), existing_type=sa.String(40), existing_nullable=False
        )
    op.drop_index("workers_external_id", "workers")
    op.drop_column("workers", "deprovisioned_at")
    op.drop_column("workers", "display_name")
    op.drop_column("workers", "external_id")
    op.drop_table("scim_tokens")
