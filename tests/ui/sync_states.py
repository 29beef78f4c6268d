"""Conflicts and refusals on a laptop without a central record: the real
replica settles its outbox with the answers the central record would give
(the sync tests get the same answers from the real service)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QLineEdit, QPlainTextEdit, QWidget

from desktop.records import server_copy
from desktop.replica import StoreReplica
from sync.kinds import long_text_fields
from sync.merge import merge_fields
from sync.wire import FieldConflict, MutationResult, MutationStatus
from tests.helpers import db


def accept_all(ctx) -> None:
    """Every waiting edit is applied as sent."""

    def run(repo) -> None:
        replica = StoreReplica(repo.store)
        batch = replica.take_batch(100)
        replica.apply_results(
            batch,
            [
                MutationResult(
                    mutation_id=m.mutation_id,
                    status=MutationStatus.applied,
                    record=m.record.model_copy(update={"rev": m.base_rev + 1}),
                )
                for m in batch
            ],
        )

    db(ctx, run)


def answer_conflict(ctx, theirs_changes: dict[str, Any]) -> None:
    """The one waiting edit collides with `theirs_changes`, made centrally."""

    def run(repo) -> None:
        replica = StoreReplica(repo.store)
        (m,) = replica.take_batch(1)
        base = server_copy(repo.store.conn, str(m.record.id))
        theirs = base.model_copy(
            update={"rev": base.rev + 1, "data": {**base.data, **theirs_changes}}
        )
        # As the central record reports it: only what both sides changed.
        colliding = merge_fields(
            base.data, theirs.data, m.record.data, long_text_fields(base.kind)
        ).conflicts
        replica.apply_results(
            [m],
            [
                MutationResult(
                    mutation_id=m.mutation_id,
                    status=MutationStatus.conflict,
                    record=theirs,
                    conflicts=[FieldConflict(field=f) for f, *_ in colliding],
                )
            ],
        )

    db(ctx, run)


def answer_refused(ctx, reason: str) -> None:
    """Every waiting edit is refused with `reason`."""

    def run(repo) -> None:
        replica = StoreReplica(repo.store)
        batch = replica.take_batch(100)
        replica.apply_results(
            batch,
            [
                MutationResult(
                    mutation_id=m.mutation_id, status=MutationStatus.rejected, reason=reason
                )
                for m in batch
            ],
        )

    db(ctx, run)


def _controls(root) -> list:
    return [
        w
        for w in root.findChildren(QWidget)
        if isinstance(w, QAbstractButton | QAbstractItemView | QLineEdit | QPlainTextEdit)
        and w.isVisibleTo(root)
    ]


def unnamed_controls(root) -> list[str]:
    """Visible controls without an accessible name."""
    return [
        f"{type(w).__name__} {getattr(w, 'text', lambda: '')()!r}"
        for w in _controls(root)
        if not w.accessibleName()
    ]


def unreachable_by_tab(root) -> list[str]:
    """Visible, enabled controls that Tab never reaches from `root`."""
    chain, w = [], root.nextInFocusChain()
    while w is not root and w not in chain:
        chain.append(w)
        w = w.nextInFocusChain()
    return [
        w.accessibleName()
        for w in _controls(root)
        if w.isEnabled() and (w not in chain or not w.focusPolicy() & Qt.FocusPolicy.TabFocus)
    ]
