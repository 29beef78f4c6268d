"""`caseworker`: the desktop app, and subcommands for scripts and support.

With no subcommand it opens the window (supplied by `ui.main`, so this
module stays free of Qt). Every verb is in `VERBS`, at the end of this
file. Secrets (passwords, passphrases) are read from a prompt, or from
standard input one per line with `--secrets-stdin` — never from argv,
where other users can see them.
"""

from __future__ import annotations

import argparse
import functools
import getpass
import json
import logging
import sys
import webbrowser
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from desktop import audit, enrolment, managed, provider_sign_in, sign_in_methods
from desktop.case_reader import CaseReader
from desktop.device_status import device_status
from desktop.england import moment_text
from desktop.errors import UserError
from desktop.logs import setup_logging
from desktop.profile import Profile
from desktop.syncing import engine_for
from desktop.vault import Vault
from sync.errors import SyncError

log = logging.getLogger(__name__)

Command = Callable[[argparse.Namespace, "Secrets"], int]


class Secrets:
    """Hands out secrets in the order a command asks for them."""

    def __init__(self, from_stdin: bool) -> None:
        self._lines: Iterator[str] | None = (
            iter(sys.stdin.read().splitlines()) if from_stdin else None
        )

    def ask(self, prompt: str, *, confirm: bool = False) -> str:
        if self._lines is not None:
            try:
                return next(self._lines)
            except StopIteration:
                raise UserError(f"Standard input ran out of lines before: {prompt}") from None
        first = getpass.getpass(f"{prompt}: ")
        if confirm and getpass.getpass(f"{prompt} (again): ") != first:
            raise UserError("The two entries did not match.")
        return first


def open_vault(args: argparse.Namespace) -> Vault:
    return Vault(Profile.resolve(args.profile), insecure_demo_keyring=args.insecure_demo_keyring)


def unlock(args: argparse.Namespace, secrets: Secrets) -> Vault:
    vault = open_vault(args)
    vault.unlock(secrets.ask("Passphrase"))
    return vault


def _init(args: argparse.Namespace, secrets: Secrets) -> int:
    vault = open_vault(args)
    vault.create(secrets.ask("New passphrase", confirm=True))
    vault.lock()
    print(f"Created an encrypted vault in {vault.profile.path}.")
    return 0


def _passwd(args: argparse.Namespace, secrets: Secrets) -> int:
    vault = open_vault(args)
    vault.change_passphrase(
        secrets.ask("Current passphrase"), secrets.ask("New passphrase", confirm=True)
    )
    print("Passphrase changed.")
    return 0


def _plain_errors(fn: Command) -> Command:
    """A sync fault is an expected error: its plain message, no traceback."""

    @functools.wraps(fn)
    def wrapper(args: argparse.Namespace, secrets: Secrets) -> int:
        try:
            return fn(args, secrets)
        except SyncError as exc:
            raise UserError(exc.message) from None

    return wrapper


def _enrol_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--server", help="central record address (https://…); default: the council's settings file"
    )
    p.add_argument("--worker", help="your worker name (password sign-in)")
    p.add_argument(
        "--provider",
        action="store_true",
        help="sign in with the council's identity provider in the browser instead of a password",
    )
    p.add_argument("--device-name", help="how this laptop is listed (default: its host name)")
    p.add_argument("--ca-bundle", help="a CA bundle for the council's certificates")
    p.add_argument("--no-sync", action="store_true", help="enrol only; do not sync yet")


def _browser(url: str) -> bool:
    """The system browser (`$BROWSER` if set), with the address printed too."""
    print(f"Opening your browser to sign in. If it does not open, go to:\n{url}", file=sys.stderr)
    return webbrowser.open(url)


def _provider_token(choice: sign_in_methods.SignInChoice, ca_bundle: str | None):
    if choice.provider is None:
        raise UserError(
            "This central record has no identity provider: sign in with --worker and your password."
        )
    print(f"{choice.provider.button_text}: waiting for the browser…", file=sys.stderr)
    return provider_sign_in.sign_in(
        choice.provider,
        open_browser=_browser,
        ca_bundle=ca_bundle,
        port=choice.loopback_port,
    )


