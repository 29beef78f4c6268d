"""Who is signed in on this laptop, as the central record says (`GET /me`):
the worker's role, agency, team and the team's manager. The sync engine
keeps it in the device meta at every sync (`StoreReplica.save_me`);
the status of the device (`device_status`), the window's "signed in as"
and the screens a role is offered (`desktop.capabilities`) all read it
here, through `signed_in_as`.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlcipher3
from pydantic import ValidationError

from desktop import device
from sync.wire import Me

META_KEY = "me"  # written by StoreReplica.save_me


@dataclass(frozen=True)
class SignedInAs:
    worker: str
    #: a role code of the central record (social_worker, team_manager, ...)
    role: str
    role_words: str
    agency: str
    agency_words: str
    team: str | None = None
    team_manager: str | None = None

    @property
    def words(self) -> str:
        """ "Sam Patel · Team manager · North locality" (the team left out
        for accounts in none)."""
        return " · ".join(p for p in (self.worker, self.role_words, self.team) if p)


def signed_in_as(conn: sqlcipher3.Connection) -> SignedInAs | None:
    """The worker as the last sync heard it; None before the first sync
    with a central record that says (older ones do not)."""
    raw = device.get_meta(conn, META_KEY)
    if raw is None:
        return None
    try:
        account = Me.model_validate_json(raw)
    except ValidationError:
        return None
    return SignedInAs(
        worker=account.worker,
        role=account.role,
        role_words=account.role_words,
        agency=account.agency,
        agency_words=account.agency_words,
        team=account.team,
        team_manager=account.team_manager,
    )
