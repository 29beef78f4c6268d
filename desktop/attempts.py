"""The count of wrong passphrases in a row, shared by every process on the profile.

An unlock is counted *before* its Argon2id step and uncounted when the
passphrase turns out right, so attempts running at once (several windows,
scripts, an attacker's loop) each take a place in the count before they may
guess. The count is read and written only while `locked()` holds an
exclusive `flock` on `unlock.lock` in the profile; the kernel releases it
when a process dies, so a killed attempt can never leave the profile stuck
— it simply stays counted.

The count is not a secret and lives in the profile beside the lock
(`unlock-attempts`, replaced atomically, mode 0600), not in the keyring
entry: the keyring costs ~15 ms a read or write over D-Bus, and counting
there would add four round trips to every unlock. Anyone who could reset
the file could as well rewrite the keyring entry (both belong to the
worker's own desktop session), so the keyring would protect it no better.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from desktop.profile import write_private_file

LOCK_FILE = "unlock.lock"
COUNT_FILE = "unlock-attempts"


class AttemptCount:
    """Wrong passphrases in a row for one profile directory."""

    def __init__(self, profile_dir: Path) -> None:
        self.lock_path = profile_dir / LOCK_FILE
        self.count_path = profile_dir / COUNT_FILE

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the profile's attempt lock. Callers hold it only to read and
        write the count, never across Argon2id: attempts still run in
        parallel, each counted first."""
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    def read(self) -> int:
        """The count now (hold `locked()` to act on it). A missing file is 0;
        an unreadable one cannot come from our atomic writes, and counts as
        no attempts rather than wiping a worker's unsent notes."""
        try:
            return max(0, int(self.count_path.read_text(encoding="ascii").strip() or 0))
        except FileNotFoundError:
            return 0
        except (ValueError, UnicodeDecodeError):
            return 0

    def write(self, count: int) -> None:
        """Store the count (hold `locked()`); 0 removes the file."""
        if count <= 0:
            self.count_path.unlink(missing_ok=True)
        else:
            write_private_file(self.count_path, str(count))
