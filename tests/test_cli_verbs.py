"""Every `caseworker` verb is in one table in `desktop.cli`, without Qt or ui/."""

from __future__ import annotations

import subprocess
import sys

VERBS = ["dump", "enrol", "init", "passwd", "recover", "status", "sync", "wipe"]


def _python(code: str) -> list[str]:
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    return run.stdout.splitlines()


def test_every_verb_is_in_desktop_cli_and_loads_no_ui():
    names, ui_modules = _python(
        "import sys\n"
        "from desktop import cli\n"
        "print(sorted(cli.VERBS))\n"
        "print(sorted(m for m in sys.modules if m == 'ui' or m.startswith(('ui.', 'PySide6'))))\n"
    )
    assert names == str(VERBS)
    assert ui_modules == "[]"


def test_each_verb_keeps_its_flags():
    from desktop import cli

    parser = cli.build_parser()
    given = {
        "enrol": ["--server", "https://cr.example", "--worker", "sw", "--device-name", "d",
                  "--ca-bundle", "ca.pem", "--no-sync"],
        "sync": ["--page-size", "7", "--progress"],
        "status": ["--json"],
        "dump": ["--json"],
        "wipe": ["--yes"],
        "init": [],
        "passwd": [],
        "recover": [],
    }  # fmt: skip
    assert sorted(given) == VERBS
    for verb, flags in given.items():
        args = parser.parse_args(["--profile", "p", "--secrets-stdin", verb, *flags])
        assert args.command == verb
    assert parser.parse_args(["sync"]).page_size == 10_000


def test_python_m_desktop_cli_runs_a_verb(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "desktop.cli", "--profile", str(tmp_path / "p"), "--secrets-stdin",
         "status"],
        input="a passphrase\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )  # fmt: skip
    # Not enrolled: a plain refusal from the verb itself, not "invalid choice".
    assert run.returncode == 1, run.stderr
    assert "invalid choice" not in run.stderr and "Traceback" not in run.stderr
