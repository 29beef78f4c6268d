"""The `caseworker` entry point: the verbs of `desktop.cli`, with the window
injected for when no verb is given."""

from __future__ import annotations

import argparse
import sys

from desktop import cli


def _open_window(args: argparse.Namespace) -> int:
    # Imported here so that scripted subcommands never load Qt.
    try:
        from ui.app import run_app
    except ModuleNotFoundError as exc:
        if exc.name != "ui.app":
            raise
        print("caseworker: the desktop window is not built yet.", file=sys.stderr)
        return 2
    return run_app(args)


def main(argv: list[str] | None = None) -> int:
    return cli.main(argv, open_window=_open_window)


if __name__ == "__main__":
    sys.exit(main())
