"""The offline lease is one gate: every read of case data passes it.

`CaseReader` is walked by introspection, so a read added to it later is
tested here without anyone remembering to: it must raise LeaseExpired once
the lease has run out, or this file fails (and names it). A new read needs
sample arguments in SAMPLE_ARGS, which is the moment to ask whether it
reads case data. The UI side (screens holding only the leased store) is in
tests/ui/test_lease.py and the layering test below.
"""

from __future__ import annotations

import ast
import inspect
from datetime import timedelta
from pathlib import Path

import pytest

from desktop import device
from desktop.case_reader import CaseReader, LeasedStore
from desktop.errors import LeaseExpired
from desktop.repository import CaseRepository
from tests.helpers import NOW

ROOT = Path(__file__).resolve().parents[2]
MARKER = "Quillwort-lease-7c1"

# name -> arguments, given the ids made by `case` below.
SAMPLE_ARGS = {
    "get": lambda ids: (ids["child"],),
    "records_for_child": lambda ids: (ids["child"], "visit"),
    "children": lambda ids: (),
    "pending_ids": lambda ids: (ids["child"], "visit"),
    "is_pending": lambda ids: (ids["visit"],),
    "addenda": lambda ids: (ids["visit"],),
    "all_records": lambda ids: (),
    "caseload": lambda ids: (),
    "child_summary": lambda ids: (ids["child"],),
    "due_items": lambda ids: (ids["child"],),
    "search": lambda ids: (MARKER,),
    "matching_children": lambda ids: (MARKER,),
    "insights": lambda ids: (),
    "chronology": lambda ids: (ids["child"],),
    "draft": lambda ids: ("visit", ids["child"], None),
    "drafts_for_child": lambda ids: (ids["child"],),
    "view_child": lambda ids: (ids["child"],),
    "due_rules": lambda ids: (),
    "team": lambda ids: (),
    "screening_tools": lambda ids: (),
    "temporary_access_ends": lambda ids: (),
    "partner_news": lambda ids: (ids["child"],),
}
NOT_READS = {"check_lease"}  # the gate itself


def public_reads() -> list[str]:
    """Every public method of the reader, and the repository's own reads."""
    names = {n for n, _ in inspect.getmembers(CaseReader, inspect.isfunction)}
    names.add("view_child")
    return sorted(n for n in names if not n.startswith("_") and n not in NOT_READS)


@pytest.fixture
def case(repo, child, store):
    visit = repo.create(
        "visit",
        {"visit_type": "cp_statutory", "start": "2026-05-28T10:00:00+00:00",
         "observations": f"{MARKER} at the skate park"},
        child_id=child.id,
    )  # fmt: skip
    theirs = visit.model_copy(update={"data": {**visit.data, "observations": "theirs"}})
    with store.transaction() as conn:
        device.set_meta(conn, "last_sync", (NOW - timedelta(days=1)).isoformat())
        conn.execute(
            "INSERT INTO conflicts (record_id, child_id, base, theirs, mine, fields, created_at)"
            " VALUES (?, ?, NULL, ?, ?, '[\"observations\"]', ?)",
            (str(visit.id), str(child.id), theirs.model_dump_json(), visit.model_dump_json(),
             NOW.isoformat()),
        )  # fmt: skip
    return {"child": str(child.id), "visit": str(visit.id)}


def expire(store) -> None:
    with store.transaction() as conn:
        device.set_meta(conn, "last_sync", (NOW - timedelta(days=30)).isoformat())


def test_every_read_has_sample_arguments():
    missing = [n for n in public_reads() if n not in SAMPLE_ARGS]
    assert missing == [], f"new reads of case data: give them SAMPLE_ARGS and a lease: {missing}"


@pytest.mark.parametrize("name", public_reads())
def test_a_read_works_while_the_lease_holds_and_is_refused_after(name, repo, store, case):
    read = getattr(repo, name)
    args = SAMPLE_ARGS[name](case)
    read(*args)  # within the lease: no error
    expire(store)
    with pytest.raises(LeaseExpired):
        read(*args)


def test_the_leased_store_gives_no_connection_after_the_lease(repo, store, case):
    leased = repo.leased
    assert isinstance(leased, LeasedStore)
    assert leased.conn.execute("SELECT count(*) FROM records").fetchone()[0] >= 2
    expire(store)
    with pytest.raises(LeaseExpired):
        leased.conn  # noqa: B018 — the property is the gate
    with pytest.raises(LeaseExpired), leased.transaction():
        pass


def test_recording_a_new_visit_stays_allowed_after_the_lease(repo, store, case):
    expire(store)
    visit = repo.create(
        "visit",
        {"visit_type": "cp_statutory", "start": "2026-05-31T10:00:00+00:00"},
        child_id=case["child"],
    )
    assert visit.rev == 0
    assert store.conn.execute("SELECT count(*) FROM records WHERE id = ?", (str(visit.id),))


def test_a_reader_with_no_sync_yet_is_not_expired(store):
    reader = CaseRepository(store, "worker.one", clock=lambda: NOW)
    assert reader.children() == []  # enrolled and never synced: nothing to hide yet


# -- the screens hold only the leased store ------------------------------------

# The only ui/ modules that may reach the store behind the gate, and why.
UNGATED_OK = {
    "ui/context.py": "builds the session: the repository and its leased store",
    "ui/sync_runner.py": "sync's own connection",
}
UNGATED = ("vault.store", "repo.store", "session.vault")


def _ungated_uses(path: Path, root: Path = ROOT) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute):
            text = ast.unparse(node)
            if any(text == u or text.endswith("." + u) for u in UNGATED):
                found.append(f"{path.relative_to(root)}:{node.lineno} {text}")
    return found


def test_no_screen_reads_around_the_gate():
    """A screen that took the store behind the lease (`vault.store`,
    `repo.store`) could read case records after the lease has run out."""
    found = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        if str(path.relative_to(ROOT)) not in UNGATED_OK:
            found += _ungated_uses(path)
    assert found == []


def test_the_screen_check_catches_a_bypass(tmp_path):
    (tmp_path / "ui").mkdir()
    bad = tmp_path / "ui" / "view.py"
    bad.write_text("rows = self.ctx.session.repo.store.conn.execute('SELECT 1')\n")
    assert _ungated_uses(bad, tmp_path) == ["ui/view.py:1 self.ctx.session.repo.store"]
