"""What the status bar says about the connection after a failed sync."""

from __future__ import annotations

import pytest

from sync.errors import NoNetwork, RateLimited, ServerRejected, ServerUnreachable
from ui.status_bar import Connection
from ui.sync_scheduler import connection_after


@pytest.mark.parametrize(
    ("exc", "state"),
    [
        (NoNetwork("no network"), Connection.offline),
        (ServerUnreachable("no answer"), Connection.unreachable),
        # The central record answered: the connection is fine, the sync was refused.
        (RateLimited("slow down"), Connection.online),
        (ServerRejected("refused"), Connection.online),
        # A fault on this laptop says nothing about the network.
        (OSError("disk full"), None),
    ],
)
def test_a_failed_sync_names_the_right_connection_state(exc, state):
    assert connection_after(exc) is state
