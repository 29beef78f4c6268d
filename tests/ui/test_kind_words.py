"""Kinds describe themselves: every kind and every stored code a screen can
show reads as words declared in its schema (sync/kinds), never as the code
or the code with its underscores swapped for spaces."""

from __future__ import annotations

import types
import typing
from datetime import UTC, datetime
from enum import Enum

from pydantic import BaseModel

from desktop.chronology import CHRONOLOGY_KINDS, describe
from desktop.summary import ChildSummary
from sync.kinds import KINDS
from sync.wire import Kind
from ui.caseload_model import Col, make_row
from ui.child_tabs.summary import SummaryFacts, summary_html
from ui.labels import choices, kind_label, label

# Codes no worker should have to decode: their words must say more than the code.
ABBREVIATIONS = {"cin", "cp", "cla", "cse", "cce", "cme", "csc", "camhs", "uasc", "send", "mace",
                 "mset", "mase", "y", "n", "na", "0-6m", "6-12m"}  # fmt: skip


def _mechanical(code: str) -> str:
    return code.replace("_", " ").capitalize()


def _enums(annotation: object, seen: set[type]) -> set[type[Enum]]:
    """The enums a field's type can hold, through optionals, lists and parts."""
    found: set[type[Enum]] = set()
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        found.add(annotation)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in seen:
            seen.add(annotation)
            for f in annotation.model_fields.values():
                found |= _enums(f.annotation, seen)
    elif typing.get_origin(annotation) in (typing.Union, types.UnionType, list, typing.Annotated):
        for arg in typing.get_args(annotation):
            found |= _enums(arg, seen)
    return found


def all_enums() -> set[type[Enum]]:
    seen: set[type] = set()
    return {e for model in KINDS.values() for e in _enums(model, seen)}


def test_every_kind_has_a_label_of_its_own():
    assert {k.value for k in Kind} == set(KINDS)  # the wire's list of kinds agrees
    for kind, model in KINDS.items():
        words = model.label
        assert words and words != kind and "_" not in words, kind
        assert kind_label(kind) == words
    assert kind_label("cme_episode") == "Missing education"  # not "Cme episode"
    assert kind_label("missing_episode") == "Missing episode"


def test_every_enum_value_a_screen_can_show_has_declared_words():
    enums = all_enums()
    assert len(enums) >= 25  # every enum of every kind, nested parts too
    for enum in enums:
        for member in enum:
            words = getattr(member, "words", "")
            assert words, f"{enum.__name__}.{member.name} declares no words"
            assert words != member.value and "_" not in words, (enum.__name__, member.value)
            if member.value in ABBREVIATIONS:
                assert words != _mechanical(member.value), (enum.__name__, member.value)
            # Screens hold the stored code, a plain string: it reads the same.
            assert label(member.value) == words, (enum.__name__, member.value)
            assert label(member) == words
        assert [text for text, _value in choices(enum)] == [m.words for m in enum]


def test_known_raw_codes_read_as_words():
    assert label("not_at_risk") == "Not at risk"
    assert label("cin") == "Child in need"
    assert label("cse") == "Child sexual exploitation"
    assert label("mset") != "Mset" and label("uasc") != "Uasc"


def test_every_chronology_title_reads_as_words():
    for kind in CHRONOLOGY_KINDS:
        model = KINDS[kind]
        assert model.when_field in model.model_fields, kind
        field = model.model_fields.get(model.detail_field or "")
        enum = next(iter(_enums(field.annotation, set())), None) if field else None
        for member in enum or ():
            data = {model.detail_field: member.value, "end": "2026-07-01T10:00:00+00:00"}
            _at, title, _summary = describe(kind, data, "2026-07-01T10:00:00+00:00")
            assert title == f"{model.label}: {member.words}", (kind, member.value)
    assert describe("visit", {"visit_type": "cin"}, "")[1] == "Visit: Child in need"
    assert describe("concern", {"category": "cse"}, "")[1] == ("Concern: Child sexual exploitation")
    assert describe("missing_episode", {"start": "x"}, "")[1] == "Missing episode: Open"
    assert describe("child", {"first_name": "Ada", "last_name": "Quill"}, "")[1] == "Ada Quill"
    assert describe("visit", {"visit_type": "cin", "observations": " First\nSecond"}, "")[2] == (
        "First"
    )


def _summary(risk: str) -> ChildSummary:
    return ChildSummary("c1", "Ada Quill", None, "cp", risk, [], False, False, False, None,
                        None, None, None, None, 0, 0, 0, 0, 0)  # fmt: skip


def test_risk_levels_read_as_words_on_the_summary_and_the_caseload():
    for risk, words in (("not_at_risk", "Not at risk"), ("high", "High")):
        facts = SummaryFacts({"legal_status": "cla"}, _summary(risk), [], [], datetime.now(UTC))
        html = summary_html(facts)
        assert f"<th>Risk level</th><td>{words}</td>" in html
        assert "Not_at_risk" not in html
        assert make_row(_summary(risk), datetime.now(UTC).date()).cells[Col.risk] == words
