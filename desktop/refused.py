"""Not accepted: edits the central record refused, kept until the worker
settles them.

A refused edit stays in the outbox (state 'rejected') with the central
record's reason. Until the worker settles it, the record itself shows the
central record's version (pulls replace it as usual) and the worker's text
is shown beside it here; the child is not purged while one remains
(`desktop.purges.open_work`). The worker can:

- edit and resend: the edited fields go onto the record as it is now, as a
  new edit that keeps the original `made_at` (the central record's grace
  period after a child leaves the caseload counts from it);
- copy the text, to put it elsewhere;
- add it as an addendum, when the record is a visit note that is final;
- discard it, after confirming (the UI asks): audited as an edit event.

Every read here passes the repository's lease check first.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from desktop import audit, outbox
from desktop.records import get_record, server_copy
from desktop.repository import CaseRepository
from desktop.rule_words import reason_text
from desktop.worker_text import (
    FieldText,
    changed_fields,
    keep_as_addenda,
    plain_text,
)
from sync.errors import RecordInvalid
from sync.kinds import display_name
from sync.wire import Record

REFUSED_AS_ADDENDUM = (
    "Kept from a change the central record did not accept: the note had been "
    "finalised, so the text could not go into the note itself."
)
DISCARDED = "discarded a change the central record did not accept"

# The central record's reasons name a field ("field: rule"); the usual ones
# are said in plain words, the rest with the field's name spelled out.
_KNOWN = (
    (
        # Also the central record's wording for an edit past the grace period.
        re.compile(r"^child_id: .*caseload"),
        "This child is no longer on your caseload, and the central record no longer "
        "accepts changes to their record from you.",
    ),
    (
        re.compile(r"^status: this visit note is final"),
        "The visit note was finalised before your change arrived, so it cannot be "
        "changed. Keep your text as an addendum instead.",
    ),
    (
        # sync.kinds.restriction.NOT_YOURS: the record is gone from this laptop.
        re.compile(r"^restricted_to \(Seen only by\): this record is restricted"),
        "This record is now seen only by other agencies, so your change was not "
        "accepted and the record is no longer on this laptop. Copy your text if it "
        "belongs elsewhere.",
    ),
)


def plain_reason(reason: str | None) -> str:
    """The central record's reason for a worker to read."""
    text = (reason or "").strip()
    for pattern, words in _KNOWN:
        if pattern.match(text):
            return words
    merged = text.removeprefix("the merged record is not valid: ")
    prefix = (
        "Combined with changes made elsewhere, the record breaks a rule. " if merged != text else ""
    )
    if not merged:
        return prefix + "The central record refused this change."
    words = reason_text(merged)
    return prefix + words[:1].upper() + words[1:]


@dataclass(frozen=True)
class Refused:
    mutation_id: str
    record_id: str
    child_id: str
    child_name: str
    kind: str
    #: the central record's reason, in plain words
    reason: str
    #: when the worker first typed it, and when the central record refused it
    made_at: str
    refused_at: str | None
    #: the worker's text beside the central record's, field by field
    fields: list[FieldText]
    #: the central record's version, as the record now shows; None if it has none
    theirs: Record | None

    @property
    def can_add_addendum(self) -> bool:
        return (
            self.theirs is not None
            and self.theirs.kind == "visit"
            and self.theirs.data.get("status") == "final"
            and bool(self.fields)
        )


def _refused(repo: CaseRepository, entry: outbox.OutboxEntry) -> Refused:
    conn = repo.store.conn
    mine = entry.mutation.record
    rid, cid = str(mine.id), str(mine.child_id)
    theirs = server_copy(conn, rid)
    base = json.loads(entry.base) if entry.base else None
    child = get_record(conn, cid)
    return Refused(
        mutation_id=str(entry.mutation.mutation_id),
        record_id=rid,
        child_id=cid,
        child_name=display_name(child.data) if child is not None else "",
        kind=mine.kind.value,
        reason=plain_reason(entry.reason),
        made_at=entry.mutation.made_at.isoformat() if entry.mutation.made_at else "",
        refused_at=entry.refused_at,
        fields=changed_fields(mine.kind, base, theirs.data if theirs else None, mine.data),
        theirs=theirs,
    )


def list_refused(repo: CaseRepository) -> list[Refused]:
    """Every edit the central record refused and the worker has not settled."""
    repo.check_lease()
    return [_refused(repo, e) for e in outbox.rejected(repo.store.conn)]


def _entry(repo: CaseRepository, mutation_id: str) -> outbox.OutboxEntry:
    repo.check_lease()
    entry = outbox.rejected_entry(repo.store.conn, mutation_id)
    if entry is None:
        raise RecordInvalid("id", "id: that change is no longer in the Not accepted list")
    return entry


def text_of(repo: CaseRepository, mutation_id: str) -> str:
    """The worker's text, field by field, to copy elsewhere."""
    refused = _refused(repo, _entry(repo, mutation_id))
    return plain_text(refused.fields, refused.kind)


def resend(repo: CaseRepository, mutation_id: str, edited: dict[str, Any]) -> Record:
    """Send the worker's fields again, as edited, onto the record as it is
    now: validated like any edit; nothing is stored if it does not pass."""
    entry = _entry(repo, mutation_id)
    mine = entry.mutation.record
    rid = str(mine.id)
    local = get_record(repo.store.conn, rid)
    with repo.store.transaction() as tx:
        outbox.forget(tx, mutation_id)
        if local is not None and not local.deleted:
            record = repo.update(rid, edited)
        else:
            # Never accepted: created again under its own id, so the records
            # that point at it (an addendum's visit, a child's records) still do.
            record = repo._write(
                mine.kind, rid, str(mine.child_id), {**mine.data, **edited}, old=None
            )
        outbox.backdate(tx, rid, entry.made_at)
    return record


def add_as_addendum(repo: CaseRepository, mutation_id: str) -> list[Record]:
    """Keep the worker's text as addenda to the final note it was refused for."""
    entry = _entry(repo, mutation_id)
    refused = _refused(repo, entry)
    if not refused.can_add_addendum:
        raise RecordInvalid("visit_id", "visit_id: only text for a final visit note can be added")
    with repo.store.transaction() as tx:
        outbox.forget(tx, mutation_id)
        return keep_as_addenda(
            repo,
            refused.record_id,
            refused.fields,
            made_at=entry.made_at.isoformat(),
            why=REFUSED_AS_ADDENDUM,
        )


def discard(repo: CaseRepository, mutation_id: str) -> None:
    """Drop a refused edit for good (the UI has asked the worker first)."""
    entry = _entry(repo, mutation_id)
    record = entry.mutation.record
    with repo.store.transaction() as tx:
        outbox.forget(tx, mutation_id)
        audit.append(
            tx,
            actor=repo.worker,
            action="edit",
            child_id=str(record.child_id),
            record_id=str(record.id),
            detail=DISCARDED,
        )
