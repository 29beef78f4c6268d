"""`caseworker` verbs that talk to the central record: enrol, sync, status,
dump, recover, wipe. Registered with desktop.cli by ui.main."""

from __future__ import annotations

import argparse
import functools
import json
import sys
from datetime import UTC, datetime

from desktop import device, outbox
from desktop.case_reader import CaseReader
from desktop.cli import Secrets, command, open_vault, unlock
from desktop.england import moment_text
from desktop.errors import UserError
from sync.errors import SyncError
from ui import sync_setup


def _plain_errors(fn):
    @functools.wraps(fn)
    def wrapper(args: argparse.Namespace, secrets: Secrets) -> int:
        try:
            return fn(args, secrets)
        except SyncError as exc:
            raise UserError(exc.message) from None

    return wrapper


def _enrol_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--server", required=True, help="central record address (https://…)")
    p.add_argument("--worker", required=True, help="your worker name")
    p.add_argument("--device-name", help="how this laptop is listed (default: its host name)")
    p.add_argument("--ca-bundle", help="a CA bundle for the council's certificates")
    p.add_argument("--no-sync", action="store_true", help="enrol only; do not sync yet")


@command("enrol", "enrol this laptop with a central record and sync", _enrol_args)
@_plain_errors
def _enrol(args: argparse.Namespace, secrets: Secrets) -> int:
    vault = open_vault(args)
    password = secrets.ask("Central record password")
    passphrase = secrets.ask("New passphrase for this laptop", confirm=True)
    sync_setup.enrol(
        vault,
        server_url=args.server,
        worker=args.worker,
        password=password,
        passphrase=passphrase,
        device_name=args.device_name,
        ca_bundle=args.ca_bundle,
    )
    print(f"Enrolled as {args.worker}.")
    if not args.no_sync:
        report = sync_setup.make_engine(vault).sync()
        print(f"Synced: {report.pulled} records received.")
    vault.lock()
    return 0


def _sync_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--page-size", type=int, default=5000, help="records per pulled page (support)")
    p.add_argument(
        "--progress", action="store_true", help="print each step to stderr as it happens"
    )


class _PrintProgress:
    """`sync --progress`: one line per step on stderr, for support and tests."""

    def report(self, phase: str, done: int, total: int | None, received_bytes: int) -> None:
        print(f"{phase} {done}/{total if total is not None else '?'}", file=sys.stderr, flush=True)

    def cancelled(self) -> bool:
        return False


@command("sync", "send changes and fetch updates now", _sync_args)
@_plain_errors
def _sync(args: argparse.Namespace, secrets: Secrets) -> int:
    vault = unlock(args, secrets)
    engine = sync_setup.make_engine(vault)
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


def status_of(vault) -> dict:
    conn = vault.store.conn
    lease = device.lease(conn)
    return {
        "worker": vault.profile.settings().get("worker"),
        "server": vault.profile.settings().get("server_url"),
        "last_sync": lease.last_sync.isoformat() if lease.last_sync else None,
        "pending_mutations": outbox.pending_count(conn),
        "rejected_mutations": len(outbox.rejected(conn)),
        "conflicts": conn.execute("SELECT count(*) FROM conflicts").fetchone()[0],
        "lease_days_left": lease.days_left,
        "lease_expired": lease.expired,
    }


def _status_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true")


@command("status", "last sync, changes waiting, conflicts, lease", _status_args)
def _status(args: argparse.Namespace, secrets: Secrets) -> int:
    vault = unlock(args, secrets)
    facts = status_of(vault)
    vault.lock()
    if args.json:
        print(json.dumps(facts, indent=2))
    else:
        # People read England time; scripts (--json) get the stored UTC instant.
        facts["last_sync"] = moment_text(facts["last_sync"]) or None
        for key, value in facts.items():
            print(f"{key.replace('_', ' ')}: {value}")
    return 0


def _dump_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", required=True)


@command("dump", "all local records, decrypted, as JSON (audited)", _dump_args)
def _dump(args: argparse.Namespace, secrets: Secrets) -> int:
    from desktop import audit

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


@command("recover", "forgotten passphrase: sign in online and set a new one")
@_plain_errors
def _recover(args: argparse.Namespace, secrets: Secrets) -> int:
    vault = open_vault(args)
    sync_setup.recover(
        vault,
        password=secrets.ask("Central record password"),
        new_passphrase=secrets.ask("New passphrase for this laptop", confirm=True),
    )
    vault.lock()
    print("Passphrase reset. Everything on this laptop is still here.")
    return 0


def _wipe_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")


@command("wipe", "erase this laptop's case data and key", _wipe_args)
def _wipe(args: argparse.Namespace, secrets: Secrets) -> int:
    if not args.yes:
        answer = input("Erase all case data on this laptop, including unsent notes? Type ERASE: ")
        if answer.strip() != "ERASE":
            print("Nothing erased.")
            return 1
    open_vault(args).wipe(reason="wiped on request")
    print("Erased.")
    return 0
