"""The Summary's people around the child: where the child lives, the school
and GP, the household and carers, the parents' contacts and the
professionals involved — read once with the rest of the Summary and shown
as its own section (the Summary's other sections are `ui.child_tabs.summary`'s).
"""

from __future__ import annotations

from html import escape
from typing import Any

from desktop.repository import CaseRepository
from sync.kinds.family import address_text, in_household, is_parent
from ui.child_tabs.family import reading_order
from ui.labels import label

NONE_RECORDED = "None recorded"


def current(data: dict[str, Any]) -> bool:
    """Not closed and not entered in error: someone to name on the Summary."""
    return not data.get("closed") and not data.get("entered_in_error")


def read_family(repo: CaseRepository, child_id: str) -> list[dict[str, Any]]:
    """On the database thread: the child's family and carers, in the Family tab's order."""
    family = sorted(repo.records_for_child(child_id, "family_member"), key=reading_order)
    return [r.data for r in family if current(r.data)]


def _items(lines: list[str]) -> str:
    return "".join(f"<li>{line}</li>" for line in lines) or f"<li>{NONE_RECORDED}</li>"


def _reach(data: dict[str, Any], *, with_address: bool) -> list[str]:
    """How to reach someone, each piece escaped: phone, email, address."""
    parts = [data.get("phone"), data.get("email")]
    if with_address:
        parts.append(address_text(data.get("address")))
    return [escape(p) for p in parts if p]


def _person(data: dict[str, Any], *, as_parent: bool) -> str:
    """'<b>Name</b> — Mother · carer<br>07700 900123': in the household list the
    relationship and whether they care for the child; among the parents
    whether they live with the child, else where they live."""
    words = [label(data.get("relationship"))]
    reach = _reach(data, with_address=as_parent and not in_household(data))
    if as_parent and data.get("lives_with_child"):
        words.append("lives with the child")
    elif not as_parent and data.get("carer"):
        words.append("carer")
    line = f"<b>{escape(data.get('name') or '')}</b> — {escape(' · '.join(w for w in words if w))}"
    line += f"<br>{' · '.join(reach)}" if reach else ""
    if data.get("notes"):
        line += f"<br><i>{escape(data['notes'])}</i>"
    return line


def _professional(data: dict[str, Any]) -> str:
    head = f"<b>{escape(data.get('name') or '')}</b> — {escape(label(data.get('agency')))}"
    if data.get("role"):
        head += f" · {escape(data['role'])}"
    reach = _reach(data, with_address=False)
    return head + (f"<br>{' · '.join(reach)}" if reach else "")


def _organisation(part: dict[str, Any] | None) -> str:
    p = part or {}
    return " · ".join(escape(v) for v in (p.get("name"), p.get("contact"), p.get("phone")) if v)


def where_rows(child: dict[str, Any]) -> list[tuple[str, str]]:
    """(what, its words escaped): the placement address first when there is one."""
    rows = [
        ("Placement address", escape(address_text(child.get("placement_address")))),
        ("Home address", escape(address_text(child.get("address")))),
        ("School", _organisation(child.get("school"))),
        ("GP", _organisation(child.get("gp"))),
    ]
    shown = [(what, words) for what, words in rows if words]
    if not any(what.endswith("address") for what, _ in shown):
        shown.insert(0, ("Address", NONE_RECORDED))
    return shown


def people_html(
    child: dict[str, Any], family: list[dict[str, Any]], involved: list[dict[str, Any]]
) -> str:
    """Where the child lives, the household and carers, the parents' contacts
    and the professionals involved now, one section under another."""
    where = "".join(
        f"<tr><th align='left'>{escape(what)}</th><td>{words}</td></tr>"
        for what, words in where_rows(child)
    )
    household = [_person(p, as_parent=False) for p in family if in_household(p)]
    parents = [_person(p, as_parent=True) for p in family if is_parent(p)]
    professionals = [_professional(p) for p in involved if current(p)]
    return (
        f"<h3>Where the child lives</h3><table cellpadding='2'>{where}</table>"
        f"<h3>Household and carers</h3><ul>{_items(household)}</ul>"
        f"<h3>Parents' contacts</h3><ul>{_items(parents)}</ul>"
        f"<h3>Professionals involved</h3><ul>{_items(professionals)}</ul>"
    )


__all__ = ["current", "people_html", "read_family", "where_rows"]
