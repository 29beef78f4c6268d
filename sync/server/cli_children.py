"""`central-record access …` and `referral …`: break-the-glass grants and
referrals of new children, for the central team (coordinators) and the
child's manager. Names and reasons are printed for the operator who asked,
never logged."""

from __future__ import annotations

import argparse
import getpass

from sync.server import glass, referrals
from sync.server.db import check_current, make_engine, resolve_url


def cmd_access(args: argparse.Namespace) -> int:
    engine = make_engine(args.db)
    check_current(engine, resolve_url(args.db))
    with engine.connect() as conn:
        lines = glass.listing(conn, args.child)
    if not lines:
        print("No temporary access granted.")
    for g in lines:
        state = f"ended {g.ended_at:%d %b %Y %H:%M}" if g.ended_at else "in force"
        print(
            f"{g.granted_at:%d %b %Y %H:%M} UTC  {g.worker}  child {g.child_id}  "
            f"until {g.ends_at:%d %b %Y %H:%M} ({state})  why: {g.reason}"
        )
    return 0


def cmd_referral(args: argparse.Namespace) -> int:
    engine = make_engine(args.db)
    check_current(engine, resolve_url(args.db))
    by = getattr(args, "by", None) or getpass.getuser()
    if args.action == "list":
        found = referrals.listing(engine, every=args.all)
        if not found:
            print("No referrals waiting.")
        for r in found:
            print(
                f"{r.child_id}  {r.name}, born {r.date_of_birth}  proposed by {r.worker} "
                f"{r.proposed_at:%d %b %Y %H:%M} UTC  ({r.state})"
            )
            for twin in r.possible_duplicates:
                print(f"    possibly the same as {twin.words()}")
    elif args.action == "accept":
        referrals.accept(engine, args.child, by=by)
        print(f"Accepted child {args.child}.")
    elif args.action == "merge":
        moved = referrals.merge(engine, args.child, args.into, by=by)
        print(f"Merged child {args.child} into {args.into} ({moved} records moved).")
    else:
        referrals.decline(engine, args.child, by=by)
        print(f"Declined child {args.child}; laptops purge it at their next sync.")
    return 0


def add_children_verbs(sub: argparse._SubParsersAction) -> None:
    access = sub.add_parser(
        "access", help="break-the-glass grants: who opened which child, when and why"
    ).add_subparsers(dest="action", required=True)
    lst = access.add_parser("list", help="every grant, newest first")
    lst.add_argument("--child", help="only this child's")
    lst.set_defaults(fn=cmd_access)

    ref = sub.add_parser(
        "referral", help="children proposed from laptops: list, accept, merge, decline"
    ).add_subparsers(dest="action", required=True)
    rl = ref.add_parser("list", help="referrals waiting, with possible duplicates")
    rl.add_argument("--all", action="store_true", help="decided ones too")
    rl.set_defaults(fn=cmd_referral)
    for verb, what in (("accept", "keep it as proposed"), ("decline", "do not keep it")):
        p = ref.add_parser(verb, help=what)
        p.add_argument("child")
        p.add_argument("--by", help="who decides (default: this account)")
        p.set_defaults(fn=cmd_referral)
    m = ref.add_parser("merge", help="it is a child already on the record: merge it into that one")
    m.add_argument("child")
    m.add_argument("--into", required=True, metavar="CHILD", help="the child it is")
    m.add_argument("--by", help="who decides (default: this account)")
    m.set_defaults(fn=cmd_referral)
