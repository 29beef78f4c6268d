"""0016: Sign-in with the council's identity provider (OpenID Connect), and
recovery codes.

- `identities`: which account each of the provider's subjects is, keyed by
  (issuer, subject), as `sync.server.identities` links them at a first
  sign-in.
- `devices.signed_in_at` and `devices.signed_in_via` ('password' or
  'provider'): when the device's worker last signed in for it (enrolment or
  `POST /auth/renew`), and how. Existing devices have neither: the renewal
  rule (`sign_in_needed`) applies to devices enrolled through the provider.
- `recovery_codes`: the one-time codes an administrator issues for a device
  (`sync.server.recovery_codes`); only their hash is stored.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identities",
        sa.Column("issuer", sa.String(400), primary_key=True),
        sa.Column("subject", sa.String(255), primary_key=True),
        sa.Column("worker_id", sa.Integer, sa.ForeignKey("workers.id"), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.Index("identities_worker", "worker_id"),
    )
    op.add_column("devices", sa.Column("signed_in_at", sa.DateTime(timezone=True)))
    op.add_column("devices", sa.Column("signed_in_via", sa.String(20)))
    op.create_table(
        "recovery_codes",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("device_id", sa.String(36), sa.ForeignKey("devices.id"), nullable=False),
        sa.Column("issued_by", sa.Integer, sa.ForeignKey("workers.id")),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True)),
        sa.Index("recovery_codes_device", "device_id"),
    )


def downgrade() -> None:
    op.drop_table("recovery_codes")
    # Plain columns without keys: SQLite drops them in place.
    op.drop_column("devices", "signed_in_via")
    op.drop_column("devices", "signed_in_at")
    op.drop_table("identities")