@_plain_errors
def _enrol(args: argparse.Namespace, secrets: Secrets) -> int:
    vault = open_vault(args)
    if args.provider:
        return _enrol_with_provider(args, secrets, vault)
    if not args.worker:
        raise UserError(
            "Give --worker (your worker name), or --provider to sign in in the browser."
        )
    password = secrets.ask("Central record password")
    passphrase = secrets.ask("New passphrase for this laptop", confirm=True)
    enrolment.enrol(
        vault,
        server_url=args.server,
        worker=args.worker,
        password=password,
        passphrase=passphrase,
        device_name=args.device_name,
        ca_bundle=args.ca_bundle,
    )
    print(f"Enrolled as {args.worker}.")
    return _first_sync(args, vault)


def _enrol_with_provider(args: argparse.Namespace, secrets: Secrets, vault: Vault) -> int:
    council = managed.load()
    ca_bundle = council.ca_bundle_for(args.ca_bundle)
    choice = enrolment.sign_in_choice(args.server, ca_bundle=args.ca_bundle)
    token = _provider_token(choice, ca_bundle)
    passphrase = secrets.ask("New passphrase for this laptop", confirm=True)
    enrolment.enrol_with_provider(
        vault,
        server_url=args.server,
        token=token,
        choice=choice,
        passphrase=passphrase,
        device_name=args.device_name,
        ca_bundle=args.ca_bundle,
    )
    print(f"Enrolled as {vault.profile.settings().get('worker')}.")
    return _first_sync(args, vault)


def _first_sync(args: argparse.Namespace, vault: Vault) -> int:
    if not args.no_sync:
        report = engine_for(vault).sync()
        print(f"Synced: {report.pulled} records received.")
    vault.lock()
    return 0


def _sync_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--page-size", type=int, default=10_000, help="most records per pulled page (support)"
    )
    p.add_argument(
        "--progress", action="store_true", help="print each step to stderr as it happens"
    )


class _PrintProgress:
    """`sync --progress`: one line per step on stderr, for support and tests."""

    def report(self, phase: str, done: int, total: int | None, received_bytes: int) -> None:
        print(f"{phase} {done}/{total if total is not None else '?'}", file=sys.stderr, flush=True)

    def cancelled(self) -> bool:
        return False


@_plain_errors
def _sync(args: argparse.Namespace, secrets: Secrets) -> int:
    vault = unlock(args, secrets)
    engine = engine_for(vault)
    engine.page_size = max(1, args.page_size)
    engine.push_batch = min(engine.push_batch, engine.page_size)
    report = engine.sync(_PrintProgress() if args.progress else None)
    print(
        f"Sent {report.pushed}, received {report.pulled}, conflicts {report.conflicts}, "
        f"refused {report.rejected}, children removed {len(report.purged)}."
    )
    if vault.is_unlocked:
        vault.lock()
    return 0


def _json_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true")


def _status(args: argparse.Namespace, secrets: Secrets) -> int:
    vault = unlock(args, secrets)
    status = device_status(vault)
    facts = status.as_json()
    vault.lock()
    problems = managed.load().problems
    if args.json:
        extra = {"unrecovered_records": status.unrecovered, "settings_problems": problems}
        print(json.dumps({**facts, **extra}, indent=2))
    else:
        # People read England time; scripts (--json) get the stored UTC instant.
        facts["last_sync"] = moment_text(facts["last_sync"]) or None
        for key, value in facts.items():
            print(f"{key.replace('_', ' ')}: {value}")
        print(f"rules in force: {status.council_rules}")
        if status.unrecovered:
            print(f"after a restore: {status.unrecovered_words}")
        for problem in problems:
            print(f"settings problem: {problem}")
    return 0


def _dump_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", required=True)


def _dump(args: argparse.Namespace, secrets: Secrets) -> int:
    vault = unlock(args, secrets)
    worker = vault.profile.settings().get("worker") or "unknown"
    try:
        # Through the case reader: past the offline lease nothing is dumped.
        reader = CaseReader(vault.store)
        records = [json.loads(r.model_dump_json()) for r in reader.all_records()]
        with vault.store.transaction() as tx:
            for child_id in sorted({r["child_id"] for r in records}):
                audit.append(tx, actor=worker, action="export", child_id=child_id, detail="dump")
    finally:
        vault.lock()
    json.dump({"exported_at": datetime.now(UTC).isoformat(), "records": records}, sys.stdout)
    print()
    return 0


