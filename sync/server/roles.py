"""Who may do what on the central record: the roles of its accounts, the
permissions, and the one table that grants permissions to roles.

Every endpoint declares the one permission it needs (see `app`, through
`permits`), and nothing else in the service decides by role. Which records
a permitted worker reaches is a second question, answered per record by
the caseload (`caseload.holds`, the feed): a social worker may pull, but
only their own caseload.

Later parts slot in here: a new permission (a manager's team feed, a
break-the-glass grant, reading the audit trail back, a partner's
submission) is a member of `Permission`, a line in `GRANTS` for each role
that holds it, and `permits(...)` on its endpoints. docs/roles.md is
generated from this table and the app's routes
(`python -m sync.server.roles_doc`); a test keeps the two the same.
"""

from __future__ import annotations

from sync.kinds.common import Agency, Choice


class Role(Choice):
    social_worker = "social_worker", "Social worker"
    health_worker = "health_worker", "Health worker"
    team_manager = "team_manager", "Team manager"
    # The central team that keeps the record and chairs the exploitation meetings.
    coordinator = "coordinator", "Coordinator"
    # A school, police or health contact: submits to the record (the console,
    # a later part), never reads it.
    partner = "partner", "Partner"
    administrator = "administrator", "Administrator"
    # The council's performance or intelligence analyst: reads council-wide
    # trends and hotspots de-identified (counts, small ones suppressed), and
    # nothing else. Neither a coordinator (who sees the children's names) nor
    # a partner (who submits reports) reads only that.
    analyst = "analyst", "Analyst"


class Permission(Choice):
    use_laptop = (
        "use_laptop",
        "Enrol a laptop and keep it: its key escrow, the device policy, its audit upload",
    )
    read_caseload = "read_caseload", "Receive their caseload's records and their history"
    write_caseload = "write_caseload", "Send records of children on their caseload"
    # Coordinators read any child's; a team manager, the children their
    # team's members hold (`audit_trail.manages_holder`), asked per child.
    read_audit = (
        "read_audit",
        "Read back who viewed, edited, exported, printed, shared or received a child's record",
    )
    break_glass = (
        "break_glass",
        "Find a child off their caseload and open it for a time, stating why (break-the-glass)",
    )
    # The coordinator's exploitation (MACE) meetings in the console: prepare,
    # record, finalise (each child's `meeting` record written) and print them.
    run_meetings = (
        "run_meetings",
        "Prepare, record and finalise exploitation (MACE) meetings; print agenda and minutes",
    )
    # Console administration: accounts, teams, devices, the policy and the
    # council's rules and tools. None of it is case data: an administrator
    # still reads no child (the console's administration pages name
    # children by id only, and only where an account or device needs it).
    administer = (
        "administer",
        "Administer the central record in the console: accounts, teams, devices, "
        "the device policy, due-date rules and screening tools",
    )
    # Putting a child on a worker's caseload needs the child identified by
    # name and date of birth, which the central team reads and an
    # administrator must not: so it is the coordinator's, not `administer`.
    assign_caseloads = (
        "assign_caseloads",
        "Assign children to workers' caseloads and take them off, in the console",
    )
    # A partner agency's reports (`partner_reports`): they tell the record
    # of a child and see how far their own reports have come, nothing else.
    # Not the coordinator's: the central team records on the child's record
    # itself, and works the queue of reports under its reading permission.
    submit_reports = (
        "submit_reports",
        "Report a child missing, missing education or of concern, and follow their own reports",
    )
    # The web console (sync.server.console): for those who do not carry a
    # laptop to home visits. Social and health workers do not hold it: their
    # casework lives on the laptop, whose lease, wipe on revoke and
    # encryption at rest a browser on any machine would step around, and no
    # console page is theirs.
    console = "console", "Sign in to the web console"
    # The council-wide daily list, with names: the central team's. A team
    # manager's laptop already holds their team's children; the whole
    # council's list is more than they need to know.
    read_central_list = (
        "read_central_list",
        "Read the daily list of every child missing, missing education or at risk of exploitation",
    )
    # Council-wide counts (sync.server.trends, sync.server.hotspots): who
    # also reads the central list sees the children behind them; everyone
    # else sees them de-identified, small counts suppressed.
    read_trends = (
        "read_trends",
        "Read council-wide trends and hotspots (de-identified, unless they may see the children)",
    )
    # The council's identity provider (`sync.server.scim`): finds, creates,
    # changes and deactivates accounts. No role holds it: only the bearer
    # token the operator makes with `central-record scim-token`
    # (`PROVIDER_TOKEN` below), so no account can deactivate another.
    provision_accounts = (
        "provision_accounts",
        "Find, create, change and deactivate accounts (SCIM, the identity provider's token)",
    )
    # No sign-in at all: a load balancer's and a monitor's questions, which
    # carry no case data (`sync.server.operations`). Every role holds it, as
    # does anyone without an account.
    anyone = (
        "anyone",
        "Ask whether the service is up and ready, and (from the networks allowed) its metrics",
    )


