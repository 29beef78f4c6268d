"""Search finds words in every script a worker may type, and emoji (issue
15, item 8): a child's own words are recorded as they said them."""

from __future__ import annotations

import pytest

from desktop.search import fts_query, search

NOTES = {
    "emoji": "Drew a 😀 and a 🏠 for the worker",
    "emoji joined": "Sent a thumbs up👍🏽to the group",
    "russian": "Сказала: «Привет, всё хорошо дома»",
    "arabic": "قال: مَرْحَبًا بالعالم",
    "hindi": "उसने कहा नमस्ते दोस्त",
    "chinese": "她说：我在家很安全，谢谢",
    "japanese": "こんにちは、元気です",
    "polish": "Zoë powiedziała: żółw mieszka w ogrodzie",
}
QUERIES = {
    "😀": "emoji",
    "🏠": "emoji",
    "👍": "emoji joined",
    "хорошо": "russian",
    "привет": "russian",
    "مرحبا": "arabic",
    "بالعالم": "arabic",
    "दोस्त": "hindi",
    "नमस्ते": "hindi",
    "安全": "chinese",
    "在家": "chinese",
    "元気": "japanese",
    "zoe": "polish",
    "żółw": "polish",
}


@pytest.fixture
def notes(repo, child):
    ids = {}
    for name, text in NOTES.items():
        record = repo.create(
            "visit",
            {"visit_type": "cin", "start": "2026-05-01T10:00:00+00:00", "observations": text},
            child_id=child.id,
        )
        ids[str(record.id)] = name
    return ids


@pytest.mark.parametrize("query", list(QUERIES))
def test_every_script_and_emoji_is_searchable(store, notes, query):
    found = {notes.get(hit.record_id) for hit in search(store.conn, query)}
    assert QUERIES[query] in found, (query, found)
    assert found - {None} == {QUERIES[query]}  # and nothing else


def test_snippets_show_the_text_as_typed(store, notes):
    (hit,) = search(store.conn, "安全")
    assert "\u200b" not in hit.snippet
    assert hit.snippet.replace("\x02", "").replace("\x03", "").endswith("我在家很安全，谢谢")


def test_a_query_of_punctuation_alone_finds_nothing_and_never_fails(store, notes):
    for text in ("…", '"', "-- ", "*", "(", "NEAR", "“”"):
        assert fts_query(text) is None or isinstance(search(store.conn, text), list)


def test_a_store_made_before_the_new_tokenizer_keeps_its_index(tmp_path):
    import os

    from desktop.store import _statements, apply_migrations, connect, migration_scripts

    conn = connect(tmp_path / "old.db", os.urandom(32))
    try:
        conn.execute(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            " applied_at TEXT NOT NULL)"
        )
        for version, name, sql in migration_scripts():
            if version < 10:
                for statement in _statements(sql):
                    conn.execute(statement)
                conn.execute("INSERT INTO schema_migrations VALUES (?, ?, 'then')", (version, name))
        conn.execute(
            "INSERT INTO search_index (rowid, title, body) VALUES (7, 'Visit', 'met at the 🏠')"
        )
        assert search_rows(conn, "🏠") == []  # the old tokenizer drops emoji
        apply_migrations(conn)
        assert search_rows(conn, "met") == [7]
        conn.execute(
            "INSERT INTO search_index (rowid, title, body) VALUES (8, 'Visit', 'a 🏠 here')"
        )
        assert search_rows(conn, "🏠") == [7, 8]
    finally:
        conn.close()


def search_rows(conn, text: str) -> list[int]:
    query = fts_query(text)
    if query is None:
        return []
    rows = conn.execute("SELECT rowid FROM search_index WHERE search_index MATCH ?", (query,))
    return sorted(r[0] for r in rows)
