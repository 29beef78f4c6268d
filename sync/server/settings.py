"""The service's settings that are not policy: where its secrets come from
and which proxies it believes about a client's address.

Secrets (today the escrow key, which seals every device's recovery key) must
be the same on every instance serving one database, or a recovery answered
by another instance cannot open what the first sealed. They come from, in
this order:
1. a secrets file: `serve --secrets-file PATH` or $CENTRAL_RECORD_SECRETS_FILE,
   made once with `central-record secrets create PATH` and copied to every
   host (owner-only permissions, or the service refuses it);
2. $CENTRAL_RECORD_ESCROW_KEY, the escrow key itself (base64 of 32 bytes);
3. only for the embedded SQLite database of a single machine: a key file the
   service makes in its own data directory.
On PostgreSQL `serve` refuses to start with neither 1 nor 2.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sync.server.escrow import ENV_KEY as ENV_ESCROW_KEY
from sync.server.escrow import EscrowError, load_server_key

ENV_SECRETS_FILE = "CENTRAL_RECORD_SECRETS_FILE"
ENV_TRUSTED_PROXIES = "CENTRAL_RECORD_TRUSTED_PROXIES"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class SettingsError(Exception):
    """A setting is missing or wrong; the message says how to put it right."""


@dataclass(frozen=True)
class ServiceSecrets:
    escrow_key: bytes
    # The console's client secret at the identity provider (the secrets
    # file's `console_client_secret`; `sync.server.identity_provider`).
    console_client_secret: str | None = None


NO_SECRETS = (
    "The central record on PostgreSQL needs secrets that every instance shares. Create them "
    "once with `central-record secrets create /etc/central-record/secrets.json`, copy that "
    f"file (owner-only) to every host, and start each with `serve --secrets-file PATH` (or "
    f"set {ENV_SECRETS_FILE}, or {ENV_ESCROW_KEY} to the escrow key itself)."
)


def create_secrets_file(path: Path) -> None:
    """Write new random secrets to `path` (0600); never overwrites a file."""
    path = Path(path)
    if path.exists():
        raise SettingsError(f"{path} already exists; secrets are never overwritten.")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    body = {"format": 1, "escrow_key": base64.b64encode(os.urandom(32)).decode()}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(body, fh)
        fh.write("\n")


def _read_secrets_file(path: Path) -> ServiceSecrets:
    try:
        mode = path.stat().st_mode
        text = path.read_text()
    except OSError as exc:
        raise SettingsError(f"Cannot read the secrets file {path}: {exc.strerror}.") from None
    if stat.S_IMODE(mode) & 0o077:
        raise SettingsError(
            f"The secrets file {path} can be read by others; make it owner-only: chmod 600 {path}"
        )
    try:
        body = json.loads(text)
        key = base64.b64decode(body["escrow_key"], validate=True)
        console_secret = body.get("console_client_secret")
        if console_secret is not None and not isinstance(console_secret, str):
            raise TypeError("console_client_secret")
    except (ValueError, KeyError, TypeError, AttributeError):
        raise SettingsError(
            f"The secrets file {path} is not one `central-record secrets create` wrote."
        ) from None
    if len(key) != 32:
        raise SettingsError(f"The escrow key in {path} must be 32 bytes.")
    return ServiceSecrets(escrow_key=key, console_client_secret=console_secret)


def load_secrets(secrets_file: str | None, *, embedded_home: Path | None) -> ServiceSecrets:
    """The service's secrets by the order in the module docstring.

    `embedded_home` is the data directory where a single machine's SQLite
    service may keep its own key; None where that is not allowed.
    """
    path = secrets_file or os.environ.get(ENV_SECRETS_FILE)
    if path:
        return _read_secrets_file(Path(path))
    if os.environ.get(ENV_ESCROW_KEY) or embedded_home is not None:
        try:
            return ServiceSecrets(escrow_key=load_server_key(embedded_home or Path(".")))
        except (ValueError, EscrowError) as exc:  # bad base64, or the wrong length
            raise SettingsError(str(exc)) from None
    raise SettingsError(NO_SECRETS)


@dataclass(frozen=True)
class TlsFiles:
    certfile: str
    keyfile: str


def tls_files(certfile: str | None, keyfile: str | None) -> TlsFiles | None:
    """HTTPS files for `serve`, checked before any process starts: both or
    neither, readable, the key owner-only, and a pair that loads."""
    if not certfile and not keyfile:
        return None
    if not (certfile and keyfile):
        missing = "--keyfile" if certfile else "--certfile"
        raise SettingsError(f"{missing}: HTTPS needs both --certfile and --keyfile.")
    for option, path in (("--certfile", certfile), ("--keyfile", keyfile)):
        try:
            mode = Path(path).stat().st_mode
            Path(path).read_bytes()
        except OSError as exc:
            raise SettingsError(f"{option}: cannot read {path}: {exc.strerror}.") from None
        if option == "--keyfile" and stat.S_IMODE(mode) & 0o077:
            raise SettingsError(
                f"--keyfile: {path} can be read by others; make it owner-only: chmod 600 {path}"
            )
    import ssl

    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(certfile, keyfile)
    except (ssl.SSLError, ValueError):
        raise SettingsError(
            "--certfile/--keyfile: they are not a PEM certificate and its own private key."
        ) from None
    return TlsFiles(certfile, keyfile)


def trusted_networks(values: Iterable[str] | str | None) -> list[Network]:
    """Proxy addresses or networks ("10.0.0.5", "10.0.0.0/24"), as given on
    the command line (comma-separated) or in $CENTRAL_RECORD_TRUSTED_PROXIES."""
    if values is None:
        values = os.environ.get(ENV_TRUSTED_PROXIES, "")
    if isinstance(values, str):
        values = values.split(",")
    networks = []
    for value in (v.strip() for v in values):
        if not value:
            continue
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            raise SettingsError(f"{value!r} is not an address or network of a proxy.") from None
    return networks


def _trusted(address: str, networks: list[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(peer: str | None, forwarded_for: str | None, trusted: list[Network]) -> str:
    """Who is asking: the peer, unless the peer is a proxy the operator
    trusts — then the nearest address it forwards that is not itself one of
    those proxies. Anything a client wrote further left is ignored."""
    if not peer:
        return "unknown"
    if not forwarded_for or not _trusted(peer, trusted):
        return peer
    for hop in reversed([h.strip() for h in forwarded_for.split(",")]):
        try:
            ip = ipaddress.ip_address(hop)
        except ValueError:
            return peer  # not what a proxy writes: believe only the peer
        if not _trusted(hop, trusted):
            return str(ip)
    return peer
