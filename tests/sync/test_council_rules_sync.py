"""Council rules reach the laptop (issue 16, item 6): an administrator loads
the council's due-date rules or a screening tool on the central record, a
laptop syncs over real HTTP, keeps them in its encrypted store, and every
due date and screening on it follows them; before any arrive it uses the
bundled defaults and says so."""

from __future__ import annotations

import json
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

from desktop.council_rules import BUNDLED, held_version, keep_served, rules_in_force
from desktop.device_status import device_status
from desktop.due_dates import DEFAULT_RULES
from desktop.screening import load_tools, score, tools_in_force
from sync.client.transport import Transport
from sync.server import cli
from sync.server.schema import council_rules
from sync.wire import CouncilRules
from tests.helpers import child_data

SERAF = json.loads(Path("resources/tools/seraf_like.json").read_text(encoding="utf-8"))
# A significant indicator seen now: 5 in the bundled tool.
NOW_SIGNIFICANT = [{"domain": "significant", "text": "Picked up in cars", "when": "current"}]


def load(service, tmp_path: Path, what: str, content: dict) -> None:
    """`central-record rules|tools load FILE` against the service's database."""
    path = tmp_path / f"{what}-{len(list(tmp_path.glob('*.json')))}.json"
    path.write_text(json.dumps(content))
    url = service.engine.url.render_as_string(hide_password=False)
    assert cli.main(["--db", url, what, "load", str(path), "--by", "ops.anna"]) == 0


def visit_due(laptop, child_id: str) -> date | None:
    summary = laptop.repo.child_summary(child_id)
    assert summary is not None
    return summary.next_visit_due


def test_a_council_override_moves_a_due_date_on_the_laptop(service, laptops, tmp_path):
    laptop = laptops("alice")
    conn = laptop.vault.store.conn
    # A child on a child protection plan since Monday 1 June 2026, not yet visited.
    child = laptop.repo.create("child", dict(child_data(), legal_status_start="2026-06-01"))
    laptop.sync()
    assert device_status(laptop.vault).council_rules == BUNDLED  # none loaded yet: says so
    assert rules_in_force(conn) is DEFAULT_RULES
    assert visit_due(laptop, str(child.id)) == date(2026, 6, 15)  # 10 working days

    load(service, tmp_path, "rules", {"statutory_visits": {"cp": {"every_working_days": 5}}})
    assert visit_due(laptop, str(child.id)) == date(2026, 6, 15)  # not until it syncs
    laptop.sync()

    # The child did not change: the due dates were recomputed for the new rules.
    assert visit_due(laptop, str(child.id)) == date(2026, 6, 8)
    assert ("visit", "2026-06-08") in laptop.repo.due_items(str(child.id))
    assert laptop.repo.due_rules().timescale("visit", "cp") == (
        "Child protection: every 5 working days"
    )
    status = device_status(laptop.vault)
    assert status.council_rules_version == 1
    assert status.council_rules.startswith("Council rules version 1, ")
    # Kept inside the encrypted store, not in any plain file of the profile.
    for path in laptop.vault.profile.path.rglob("*"):
        if path.is_file():
            assert b"every_working_days" not in path.read_bytes(), path

    # Offline the laptop goes on with the version it holds.
    assert laptop.repo.due_rules().rules["statutory_visits"]["cp"] == {"every_working_days": 5}


def test_a_tool_of_another_version_changes_the_score_on_the_laptop(service, laptops, tmp_path):
    laptop = laptops("alice")
    conn = laptop.vault.store.conn
    laptop.sync()
    bundled = tools_in_force(conn)["seraf-like"]
    assert bundled == load_tools()["seraf-like"] and bundled.version == "1"
    assert score(bundled, NOW_SIGNIFICANT) == (5, "Low")

    weights = [dict(d) for d in SERAF["domains"]]
    weights[2] = dict(weights[2], weight={"current": 11, "0-6m": 11, "6-12m": 1})
    load(service, tmp_path, "tools", dict(SERAF, version="2", domains=weights))
    laptop.sync()

    council = tools_in_force(conn)["seraf-like"]
    assert council.version == "2"
    # The Screening tab reads them so (ScreeningTab.read, on the database thread).
    assert laptop.repo.screening_tools()["seraf-like"] == council
    assert score(council, NOW_SIGNIFICANT) == (11, "High")
    # The tools the council did not replace are still the bundled ones.
    assert tools_in_force(conn)["exploitation-levels"] == load_tools()["exploitation-levels"]
    assert device_status(laptop.vault).council_rules_version == 1


def test_a_sync_with_nothing_new_writes_nothing(service, laptops, tmp_path):
    laptop = laptops("alice")
    load(service, tmp_path, "rules", {"recording_working_days": 3})
    laptop.sync()
    conn = laptop.vault.store.conn
    changes = conn.total_changes
    stored = conn.execute("SELECT value FROM device_meta WHERE key = 'council_rules'").fetchone()
    laptop.sync()
    assert (
        conn.execute("SELECT value FROM device_meta WHERE key = 'council_rules'").fetchone()
        == stored
    )
    # Syncing writes its cursor and last-sync time; the rules are not rewritten
    # (and no child recomputed) when the version is the one held.
    assert conn.total_changes - changes < 5


class _OldService(BaseHTTPRequestHandler):
    """A central record from before council rules: it knows no such route."""

    def do_GET(self):
        body = b'{"code":"not_found","message":"Not Found"}'
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_laptop_syncing_with_an_older_central_record_keeps_its_rules():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _OldService)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        transport = Transport(f"http://127.0.0.1:{server.server_port}", token="x")
        assert transport.council_rules(None) is None
    finally:
        server.shutdown()
        server.server_close()


def test_rules_that_do_not_check_are_not_kept_and_version_0_restores_the_defaults(
    service, laptops, tmp_path
):
    laptop = laptops("alice")
    load(service, tmp_path, "rules", {"return_home_interview_hours": 48})
    laptop.sync()
    conn = laptop.vault.store.conn
    assert rules_in_force(conn).rules["return_home_interview_hours"] == 48
    spoiled = CouncilRules(version=2, due_rules={"return_home_interview_hours": 0}, tools=[])
    with laptop.vault.store.transaction() as tx:
        assert not keep_served(tx, spoiled)
    assert (
        held_version(conn) == 1 and rules_in_force(conn).rules["return_home_interview_hours"] == 48
    )
    # A central record that holds no council rules (version 0): the defaults again.
    with service.engine.begin() as db:
        db.execute(council_rules.delete())
    laptop.sync()
    assert held_version(conn) is None and rules_in_force(conn) is DEFAULT_RULES
    assert device_status(laptop.vault).council_rules == BUNDLED
