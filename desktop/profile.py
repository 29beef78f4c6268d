"""Where a device keeps its local state: one profile directory.

Everything local — the encrypted database, its WAL/SHM files, a small
non-secret settings file — lives under one directory, so several devices can
run side by side on one machine (tests, a worker with two roles). Keyring
entries are namespaced by the profile's random id, not its path, so a moved
profile still finds its key.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

ENV_HOME = "CASEWORKER_HOME"
APP_NAME = "caseworker"
SETTINGS_FILE = "profile.json"
DB_FILE = "caseworker.db"


def default_profile_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "default"


@dataclass(frozen=True)
class Profile:
    path: Path

    @classmethod
    def resolve(cls, explicit: str | os.PathLike[str] | None = None) -> Profile:
        """`--profile DIR` wins, then `$CASEWORKER_HOME`, then the platform default."""
        if explicit:
            return cls(Path(explicit).expanduser().resolve())
        env = os.environ.get(ENV_HOME)
        if env:
            return cls(Path(env).expanduser().resolve())
        return cls(default_profile_dir())

    @property
    def db_path(self) -> Path:
        return self.path / DB_FILE

    @property
    def db_files(self) -> list[Path]:
        """The database and the files SQLite keeps beside it."""
        return [self.db_path, *(self.path / f"{DB_FILE}{s}" for s in ("-wal", "-shm", "-journal"))]

    @property
    def settings_path(self) -> Path:
        return self.path / SETTINGS_FILE

    def ensure(self) -> Profile:
        """Create the directory (owner-only) and its id if they are missing."""
        self.path.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.path, 0o700)
        if "profile_id" not in self.settings():
            self.update_settings(profile_id=secrets.token_hex(8))
        return self

    def settings(self) -> dict[str, Any]:
        """Non-secret facts only: the profile id, which keyring holds the key."""
        try:
            return json.loads(self.settings_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except json.JSONDecodeError:
            # A half-written file cannot happen (writes are atomic); a hand-edited
            # broken one is treated as absent rather than crashing start-up.
            return {}

    def update_settings(self, **changes: Any) -> dict[str, Any]:
        data = self.settings()
        for key, value in changes.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        write_private_file(self.settings_path, json.dumps(data, indent=2, sort_keys=True))
        return data

    @property
    def profile_id(self) -> str:
        pid = self.settings().get("profile_id")
        if not pid:
            raise RuntimeError("profile not initialised; call ensure() first")
        return pid

    @property
    def keyring_service(self) -> str:
        return f"caseworker/{self.profile_id}"


def write_private_file(path: Path, text: str) -> None:
    """Write atomically with mode 0600: a crash leaves the old file or the new one."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
