"""What each role may use on the laptop: the one table the window's menus,
the child record's tabs and their buttons read (docs/roles.md, "On the
laptop"). Screens a role may not use are left out, never shown disabled.

The central record decides what each role may *do* (sync.server.roles);
this table only decides what the laptop offers, so it never grants what
the service would refuse. A laptop that does not know its role yet (before
its first sync with a central record that says, `desktop.account`) offers
what every laptop offered before roles: the social worker's screens.
"""

from __future__ import annotations

from enum import StrEnum


class Capability(StrEnum):
    #: the caseload, the child's record and its tabs, visits, printing
    casework = "casework"
    #: the police pack of a missing child (the Missing tab's "Share the
    #: police pack"): intelligence social care prepares for the police
    police_pack = "police_pack"
    #: the team's children, overdue work and sign-off (a manager's)
    team_view = "team_view"
    #: who viewed, edited or shared a child's record (read online)
    audit_trail = "audit_trail"
    #: break-the-glass: a child off the caseload, opened online for a time
    temporary_access = "temporary_access"


_CASEWORK = frozenset({Capability.casework, Capability.police_pack, Capability.temporary_access})

BY_ROLE: dict[str, frozenset[Capability]] = {
    "social_worker": _CASEWORK,
    # Outreach health workers hold some of the same children; the police
    # pack is social care's to prepare and share (health shares through
    # its own safeguarding lead, recorded on the Sharing tab).
    "health_worker": frozenset({Capability.casework, Capability.temporary_access}),
    "team_manager": _CASEWORK | {Capability.team_view, Capability.audit_trail},
    "coordinator": _CASEWORK | {Capability.audit_trail},
}

# Before the role is known (see the module's docstring).
UNKNOWN_ROLE = "social_worker"


def capabilities(role: str | None) -> frozenset[Capability]:
    """What `role` may use; a role this laptop does not know (a newer
    service's, or partner and administrator, who hold no laptop) gets
    nothing beyond casework."""
    if role is None:
        return BY_ROLE[UNKNOWN_ROLE]
    return BY_ROLE.get(role, frozenset({Capability.casework}))


def may_use(role: str | None, capability: Capability) -> bool:
    return capability in capabilities(role)


_WORDS = {
    Capability.casework: "The caseload and a child's record",
    Capability.police_pack: "A missing child's police pack",
    Capability.team_view: "The team's children and sign-off",
    Capability.audit_trail: "Who saw or shared a child's record",
    Capability.temporary_access: "A child off the caseload, for a time",
}
_ROLE_WORDS = {
    "social_worker": "Social worker",
    "health_worker": "Health worker",
    "team_manager": "Team manager",
    "coordinator": "Coordinator",
}


def markdown_table() -> str:
    """The table as docs/roles.md shows it (a test keeps the two the same)."""
    lines = ["| On the laptop | " + " | ".join(_ROLE_WORDS[r] for r in BY_ROLE) + " |"]
    lines.append("|---|" + "---|" * len(BY_ROLE))
    for cap in Capability:
        marks = ["yes" if cap in BY_ROLE[r] else "—" for r in BY_ROLE]
        lines.append(f"| {_WORDS[cap]} (`{cap.value}`) | " + " | ".join(marks) + " |")
    return "\n".join(lines)
