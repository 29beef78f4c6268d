"""`caseworker`: the desktop app, and subcommands for scripts and support.

With no subcommand it opens the window. Secrets (passwords, passphrases) are
read from a prompt, or from standard input one per line with
`--secrets-stdin` — never from argv, where other users can see them.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Callable, Iterator

from desktop.errors import UserError
from desktop.logs import setup_logging
from desktop.profile import Profile
from desktop.vault import Vault

log = logging.getLogger(__name__)

Command = Callable[[argparse.Namespace, "Secrets"], int]
COMMANDS: dict[str, tuple[str, Command, Callable[[argparse.ArgumentParser], None]]] = {}


def command(
    name: str, help_text: str, configure: Callable[[argparse.ArgumentParser], None] | None = None
):
    """Register a subcommand; later modules add theirs the same way."""

    def register(fn: Command) -> Command:
        COMMANDS[name] = (help_text, fn, configure or (lambda _p: None))
        return fn

    return register


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


@command("init", "create an empty encrypted vault in the profile (support and tests)")
def _init(args: argparse.Namespace, secrets: Secrets) -> int:
    vault = open_vault(args)
    vault.create(secrets.ask("New passphrase", confirm=True))
    vault.lock()
    print(f"Created an encrypted vault in {vault.profile.path}.")
    return 0


@command("passwd", "change the vault passphrase (rewraps the key; data is not rewritten)")
def _passwd(args: argparse.Namespace, secrets: Secrets) -> int:
    vault = open_vault(args)
    vault.change_passphrase(
        secrets.ask("Current passphrase"), secrets.ask("New passphrase", confirm=True)
    )
    print("Passphrase changed.")
    return 0


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
    for name, (help_text, _fn, configure) in sorted(COMMANDS.items()):
        configure(sub.add_parser(name, help=help_text))
    return parser


def main(
    argv: list[str] | None = None,
    *,
    open_window: Callable[[argparse.Namespace], int] | None = None,
) -> int:
    """Run a subcommand, or hand over to `open_window` (the app) when none is given.

    The window is supplied by `ui.main`, so this module stays free of Qt.
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
        _help, fn, _configure = COMMANDS[args.command]
        return fn(args, Secrets(args.secrets_stdin))
    except UserError as exc:
        print(f"caseworker: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