_CASEWORK = frozenset(
    {
        Permission.use_laptop,
        Permission.read_caseload,
        Permission.write_caseload,
        Permission.break_glass,
        Permission.anyone,
    }
)

GRANTS: dict[Role, frozenset[Permission]] = {
    Role.social_worker: _CASEWORK,
    Role.health_worker: _CASEWORK,
    Role.team_manager: _CASEWORK | {Permission.read_audit, Permission.console},
    # Not `administer`: the central team that reads every child does not
    # also make accounts and give roles, so no one account can both grant
    # access and use it unseen (a council wanting one person to do both
    # gives them two accounts, each audited).
    Role.coordinator: _CASEWORK
    | {
        Permission.read_audit,
        Permission.console,
        Permission.read_central_list,
        Permission.assign_caseloads,
        Permission.run_meetings,
        Permission.read_trends,
    },
    # Administration is the `central-record` command on the service's host
    # and the console's administration pages: an administrator reads no
    # case data.
    Role.administrator: frozenset({Permission.anyone, Permission.console, Permission.administer}),
    # Partners sign in to the console to report and read the council's counts
    # (de-identified); of the record they read nothing else, and every laptop
    # endpoint refuses them.
    Role.partner: frozenset(
        {Permission.anyone, Permission.console, Permission.submit_reports, Permission.read_trends}
    ),
    Role.analyst: frozenset({Permission.anyone, Permission.console, Permission.read_trends}),
}

# What the identity provider's SCIM token holds (`sync.server.scim`): the
# column of its own in docs/roles.md and the authorisation matrix.
PROVIDER_TOKEN: frozenset[Permission] = frozenset({Permission.provision_accounts})

# The accounts that existed before roles: what the 0006 migration gives
# them, and what `worker add` gives when not told otherwise.
DEFAULT_ROLE = Role.social_worker
DEFAULT_AGENCY = Agency.csc
DEFAULT_TEAM = "Default team"


def may(role: Role | str, permission: Permission) -> bool:
    """Whether `role` holds `permission`. An unknown role (a value stored by
    a newer version, say) holds nothing."""
    try:
        return permission in GRANTS[Role(role)]
    except ValueError:
        return False


# What a refused account reads it may not do, in its words.
_REFUSED = {
    Permission.use_laptop: "use a Caseworker laptop with the central record",
    Permission.read_caseload: "read case records",
    Permission.write_caseload: "send case records",
    Permission.read_audit: "read a child's audit trail",
    Permission.break_glass: "open a child who is not on their caseload",
    Permission.administer: "administer the central record",
    Permission.assign_caseloads: "assign children to caseloads",
    Permission.submit_reports: "report to the central record as a partner agency",
    Permission.read_trends: "read the council's trends and hotspots",
    Permission.console: "sign in to the web console",
    Permission.read_central_list: "read the council's daily list of children",
    Permission.run_meetings: "run exploitation meetings",
    Permission.provision_accounts: "provision accounts (only the identity provider's token may)",
}


def refusal(role: Role | str, permission: Permission) -> str:
    """The plain sentence a refused account reads: its role and what it
    may not do, never anything about a record."""
    try:
        words = f"{Role(role).words} accounts"
    except ValueError:
        words = "This account"
    return f"{words} may not {_REFUSED.get(permission, permission.words.lower())}."
