"""The laptop's log: a small rotating file in the profile that a support desk
can ask for, set up once per process by the `caseworker` entry point (the
window and every command-line verb).

What is logged anywhere in the app is events, counts, record ids and error
types — never case content (names, note text), so the file can be sent to
the IT service desk as it is. The file is the worker's own (0600, in a 0700
directory), like everything else in the profile.
"""

from __future__ import annotations

import logging
import os
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

from desktop.profile import Profile

LOG_DIR = "logs"
LOG_FILE = "caseworker.log"
MAX_BYTES = 1024 * 1024
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_file_handler: _PrivateRotatingFile | None = None
_stderr_handler: logging.Handler | None = None


class _PrivateRotatingFile(RotatingFileHandler):
    """A RotatingFileHandler whose files (the first and each one after a
    rotation) are created readable by their owner only."""

    def _open(self):
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.fchmod(fd, 0o600)  # a file left by an older version may be wider
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)


class _Stderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a line is logged (as the logging
    module's own last resort does), not the stream at set-up time."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def log_path(profile: Profile) -> Path:
    return profile.path / LOG_DIR / LOG_FILE


def current_log_path() -> Path | None:
    """Where this process logs to, or None before `setup_logging`."""
    return Path(_file_handler.baseFilename) if _file_handler is not None else None


def setup_logging(profile: Profile, *, verbose: bool = False, max_bytes: int = MAX_BYTES) -> Path:
    """Log to the profile's rotating file (INFO and up) and to stderr (warnings,
    or INFO with `verbose`). Calling it again replaces the earlier handlers,
    so there is always one file per process; returns its path."""
    global _file_handler, _stderr_handler
    stop_logging()
    path = log_path(profile)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path.parent, 0o700)
    file_handler = _PrivateRotatingFile(
        path, maxBytes=max_bytes, backupCount=BACKUPS, encoding="utf-8"
    )
    file_handler.setFormatter(logging.Formatter(FORMAT))
    file_handler.setLevel(logging.INFO)
    stderr_handler = _Stderr()
    stderr_handler.setFormatter(logging.Formatter(FORMAT))
    stderr_handler.setLevel(logging.INFO if verbose else logging.WARNING)
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(file_handler)
    root.addHandler(stderr_handler)
    _file_handler, _stderr_handler = file_handler, stderr_handler
    return path


def stop_logging() -> None:
    """Remove and close the handlers `setup_logging` added (tests, re-setup)."""
    global _file_handler, _stderr_handler
    root = logging.getLogger()
    for handler in (_file_handler, _stderr_handler):
        if handler is not None:
            root.removeHandler(handler)
            handler.close()
    _file_handler, _stderr_handler = None, None
