"""`make demo`: an embedded central record with synthetic caseloads, a demo
worker enrolled on a throwaway profile, a first sync, then the app.

Everything lives in one temporary directory that is removed when the demo
ends — the window closed, Ctrl+C, SIGTERM, or the window failing to start
(it runs in a process of its own for that reason); the service stops with
it. The data is synthetic (invented names, ZZ postcodes, 999-range NHS
numbers) — never a real person.
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from desktop import enrolment
from desktop.profile import Profile
from desktop.syncing import engine_for
from desktop.vault import Vault
from sync.server.demo import DEMO_CONSOLE, DEMO_WORKERS, load_demo
from sync.server.testing import ServiceHandle, running_service

DEMO_WORKER = "demo.social"
_WORDS = (
    "amber", "birch", "canal", "dune", "ember", "fjord", "garnet", "harbour", "island",
    "juniper", "kestrel", "lantern", "meadow", "nettle", "orchard", "pebble", "quarry",
    "river", "saffron", "thistle", "upland", "valley", "willow", "yarrow",
)  # fmt: skip


def demo_passphrase() -> str:
    """Three random words and two digits: easy to read off the terminal."""
    words = [secrets.choice(_WORDS) for _ in range(3)]
    return "-".join(words) + f"-{secrets.randbelow(90) + 10}"


@contextmanager
def demo_service(
    root: Path,
    *,
    seed: int = 2026,
    children: int = 60,
    per_child: int = 40,
    say: Callable[[str], None] = lambda line: print(f"demo: {line}", flush=True),
) -> Iterator[ServiceHandle]:
    """The embedded central record (SQLite under `root`) with the demo
    workers and their synthetic caseloads, until the block ends."""
    with running_service(None, tmp_path=root) as service:
        for line in load_demo(service.engine, seed=seed, children=children, per_child=per_child):
            say(line)
        yield service


def enrol_demo_laptop(
    profile_dir: Path, url: str, *, passphrase: str, device_name: str = "demo laptop"
) -> Vault:
    """The demo worker enrolled on a fresh profile at `profile_dir` (its key
    in a throwaway keyring file); the vault is left unlocked, nothing synced."""
    vault = Vault(Profile(profile_dir).ensure(), insecure_demo_keyring=True)
    enrolment.enrol(
        vault,
        server_url=url,
        worker=DEMO_WORKER,
        password=DEMO_WORKERS[DEMO_WORKER],
        passphrase=passphrase,
        device_name=device_name,
    )
    return vault


def prepare(root: Path, url: str, *, passphrase: str) -> Vault:
    """Enrol the demo worker on a fresh profile under `root` and sync once."""
    vault = enrol_demo_laptop(root / "profile", url, passphrase=passphrase)
    report = engine_for(vault).sync()
    print(f"demo: first sync fetched {report.pulled} records", flush=True)
    vault.lock()
    return vault


def console_accounts() -> str:
    """'demo.coordinator / demo-password-4, …': who signs in to the console."""
    return ", ".join(f"{name} / {password}" for name, (password, _) in DEMO_CONSOLE.items())


def _stop_on(signals: tuple[int, ...]) -> None:
    """SIGTERM and SIGHUP end the demo like Ctrl+C: through the `finally`
    that stops the service and removes the demo's files, never around it."""

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    for signum in signals:
        signal.signal(signum, stop)


def run_window_process(profile: Path) -> int:
    """The window in a process of its own, so that however it ends — closed,
    interrupted, or aborted by Qt at start (no display, a missing platform
    library) — this process is still here to clean up. SIGINT, SIGTERM and
    SIGHUP are passed on to it: it closes its window (saving typing), exits,
    and then the demo ends."""
    stop_asked: list[int] = []  # a signal that came before the window was there
    window: subprocess.Popen[bytes] | None = None

    def pass_on(signum: int, _frame: object) -> None:
        stop_asked.append(signum)
        if window is not None and window.poll() is None:
            window.send_signal(signal.SIGTERM)

    # Passed on from before the window starts: a signal arriving between its
    # start and here used to end this process and leave the window running.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, pass_on)
    if stop_asked:
        return 128 + stop_asked[0]
    window = subprocess.Popen(
        [sys.executable, "-m", "ui.main", "--profile", str(profile), "--insecure-demo-keyring"],
    )
    try:
        if stop_asked:
            window.send_signal(signal.SIGTERM)
        code = window.wait()
    finally:
        if window.poll() is None:  # this process is leaving for another reason
            window.kill()
            window.wait()
    if code < 0:  # killed by a signal: say which, exit as a shell would
        print(
            f"demo: the window stopped ({_how(code)}). No display? Run it under Xvfb:"
            " xvfb-run -a make demo",
            file=sys.stderr,
            flush=True,
        )
        return 128 - code
    return code


def _how(code: int) -> str:
    try:
        return f"signal {signal.Signals(-code).name}"
    except ValueError:
        return f"signal {-code}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="caseworker-demo", description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=60)
    parser.add_argument("--records-per-child", type=int, default=40)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--no-window", action="store_true", help="set up, sync and stop (a check for CI)"
    )
    args = parser.parse_args(argv)
    _stop_on((signal.SIGTERM, signal.SIGHUP))  # Ctrl+C is KeyboardInterrupt already
    root = Path(tempfile.mkdtemp(prefix="caseworker-demo-"))
    try:
        with demo_service(
            root, seed=args.seed, children=args.children, per_child=args.records_per_child
        ) as service:
            passphrase = demo_passphrase()
            prepare(root, service.url, passphrase=passphrase)
            print(
                "\n  Caseworker demo — synthetic data only\n"
                f"  worker:      {DEMO_WORKER}\n"
                f"  passphrase:  {passphrase}\n"
                f"  central record (embedded): {service.url}\n"
                f"  web console: {service.url}/console/ — {console_accounts()}\n"
                "  Close the window to stop the demo and remove its data.\n",
                flush=True,
            )
            if args.no_window:
                return 0
            return run_window_process(root / "profile")
    except KeyboardInterrupt:
        return 130
    finally:
        shutil.rmtree(root, ignore_errors=True)
        print("demo: stopped; its files are removed.", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
