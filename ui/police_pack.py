"""The police pack as a `ui.pdf_pages.Printout`: what the police need when
the child goes missing, on as few pages as it takes — who the child is and
the missing-person profile, the recent episodes with where the child was
found and with whom, the concerns still open with the places, persons and
vehicles they name, and the current plan's risks. Marked on every page like
every export (`ui.pdf_pages`); codes in their words, times in England.
"""

from __future__ import annotations

from html import escape
from typing import Any

from desktop.exports import PolicePackExport
from sync.kinds import display_name
from sync.kinds.family import address_text
from sync.wire import Record
from ui.documents import heading, paragraphs, rows_table
from ui.labels import label
from ui.pdf_pages import Printout
from ui.text import day_text, moment_text

NONE = "<p>None recorded.</p>"
_ONE_LINE = "white-space:nowrap"  # a time is read whole


def _joined(*parts: str | None, between: str = " ") -> str:
    return between.join(p for p in parts if p)


def _listed(items: list[str] | None) -> str:
    return "; ".join(i for i in items or [] if i)


def _child(child: dict[str, Any]) -> str:
    profile = child.get("missing_profile") or {}
    where = child.get("placement_address") or child.get("address")
    school = (child.get("school") or {}).get("name") or ""
    who = rows_table([
        ("Name", f"{child.get('first_name', '')} {child.get('last_name', '')}".strip()),
        ("Known as", child.get("preferred_name") or ""),
        ("Aliases", _listed(child.get("aliases"))),
        ("Date of birth", day_text(child.get("date_of_birth"))),
        ("Sex", child.get("sex") or ""),
        ("Ethnicity", child.get("ethnicity") or ""),
        ("Lives at", address_text(where)),
        ("School", school),
    ])  # fmt: skip
    facts = rows_table([
        ("Description", profile.get("description") or ""),
        ("Health needs", profile.get("health_needs") or ""),
        ("Medication", profile.get("medication") or ""),
        ("Associates", _listed(profile.get("associates"))),
        ("Places frequented", _listed(profile.get("locations_frequented"))),
        ("Phones", _listed(profile.get("phones"))),
        ("Social media", _listed(profile.get("social_handles"))),
        ("Last reviewed", day_text(profile.get("last_reviewed")) or "Not reviewed yet"),
    ])  # fmt: skip
    risks = paragraphs(profile["risks"]) if profile.get("risks") else ""
    return (
        f"<h2>The child</h2>{who}<h2>Missing-person profile</h2>{facts}"
        f"{'<h3>Risks</h3>' + risks if risks else ''}"
    )


def _episodes(episodes: list[Record]) -> str:
    if not episodes:
        return f"<h2>Recent missing episodes</h2>{NONE}"
    cells = "".join(
        f"<tr><td style='{_ONE_LINE}'>{escape(moment_text(d.get('start')))}</td>"
        f"<td style='{_ONE_LINE}'>{escape(moment_text(d.get('end')) or 'Missing now')}</td>"
        f"<td>{escape(_joined(d.get('found_location'), d.get('found_postcode')))}</td>"
        f"<td>{escape(d.get('found_with') or '')}</td>"
        f"<td>{escape(d.get('police_reference') or '')}</td></tr>"
        for d in (e.data for e in episodes)
    )
    titles = ("Went missing", "Came back", "Found at", "Found with", "Police reference")
    head = "".join(f"<th>{t}</th>" for t in titles)
    return (
        "<h2>Recent missing episodes</h2><table cellpadding='3' width='100%'>"
        f"<thead><tr>{head}</tr></thead>{cells}</table>"
    )


def _concern(record: Record) -> str:
    d = record.data
    places = [" ".join(x for x in (p.get("name"), p.get("postcode")) if x) for p in d["places"]]
    persons = [
        ", ".join(x for x in (p.get("name"), _age(p.get("approx_age")), p.get("description")) if x)
        for p in d["persons"]
    ]
    vehicles = [
        " ".join(x for x in (v.get("registration"), v.get("colour"), v.get("make"), v.get("model"))
                 if x)
        for v in d["vehicles"]
    ]  # fmt: skip
    facts = rows_table([
        ("Source", f"{d.get('source')} ({label(d.get('reliability'))})"),
        ("Places", "; ".join(p for p in places if p)),
        ("Persons", "; ".join(p for p in persons if p)),
        ("Vehicles", "; ".join(v for v in vehicles if v)),
        ("Sharing restriction", d.get("sharing_restriction") or ""),
    ])  # fmt: skip
    title = f"{label(d.get('category'))}, received {moment_text(d.get('received_at'))}"
    narrative = paragraphs(d["narrative"]) if d.get("narrative") else ""
    return f"<h3>{escape(title)}</h3>{facts}{narrative}"


def _age(age: int | None) -> str:
    return f"about {age}" if age is not None else ""


def _plan(plan: Record | None) -> str:
    if plan is None:
        return f"<h2>Current plan's risks</h2>{NONE}"
    d = plan.data
    facts = rows_table([
        ("Plan", f"{label(d.get('plan_type'))} ({label(d.get('status'))})"),
        ("Risk now", label(d.get("risk_level_now")) or "Not recorded"),
    ])  # fmt: skip
    contingency = d.get("contingency") or ""
    if contingency:
        contingency = f"<h3>If the child goes missing again</h3>{paragraphs(contingency)}"
    return f"<h2>Current plan's risks</h2>{facts}{paragraphs(d.get('risks') or '')}{contingency}"


def police_pack_printout(export: PolicePackExport) -> Printout:
    child = export.child
    reported = [e for e in export.episodes if e.data.get("reported_to_police")]
    told = f"{len(reported)} of {len(export.episodes)}" if export.episodes else ""
    concerns = "".join(_concern(c) for c in export.concerns) or NONE
    title = f"Missing person pack — {display_name(child)}"
    told_row = rows_table([("Episodes reported to police", told)]) if told else ""
    return Printout(
        f"{heading(export.marking, title)}<br/>{_child(child)}{_episodes(export.episodes)}"
        f"{told_row}<h2>Open concerns</h2>{concerns}{_plan(export.plan)}"
    )


__all__ = ["police_pack_printout"]
