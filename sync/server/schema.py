"""The central record's tables (SQLAlchemy Core). Alembic migrations in
sync/server/migrations create and change them; this module is what the code
queries against, and a test checks the two agree."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

workers = sa.Table(
    "workers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # A `roles.Role` code; what the account may do is `roles.GRANTS[role]`.
    sa.Column("role", sa.String(20), nullable=False, server_default="social_worker"),
    # A `sync.kinds.common.Agency` code: the agency the account works for.
    sa.Column("agency", sa.String(30), nullable=False, server_default="csc"),
    sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id"), index=True),
    # When an administrator disabled the account (`accounts.set_disabled`):
    # it cannot sign in and its laptops are refused, until enabled (NULL).
    sa.Column("disabled_at", sa.DateTime(timezone=True)),
)

# A team and its manager (a team manager's account; none until one is named).
# The manager's key is added after both tables exist: each names the other.
teams = sa.Table(
    "teams",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column(
        "manager_id",
        sa.Integer,
        sa.ForeignKey("workers.id", use_alter=True, name="teams_manager_id_fkey"),
    ),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

devices = sa.Table(
    "devices",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("worker_id", sa.Integer, sa.ForeignKey("workers.id"), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
    sa.Column("escrow", sa.LargeBinary),  # AES-GCM under the server's escrow key
    sa.Column("last_seen", sa.DateTime(timezone=True)),
    # The Caseworker-Version header of its latest request (`auth.seen`).
    sa.Column("client_version", sa.String(20)),
    # When its worker last signed in for it (enrolment, `POST /auth/renew`)
    # and how: 'password' or 'provider' (`sync.server.identities`).
    sa.Column("signed_in_at", sa.DateTime(timezone=True)),
    sa.Column("signed_in_via", sa.String(20)),
)

assignments = sa.Table(
    "assignments",
    metadata,
    sa.Column("worker_id", sa.Integer, sa.ForeignKey("workers.id"), primary_key=True),
    sa.Column("child_id", sa.String(36), primary_key=True, index=True),
    # Why the worker holds the child: `caseload.ALLOCATED` or `caseload.TEAM`.
    sa.Column("via", sa.String(20), nullable=False, server_default="allocated"),
)

# One sequence space for record changes and caseload changes (see
# sync.server.sequence). On SQLite, the counter row, taken first in every
# write transaction; on PostgreSQL, the `change_seq` sequence, and each
# writing transaction's last number under its transaction id.
counters = sa.Table(
    "counters",
    metadata,
    sa.Column("name", sa.String(20), primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False),
)

change_batches = sa.Table(
    "change_batches",
    metadata,
    sa.Column("xid", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("last_seq", sa.BigInteger, nullable=False),
)

assignment_events = sa.Table(
    "assignment_events",
    metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("worker_id", sa.Integer, nullable=False),
    sa.Column("child_id", sa.String(36), nullable=False),
    sa.Column("assigned", sa.Boolean, nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("via", sa.String(20), nullable=False, server_default="allocated"),
    sa.Index("assignment_events_worker_seq", "worker_id", "seq"),
)

records = sa.Table(
    "records",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("child_id", sa.String(36), nullable=False),
    sa.Column("rev", sa.Integer, nullable=False),
    sa.Column("deleted", sa.Boolean, nullable=False, default=False),
    sa.Column("updated_at", sa.String(40), nullable=False),
    sa.Column("updated_by", sa.String(200), nullable=False),
    sa.Column("data", sa.Text, nullable=False),  # JSON validated by sync.kinds
    sa.Column("change_seq", sa.BigInteger, nullable=False, unique=True),
    # The agencies that may see the record, as `sync.kinds.restriction.
    # column_value` writes them (',csc,police,'); NULL for every agency. The
    # feed filters on it in SQL; the data keeps the list itself.
    sa.Column("restricted_to", sa.String(400)),
    sa.Index("records_child_seq", "child_id", "change_seq"),
    sa.Index("records_restricted_to", "restricted_to"),
)

revisions = sa.Table(
    "revisions",
    metadata,
    sa.Column("record_id", sa.String(36), primary_key=True),
    sa.Column("rev", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("child_id", sa.String(36), nullable=False),
    sa.Column("deleted", sa.Boolean, nullable=False),
    sa.Column("updated_at", sa.String(40), nullable=False),
    sa.Column("updated_by", sa.String(200), nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("mutation_id", sa.String(36)),
)

# Mutation ids are the device's own: one device's id means nothing to
# another (a replay of someone else's id must never return their record).
mutations = sa.Table(
    "mutations",
    metadata,
    sa.Column("device_id", sa.String(36), primary_key=True),
    sa.Column("mutation_id", sa.String(36), primary_key=True),
    sa.Column("result", sa.Text, nullable=False),  # the first MutationResult, JSON
    # sha256 of what the mutation carried, so a reused id with other content
    # is told apart from a retry; NULL for mutations stored before 0003.
    sa.Column("content_hash", sa.String(64)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

audit_events = sa.Table(
    "audit_events",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("source", sa.String(10), nullable=False),  # client | server
    sa.Column("worker_id", sa.Integer),
    sa.Column("device_id", sa.String(36)),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("action", sa.String(30), nullable=False),
    sa.Column("child_id", sa.String(36)),
    sa.Column("record_id", sa.String(36)),
    sa.Column("detail", sa.String(200)),
    # When the central record received it: a laptop's events arrive at its
    # next sync, long after `at` when it was offline. NULL before 0008.
    sa.Column("received_at", sa.DateTime(timezone=True)),
    sa.Index("audit_events_child_at", "child_id", "at", "id"),
)

policy = sa.Table(
    "policy",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("idle_lock_minutes", sa.Integer, nullable=False),
    sa.Column("unlock_attempt_limit", sa.Integer, nullable=False),
    sa.Column("max_offline_days", sa.Integer, nullable=False),
    sa.Column("min_client_version", sa.String(20), nullable=False),
    sa.Column("edit_grace_days", sa.Integer, nullable=False, server_default="14"),
    sa.Column("workers_may_create_children", sa.Boolean, nullable=False, server_default=sa.false()),
    # Not in the wire's Policy (older laptops refuse unknown fields there):
    # how long a break-the-glass grant lasts; 0 = not allowed (sync.server.glass).
    sa.Column("temporary_access_hours", sa.Integer, nullable=False, server_default="24"),
    # The web console's (sync.server.console): minutes without a request
    # before a session ends, and the council's name in its header.
    sa.Column("console_idle_minutes", sa.Integer, nullable=False, server_default="15"),
    sa.Column("council_name", sa.String(200), nullable=False, server_default="The council"),
)

login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("key", sa.String(300), primary_key=True),  # "worker:<sha256>" | "addr:<ip>"
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("locked_until", sa.DateTime(timezone=True)),
)

# The council's due-date rules and screening tools (sync.kinds.council), one
# row per load: each version holds everything in force from then on, so the
# newest row is what laptops are served and the rest is the history.
council_rules = sa.Table(
    "council_rules",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("loaded_by", sa.String(200), nullable=False),
    sa.Column("changed", sa.String(20), nullable=False),  # due_rules | tools
    sa.Column("due_rules", sa.Text, nullable=False),  # JSON object: the council's overrides
    sa.Column("tools", sa.Text, nullable=False),  # JSON list: the council's tools
)

# Break-the-glass grants (sync.server.glass): who, when, why, until when, and
# the assignment event the grant made, so its expiry ends only that hold.
temporary_access = sa.Table(
    "temporary_access",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("worker_id", sa.Integer, sa.ForeignKey("workers.id"), nullable=False),
    sa.Column("device_id", sa.String(36)),
    sa.Column("child_id", sa.String(36), nullable=False, index=True),
    sa.Column("reason", sa.Text, nullable=False),  # case content: never logged
    sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
    # When the hold ended (expiry, or made permanent by an assignment); NULL in force.
    sa.Column("ended_at", sa.DateTime(timezone=True)),
    sa.Column("assigned_seq", sa.BigInteger, nullable=False),
    sa.Index("temporary_access_worker", "worker_id", "ended_at"),
)

# A child a worker proposed from a laptop (sync.server.referrals).
referrals = sa.Table(
    "referrals",
    metadata,
    sa.Column("child_id", sa.String(36), primary_key=True),
    sa.Column("worker_id", sa.Integer, sa.ForeignKey("workers.id"), nullable=False),
    sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("state", sa.String(10), nullable=False),  # proposed | accepted | merged | declined
    sa.Column("decided_at", sa.DateTime(timezone=True)),
    sa.Column("decided_by", sa.String(200)),
    sa.Column("merged_into", sa.String(36)),
)

# Which child a merged-away child now is (sync.server.children.merge).
child_merges = sa.Table(
    "child_merges",
    metadata,
    sa.Column("child_id", sa.String(36), primary_key=True),
    sa.Column("into_id", sa.String(36), nullable=False),
    sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("merged_by", sa.String(200), nullable=False),
)

# What partner agencies reported through the console (sync.server.
# partner_reports): who reported what about which child, when, and how far
# it has come. The child's details and the record's data are as the partner
# gave them (case content: never logged); `child_id` and `record_id` say
# where it landed.
partner_reports = sa.Table(
    "partner_reports",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("reporter_id", sa.Integer, sa.ForeignKey("workers.id"), nullable=False),
    sa.Column("agency", sa.String(30), nullable=False),
    sa.Column("report_type", sa.String(20), nullable=False),
    sa.Column("child", sa.Text, nullable=False),  # JSON: names, date of birth, NHS number
    sa.Column("data", sa.Text, nullable=False),  # JSON: the record's data as reported
    sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
    # received | matched | recorded | declined (`partner_reports.Status`)
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("child_id", sa.String(36)),
    sa.Column("record_id", sa.String(36)),
    # Why a matched report is not yet on the record (the record's own rules),
    # for the central team; never shown to the partner.
    sa.Column("held_back", sa.String(500)),
    sa.Column("decided_at", sa.DateTime(timezone=True)),
    sa.Column("decided_by", sa.String(200)),
    sa.Index("partner_reports_reporter", "reporter_id", "submitted_at"),
    sa.Index("partner_reports_status", "status", "submitted_at"),
)

# Derived from the current revision of each record, rewritten with it by
# `revisions.write_revisions` (sync.server.trend_rows): what the console's
# trends and hotspots count, so they read narrow indexed rows instead of
# parsing a million records' JSON on every page. Nothing here is new
# information; `trend_rows.rebuild` makes both tables again from `records`.
#
# One row per current missing episode, missing-education episode and
# screening: the England day it is dated by (an episode's start, the day the
# council was told, the screening's date), a missing-education episode's
# closing day, a screening's level, and a return home interview's due and
# done moments (UTC, 'YYYY-MM-DDTHH:MM:SS', so they compare as text).
trend_events = sa.Table(
    "trend_events",
    metadata,
    sa.Column("record_id", sa.String(36), primary_key=True),
    sa.Column("child_id", sa.String(36), nullable=False, index=True),
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("day", sa.String(10), nullable=False),
    sa.Column("closed_day", sa.String(10)),
    sa.Column("level", sa.String(20)),
    sa.Column("rhi_due", sa.String(19)),
    sa.Column("rhi_done", sa.String(19)),
    sa.Column("restricted_to", sa.String(400)),
    sa.Index("trend_events_kind_day", "kind", "day"),
)

# One row per place, person or vehicle a current record names
# (`sync.kinds.mentions`), under its normalised key.
hotspot_mentions = sa.Table(
    "hotspot_mentions",
    metadata,
    sa.Column("record_id", sa.String(36), primary_key=True),
    sa.Column("what", sa.String(10), primary_key=True),
    sa.Column("key", sa.String(520), primary_key=True),
    sa.Column("child_id", sa.String(36), nullable=False, index=True),
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("label", sa.String(520), nullable=False),
    sa.Column("day", sa.String(10), nullable=False),
    sa.Column("restricted_to", sa.String(400)),
    sa.Index("hotspot_mentions_what_key", "what", "key", "child_id"),
)

# hotspot_mentions folded to one row per thing and child (and restriction):
# how often and when last the child's records name it. A hotspot's children
# in a period are the rows last named since its start, so the page counts
# tens of thousands of rows, not every mention of a million records.
hotspot_children = sa.Table(
    "hotspot_children",
    metadata,
    sa.Column("what", sa.String(10), primary_key=True),
    sa.Column("key", sa.String(520), primary_key=True),
    sa.Column("child_id", sa.String(36), primary_key=True),
    # '' for no restriction: part of the key, so never NULL
    sa.Column("restricted_to", sa.String(400), primary_key=True),
    sa.Column("label", sa.String(520), nullable=False),
    sa.Column("mentions", sa.Integer, nullable=False),
    sa.Column("last_day", sa.String(10), nullable=False),
    sa.Index("hotspot_children_child", "child_id"),
)

# A web console sign-in (sync.server.console.sessions): only the token's
# hash is kept. `ended_why`: signed_out | idle | lifetime | refused.
console_sessions = sa.Table(
    "console_sessions",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("worker_id", sa.Integer, sa.ForeignKey("workers.id"), nullable=False),
    sa.Column("method", sa.String(20), nullable=False),  # password | oidc
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ended_at", sa.DateTime(timezone=True)),
    sa.Column("ended_why", sa.String(20)),
    sa.Index("console_sessions_worker", "worker_id", "ended_at"),
)

# An exploitation (MACE) meeting while it is prepared and held
# (sync.server.meetings): state 'open' or 'final'; `minutes` the agenda,
# attendance and each child's part (`meetings.Minutes` as JSON).
mace_meetings = sa.Table(
    "mace_meetings",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("meeting_date", sa.Date, nullable=False),
    sa.Column("state", sa.String(10), nullable=False),
    sa.Column("minutes", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finalised_at", sa.DateTime(timezone=True)),
    sa.Column("finalised_by", sa.String(200)),
    sa.Index("mace_meetings_date", "meeting_date"),
)

# Which account each of the identity provider's subjects is
# (sync.server.identities), linked at the subject's first sign-in.
identities = sa.Table(
    "identities",
    metadata,
    sa.Column("issuer", sa.String(400), primary_key=True),
    sa.Column("subject", sa.String(255), primary_key=True),
    sa.Column("worker_id", sa.Integer, sa.ForeignKey("workers.id"), nullable=False),
    sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("identities_worker", "worker_id"),
)

# One-time codes an administrator issues for a device's password recovery
# (sync.server.recovery_codes); only a hash of each is kept.
recovery_codes = sa.Table(
    "recovery_codes",
    metadata,
    sa.Column("code_hash", sa.String(64), primary_key=True),
    sa.Column("device_id", sa.String(36), sa.ForeignKey("devices.id"), nullable=False),
    sa.Column("issued_by", sa.Integer, sa.ForeignKey("workers.id")),
    sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("used_at", sa.DateTime(timezone=True)),
    sa.Index("recovery_codes_device", "device_id"),
)
