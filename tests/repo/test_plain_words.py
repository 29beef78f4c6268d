"""Plain words in the core (issue 15, item 4): titles an older Caseworker
stored are derived again when the store opens, and a schema's refusal reads
as the field and what to do, never as pydantic's words."""

from __future__ import annotations

from desktop.chronology import chronology
from desktop.refused import plain_reason
from desktop.repository import CaseRepository
from desktop.rule_words import problem_text, reason_text, what_to_do
from desktop.search import search
from desktop.titles import derive_titles_again, titles_current
from desktop.worker_text import as_text, from_words
from sync.kinds.common import RiskLevel
from tests.helpers import NOW, PASSPHRASE, create_vault
from tests.ui.visible_text import problems

VISIT = {"visit_type": "cin", "start": "2026-05-01T10:00:00+00:00", "observations": "Seen."}


def test_titles_stored_in_codes_are_derived_again_once_when_the_vault_opens(vault):
    store = create_vault(vault).store
    repo = CaseRepository(store, "worker.one", clock=lambda: NOW)
    ada = {"first_name": "Ada", "last_name": "Quill", "date_of_birth": "2014-01-01"}
    child = repo.create("child", {**ada, "legal_status": "cin"})
    visit = repo.create("visit", VISIT, child_id=child.id)
    # As a laptop that saved it before the kinds declared their words.
    with store.transaction() as conn:
        conn.execute("UPDATE records SET title = 'Visit: cin' WHERE id = ?", (str(visit.id),))
        conn.execute("DELETE FROM device_meta WHERE key = 'titles_version'")
    assert not titles_current(store)
    assert [e.title for e in chronology(store.conn, str(child.id))] == ["Visit: cin"]
    vault.lock()

    store = vault.unlock(PASSPHRASE)
    (entry,) = chronology(store.conn, str(child.id))
    assert entry.title == "Visit: Child in need"
    assert entry.summary == "Seen."
    assert search(store.conn, "need"), "the search index has the new title"
    assert titles_current(store) and derive_titles_again(store) == 0  # once


def test_a_missing_education_episode_saved_before_titles_3_says_whether_it_is_open(vault):
    store = create_vault(vault).store
    repo = CaseRepository(store, "worker.one", clock=lambda: NOW)
    ada = {"first_name": "Ada", "last_name": "Quill", "date_of_birth": "2014-01-01"}
    child = repo.create("child", {**ada, "legal_status": "cin"})
    episode = repo.create("cme_episode", {"notified_at": "2026-05-01"}, child_id=child.id)
    with store.transaction() as conn:  # as version 2 saved it: the label alone
        conn.execute("UPDATE records SET title = 'Missing education' WHERE id = ?",
                     (str(episode.id),))  # fmt: skip
        conn.execute("UPDATE device_meta SET value = '2' WHERE key = 'titles_version'")
    vault.lock()
    store = vault.unlock(PASSPHRASE)
    assert [e.title for e in chronology(store.conn, str(child.id))] == ["Missing education: Open"]


def test_pydantic_rules_read_as_what_to_do():
    assert what_to_do("String should have at most 100000 characters") == (
        "make it shorter: it can hold at most 100,000 characters"
    )
    assert what_to_do("String should have at least 1 character") == "fill it in"
    assert what_to_do("Field required") == "fill it in"
    assert what_to_do("Input should be 'cse', 'cce' or 'other'") == (
        "choose one of Child sexual exploitation, Child criminal exploitation, Other"
    )
    assert what_to_do("Input should be a valid datetime, invalid character") == "enter a date"
    assert problem_text("child_seen", "say whether the child was seen before finalising") == (
        "Child seen — say whether the child was seen before finalising"
    )
    assert reason_text("vehicles.0.registration: must be letters and digits only, at most 8") == (
        "Vehicles row 1, registration — must be letters and digits only, at most 8"
    )


def test_the_central_records_reasons_read_as_the_field_and_what_to_do():
    for reason in (
        "observations: String should have at most 100000 characters",
        "category: Input should be 'cse', 'cce' or 'other'",
        "the merged record is not valid: source: String should have at least 1 character",
        "child_seen: say whether the child was seen before finalising",
    ):
        words = plain_reason(reason)
        assert not problems(words), (reason, words)
    assert plain_reason("observations: String should have at most 100000 characters") == (
        "Observations — make it shorter: it can hold at most 100,000 characters"
    )


def test_a_code_is_edited_as_its_words():
    assert as_text("not_at_risk", RiskLevel) == "Not at risk"
    assert as_text(["low", "high"], RiskLevel) == "Low\nHigh"
    assert from_words("not at risk", RiskLevel, many=False) == "not_at_risk"
    assert from_words("Low\nHigh\n", RiskLevel, many=True) == ["low", "high"]
    assert from_words("", RiskLevel, many=False) is None
    try:
        from_words("very", RiskLevel, many=False)
    except ValueError as exc:
        assert str(exc) == "choose one of Not at risk, Low, Medium, High"
    else:
        raise AssertionError("words no choice has were taken")
