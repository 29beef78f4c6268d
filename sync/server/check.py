"""`central-record check`: everything `serve` would need, verified without
serving, one line a check, so an operator (or a deployment pipeline) learns
of a wrong setting before the first laptop does.

It reads what `serve` reads, with the same options and environment, and
never prints a secret or the database password.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from sync.server import identity_provider, settings
from sync.server.db import current_revision, data_dir, head_revision, make_engine, resolve_url
from sync.server.operations import metrics_networks


@dataclass(frozen=True)
class Finding:
    ok: bool
    what: str
    said: str

    def line(self) -> str:
        return f"{'ok     ' if self.ok else 'PROBLEM'}  {self.what}: {self.said}"


def _try(what: str, step: Callable[[], str]) -> Finding:
    try:
        return Finding(True, what, step())
    except (settings.SettingsError, ValueError) as exc:
        return Finding(False, what, str(exc))


def _provider(option: str | None, secrets_file: str | None, embedded) -> str:
    path = identity_provider.settings_path(option)
    if path is None:
        return "none (workers sign in with passwords)"
    try:
        secrets = settings.load_secrets(secrets_file, embedded_home=embedded)
    except settings.SettingsError:
        secrets = None  # reported by the secrets check
    found = identity_provider.load(path, secrets)
    passwords = "passwords too" if found.password_sign_in else "no passwords"
    return f"{found.name} at {found.issuer} ({passwords})"


def run_checks(
    *,
    db: str | None,
    secrets_file: str | None,
    trusted_proxies: str | None,
    certfile: str | None = None,
    keyfile: str | None = None,
    identity_provider_file: str | None = None,
) -> Iterator[Finding]:
    url = resolve_url(db)
    shown = make_url(url).render_as_string(hide_password=True)
    embedded = None if url.startswith("postgresql") else data_dir()
    yield _try(
        "secrets",
        lambda: (settings.load_secrets(secrets_file, embedded_home=embedded), "loaded")[1],
    )
    yield _try(
        "trusted proxies",
        lambda: ", ".join(map(str, settings.trusted_networks(trusted_proxies))) or "none",
    )
    yield _try("metrics readers", lambda: ", ".join(map(str, metrics_networks())))
    yield _try(
        "HTTPS",
        lambda: "on" if settings.tls_files(certfile, keyfile) else "off (behind a TLS proxy?)",
    )
    yield _try(
        "identity provider", lambda: _provider(identity_provider_file, secrets_file, embedded)
    )
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as exc:
        reason = type(getattr(exc, "orig", exc) or exc).__name__
        yield Finding(False, "database", f"cannot connect to {shown} ({reason})")
        engine.dispose()
        return
    yield Finding(True, "database", f"{shown} answers")
    have, want = current_revision(engine), head_revision()
    engine.dispose()
    if have == want:
        yield Finding(True, "schema", f"at revision {have}, as this version needs")
    else:
        yield Finding(
            False,
            "schema",
            f"at revision {have or 'none'}, this version needs {want}; run: central-record migrate",
        )