def _recover_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--provider",
        action="store_true",
        help="sign in with the council's identity provider in the browser instead of a password",
    )


@_plain_errors
def _recover(args: argparse.Namespace, secrets: Secrets) -> int:
    vault = open_vault(args)
    if args.provider:
        choice = sign_in_methods.remembered(vault.profile)
        token = _provider_token(choice, enrolment.ca_bundle_for(vault.profile))
        enrolment.recover_with_provider(
            vault,
            token=token,
            new_passphrase=secrets.ask("New passphrase for this laptop", confirm=True),
        )
    else:
        enrolment.recover(
            vault,
            password=secrets.ask("Central record password"),
            recovery_code=secrets.ask("Recovery code from your council's administrator"),
            new_passphrase=secrets.ask("New passphrase for this laptop", confirm=True),
        )
    vault.lock()
    print("Passphrase reset. Everything on this laptop is still here.")
    return 0


def _wipe_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")


def _wipe(args: argparse.Namespace, secrets: Secrets) -> int:
    if not args.yes:
        answer = input("Erase all case data on this laptop, including unsent notes? Type ERASE: ")
        if answer.strip() != "ERASE":
            print("Nothing erased.")
            return 1
    open_vault(args).wipe(reason="wiped on request")
    print("Erased.")
    return 0


def _no_options(_parser: argparse.ArgumentParser) -> None:
    pass


@dataclass(frozen=True)
class Verb:
    help: str
    run: Command
    options: Callable[[argparse.ArgumentParser], None] = _no_options


# Every verb, in one place: a new verb is a function above and a line here.
VERBS: dict[str, Verb] = {
    "dump": Verb("all local records, decrypted, as JSON (audited)", _dump, _dump_args),
    "enrol": Verb("enrol this laptop with a central record and sync", _enrol, _enrol_args),
    "init": Verb("create an empty encrypted vault in the profile (support and tests)", _init),
    "passwd": Verb("change the vault passphrase (rewraps the key; data is not rewritten)", _passwd),
    "recover": Verb(
        "forgotten passphrase: sign in online and set a new one", _recover, _recover_args
    ),
    "status": Verb("last sync, changes waiting, conflicts, lease", _status, _json_flag),
    "sync": Verb("send changes and fetch updates now", _sync, _sync_args),
    "wipe": Verb("erase this laptop's case data and key", _wipe, _wipe_args),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="caseworker", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--profile", help="profile directory (default: $CASEWORKER_HOME or the platform's data dir)"
    )
    parser.add_argument(
        "--insecure-demo-keyring",
        action="store_true",
        help="DEMO ONLY: keep the passphrase-wrapped key in a file in the profile",
    )
    parser.add_argument(
        "--secrets-stdin", action="store_true", help="read secrets from stdin, one per line"
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log more (never case content)"
    )
    sub = parser.add_subparsers(dest="command")
    for name, verb in sorted(VERBS.items()):
        verb.options(sub.add_parser(name, help=verb.help))
    return parser


def main(
    argv: list[str] | None = None,
    *,
    open_window: Callable[[argparse.Namespace], int] | None = None,
) -> int:
    """Run a subcommand, or hand over to `open_window` (the app) when none is given.

    The window is supplied by `ui.main`, so this module stays free of Qt;
    `python -m desktop.cli` runs every verb without it.
    """
    args = build_parser().parse_args(argv)
    setup_logging(Profile.resolve(args.profile).ensure(), verbose=args.verbose)
    if args.insecure_demo_keyring:
        print(
            "WARNING: --insecure-demo-keyring keeps the (passphrase-wrapped) vault key in a "
            "file beside the database. Use it for demo data only, never for real cases.",
            file=sys.stderr,
        )
    try:
        if args.command is None:
            if open_window is None:
                print("caseworker: no command given (see --help).", file=sys.stderr)
                return 2
            return open_window(args)
        return VERBS[args.command].run(args, Secrets(args.secrets_stdin))
    except UserError as exc:
        print(f"caseworker: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
