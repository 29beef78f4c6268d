"""Managed settings: what a council's IT sets for every laptop it installs.

A machine-wide TOML file in the platform's conventional place (see
`machine_file`) names the central record's address, the council's CA bundle
and its identity provider, and may lock any of them. A per-user file (see
`user_file`) may fill in what the machine file leaves open; it never
changes a locked value. TOML because `tomllib` is in the standard library
and IT staff edit it by hand (comments, no trailing-comma traps).

A bad file never stops the app: each problem names the file and the key in
plain words, the rest of the file still counts, and the problems are shown
(the first-run wizard, `caseworker status`). docs/settings.md describes
every key.
"""

from __future__ import annotations

import os
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from desktop.errors import UserError

ENV_MACHINE = "CASEWORKER_SETTINGS"
ENV_USER = "CASEWORKER_USER_SETTINGS"
FILE_NAME = "settings.toml"

# Settings a council can lock, and the words a worker reads for each.
LOCKABLE = {
    "address": "central record address",
    "ca_bundle": "CA bundle",
    "identity_provider": "identity provider",
}
_IDP_KEYS = ("issuer", "client_id")
_IDP_OPTIONAL = ("name", "loopback_port")


def machine_file() -> Path:
    """The machine-wide file: `$CASEWORKER_SETTINGS`, else the platform's place."""
    env = os.environ.get(ENV_MACHINE)
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("PROGRAMDATA") or r"C:\ProgramData"
        return Path(base) / "Caseworker" / FILE_NAME
    if sys.platform == "darwin":
        return Path("/Library/Preferences/Caseworker") / FILE_NAME
    # /etc/xdg/caseworker, or the first of $XDG_CONFIG_DIRS.
    return Path(platformdirs.site_config_dir("caseworker", appauthor=False)) / FILE_NAME


def user_file() -> Path:
    """The worker's own file: `$CASEWORKER_USER_SETTINGS`, else the user config place."""
    env = os.environ.get(ENV_USER)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_config_dir("caseworker", appauthor=False)) / FILE_NAME


@dataclass(frozen=True)
class IdentityProvider:
    """The council's OpenID Connect provider (desktop.provider_sign_in).

    `name` is what the button says ("Sign in with <name>"); without it the
    central record's name for the provider is used. `loopback_port` is for
    providers that match the laptop's redirect address exactly, port and
    all (the laptop otherwise listens on any free port)."""

    issuer: str
    client_id: str
    name: str | None = None
    loopback_port: int | None = None


@dataclass
class ManagedSettings:
    address: str | None = None
    ca_bundle: str | None = None
    identity_provider: IdentityProvider | None = None
    locked: frozenset[str] = frozenset()
    #: the file each value came from, by key (for "set by your council in …")
    sources: dict[str, Path] = field(default_factory=dict)
    #: plain-words problems, each naming the file and the key
    problems: list[str] = field(default_factory=list)

    def is_locked(self, key: str) -> bool:
        return key in self.locked

    def locked_note(self, key: str) -> str:
        return f"Set by your council's IT (in {self.sources.get(key, machine_file())})."

    def ca_bundle_for(self, chosen: str | None) -> str | None:
        """The CA bundle a request uses: the council's when locked, else the
        one the worker chose (`enrol --ca-bundle`), else the council's default."""
        if self.is_locked("ca_bundle") and self.ca_bundle:
            return self.ca_bundle
        return chosen or self.ca_bundle

    def address_for(self, chosen: str | None) -> str:
        """The address to enrol with; a locked address cannot be changed."""
        chosen = (chosen or "").strip()
        if self.is_locked("address") and self.address:
            if chosen and chosen.rstrip("/") != self.address.rstrip("/"):
                raise UserError(
                    f"The central record address is set by your council's IT "
                    f"(in {self.sources['address']}); it cannot be changed here."
                )
            return self.address
        if chosen:
            return chosen
        if self.address:
            return self.address
        raise UserError("Type the central record address (https://…).")


def _read(path: Path, problems: list[str]) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"Settings file {path} cannot be read and was ignored: {exc}.")
    except OSError as exc:
        problems.append(f"Settings file {path} cannot be opened ({exc.strerror}); it was ignored.")
    return {}


def _values(path: Path, data: dict[str, Any], problems: list[str], *, machine: bool) -> dict:
    """The file's valid values by key; every other key is a named problem."""
    out: dict[str, Any] = {}

    def bad(key: str, why: str) -> None:
        problems.append(f"Settings file {path}: '{key}' {why}; it was ignored.")

    for key, value in data.items():
        if key in ("address", "ca_bundle"):
            if not isinstance(value, str) or not value.strip():
                bad(key, "must be text in quotes")
            elif key == "address" and not value.startswith(("https://", "http://")):
                bad(key, "must start with https://")
            elif key == "ca_bundle" and not Path(value).expanduser().is_file():
                bad(key, f"names a file that does not exist ({value})")
            else:
                out[key] = str(Path(value).expanduser()) if key == "ca_bundle" else value.strip()
        elif key == "identity_provider":
            if not isinstance(value, dict):
                bad(key, "must be a table: [identity_provider]")
                continue
            extra = sorted(set(value) - set(_IDP_KEYS) - set(_IDP_OPTIONAL))
            missing = [k for k in _IDP_KEYS if not isinstance(value.get(k), str) or not value[k]]
            for k in extra:
                bad(f"identity_provider.{k}", "is not a setting Caseworker knows")
            name, port = value.get("name"), value.get("loopback_port")
            if name is not None and (not isinstance(name, str) or not name.strip()):
                bad("identity_provider.name", "must be text in quotes")
                name = None
            if port is not None and (
                isinstance(port, bool) or not isinstance(port, int) or not 1024 <= port <= 65535
            ):
                bad("identity_provider.loopback_port", "must be a port number from 1024 to 65535")
                port = None
            if missing:
                bad(f"identity_provider.{missing[0]}", "is missing (needs issuer and client_id)")
            else:
                out[key] = IdentityProvider(
                    value["issuer"], value["client_id"], name and name.strip(), port
                )
        elif key == "locked" and machine:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                bad(key, 'must be a list of setting names, such as ["address"]')
                continue
            unknown = [v for v in value if v not in LOCKABLE]
            for v in unknown:
                bad(f"locked: {v}", f"is not a setting that can be locked ({', '.join(LOCKABLE)})")
            out[key] = frozenset(v for v in value if v in LOCKABLE)
        elif key == "locked":
            bad(key, "only counts in the machine-wide settings file")
        else:
            bad(key, "is not a setting Caseworker knows")
    return out


def load() -> ManagedSettings:
    """The machine file, then the user file for what it leaves open."""
    problems: list[str] = []
    settings = ManagedSettings(problems=problems)
    for path, machine in ((machine_file(), True), (user_file(), False)):
        values = _values(path, _read(path, problems), problems, machine=machine)
        if machine:
            settings.locked = values.pop("locked", frozenset())
        for key, value in values.items():
            if not machine and key in settings.locked:
                where = settings.sources.get(key, machine_file())
                problems.append(
                    f"Settings file {path}: '{key}' is locked by your council's IT "
                    f"(in {where}); the council's value is used."
                )
                continue
            setattr(settings, key, value)
            settings.sources[key] = path
    for key in sorted(settings.locked - settings.sources.keys()):
        problems.append(
            f"Settings file {machine_file()}: '{key}' is locked but has no value; "
            "the lock was ignored."
        )
    settings.locked = frozenset(k for k in settings.locked if k in settings.sources)
    return settings
