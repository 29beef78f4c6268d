"""`central-record`: run and administer the central record service."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from sync.kinds.common import Agency, Choice
from sync.server import accounts, admin, identity_provider, logs, restores, settings
from sync.server.cli_children import add_children_verbs
from sync.server.council_rules import RulesFileRefused
from sync.server.db import (
    SchemaOutOfDate,
    check_current,
    data_dir,
    make_engine,
    migrate,
    resolve_url,
)
from sync.server.roles import DEFAULT_AGENCY, DEFAULT_ROLE, DEFAULT_TEAM, Role


def _password(args: argparse.Namespace, prompt: str = "Password") -> str:
    if getattr(args, "password_stdin", False):
        line = sys.stdin.readline().rstrip("\n")
        if not line:
            raise admin.AdminError("No password on standard input.")
        return line
    first = getpass.getpass(f"{prompt}: ")
    if getpass.getpass(f"{prompt} (again): ") != first:
        raise admin.AdminError("The two passwords did not match.")
    return first


def _codes(kind: type[Choice]) -> str:
    return ", ".join(member.value for member in kind)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("--workers: give a whole number of at least 1")
    return value


def cmd_serve(args: argparse.Namespace) -> int:
    from sync.server.serving import serve

    url = resolve_url(args.db)
    # Secrets first: a service that cannot open what another instance sealed
    # must not start at all (see sync.server.settings). Every worker process
    # loads the same ones again (see sync.server.serving).
    secrets = settings.load_secrets(
        args.secrets_file, embedded_home=None if url.startswith("postgresql") else data_dir()
    )
    settings.trusted_networks(args.trusted_proxies)  # refuse a bad one here, once
    provider_file = identity_provider.settings_path(args.identity_provider)
    if provider_file:
        identity_provider.load(provider_file, secrets)  # refuse a bad one here, once
    tls = settings.tls_files(args.certfile, args.keyfile)
    engine = make_engine(url)
    if resolve_url(None) == url and url.startswith("sqlite") and args.db is None:
        migrate(engine)  # the embedded database is ours to keep current
    check_current(engine, url)
    engine.dispose()
    serve(
        url=url,
        secrets_file=args.secrets_file,
        trusted_proxies=args.trusted_proxies,
        host=args.host,
        port=args.port,
        workers=args.workers,
        tls=tls,
        identity_provider_file=str(provider_file) if provider_file else None,
    )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from sync.server.check import run_checks

    findings = list(
        run_checks(
            db=args.db,
            secrets_file=args.secrets_file,
            trusted_proxies=args.trusted_proxies,
            certfile=args.certfile,
            keyfile=args.keyfile,
            identity_provider_file=args.identity_provider,
        )
    )
    for finding in findings:
        print(finding.line())
    return 0 if all(f.ok for f in findings) else 1


def cmd_secrets(args: argparse.Namespace) -> int:
    settings.create_secrets_file(Path(args.path))
    print(
        f"Wrote new secrets to {args.path} (owner-only). Copy it to every host that serves "
        f"this database and start each with: central-record serve --secrets-file PATH"
    )
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    print(f"Database at schema revision {migrate(make_engine(args.db))}.")
    return 0


def cmd_restored(args: argparse.Namespace) -> int:
    engine = make_engine(args.db)
    check_current(engine, resolve_url(args.db))
    epoch = restores.mark_restored(engine)
    print(
        f"Marked as restored from a backup (epoch {epoch}). At their next sync, laptops "
        "re-read their caseloads and send back what they hold that the backup lacks."
    )
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    engine = make_engine(args.db)
    check_current(engine, resolve_url(args.db))
    if args.action == "add":
        accounts.add_worker(
            engine,
            args.name,
            _password(args),
            role=args.role,
            team=args.team,
            agency=args.agency,
        )
        print(f"Added worker {args.name}.")
    elif args.action == "set-role":
        role = accounts.set_role(engine, args.name, args.role)
        print(f"{args.name} is now a {role.words.lower()}, from their devices' next request.")
    elif args.action == "set-team":
        accounts.set_team(engine, args.name, args.team)
        print(f"{args.name} is now in {args.team}; their children moved to its manager.")
    elif args.details:
        for w in accounts.describe_workers(engine):
            print(f"{w.name}  {w.role.value}  {w.agency.value}  {w.team or '-'}")
    else:
        for name in admin.list_workers(engine):
            print(name)
    return 0


def cmd_team(args: argparse.Namespace) -> int:
    engine = make_engine(args.db)
    check_current(engine, resolve_url(args.db))
    if args.action == "add":
        accounts.add_team(engine, args.name, manager=args.manager)
        print(f"Added team {args.name}.")
    elif args.action == "set-manager":
        accounts.set_team_manager(engine, args.name, args.manager)
        print(f"{args.manager} now manages {args.name}.")
    else:
        for name, manager in accounts.list_teams(engine):
            print(f"{name}  {manager or '(no manager)'}")
    return 0


def cmd_device(args: argparse.Namespace) -> int:
    engine = make_engine(args.db)
    check_current(engine, resolve_url(args.db))
    if args.action == "revoke":
        admin.revoke_device(engine, args.id)
        print(f"Revoked device {args.id}; it will wipe itself at its next contact.")
    elif args.action == "recovery-code":
        from sync.server import auth, recovery_codes

        try:
            with engine.begin() as conn:
                code = recovery_codes.issue_recovery_code(conn, args.id, None, auth.now())
        except recovery_codes.NoSuchDevice as exc:
            raise admin.AdminError(str(exc)) from None
        minutes = int(recovery_codes.VALID_FOR.total_seconds() // 60)
        print(code)
        print(
            f"Give this code to the worker only after checking who is asking. It recovers "
            f"device {args.id} once, within {minutes} minutes.",
            file=sys.stderr,
        )
    else:
        for d in admin.list_devices(engine, args.worker):
            state = "revoked" if d["revoked"] else "active"
            print(f"{d['id']}  {d['worker']}  {d['name']}  {state}")
    return 0


def cmd_assign(args: argparse.Namespace, assigned: bool) -> int:
    engine = make_engine(args.db)
    check_current(engine, resolve_url(args.db))
    changed = admin.set_assignment(engine, args.worker, args.child, assigned)
    verb = "Assigned" if assigned else "Unassigned"
    print(
        f"{verb} {args.child} {'to' if assigned else 'from'} {args.worker}."
        if changed
        else "No change."
    )
    return 0


def cmd_policy(args: argparse.Namespace) -> int:
    engine = make_engine(args.db)
    check_current(engine, resolve_url(args.db))
    new = admin.set_policy(
        engine,
        idle_lock_minutes=args.idle_lock_minutes,
        unlock_attempt_limit=args.unlock_attempt_limit,
        max_offline_days=args.max_offline_days,
        min_client_version=args.min_client_version,
        edit_grace_days=args.edit_grace_days,
        temporary_access_hours=args.temporary_access_hours,
        console_idle_minutes=args.console_idle_minutes,
        council_name=args.council_name,
        workers_may_create_children=(
            None
            if args.workers_may_create_children is None
            else args.workers_may_create_children == "yes"
        ),
    )
    print(new.model_dump_json(indent=2))
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    """`rules load FILE`, `tools load FILE…` and their `show`."""
    from sync.server import council_rules

    engine = make_engine(args.db)
    check_current(engine, resolve_url(args.db))
    if args.action == "load":
        by = args.by or getpass.getuser()
        if args.command == "rules":
            raw = council_rules.read_file(args.file)
            new = council_rules.load_due_rules(engine, raw, by=by, source=Path(args.file).name)
        else:
            given = [(Path(f).name, council_rules.read_file(f)) for f in args.files]
            new = council_rules.load_tools(engine, given, by=by)
        print(f"Loaded as council rules version {new.version}; laptops take it at their next sync.")
        return 0
    with engine.connect() as conn:
        now = council_rules.current(conn)
    for line in council_rules.describe(now):
        print(line)
    if now is not None:
        import json

        shown = now.due_rules if args.command == "rules" else now.tools
        print(json.dumps(shown, indent=2))
    return 0


def cmd_child(args: argparse.Namespace) -> int:
    import json

    engine = make_engine(args.db)
    check_current(engine, resolve_url(args.db))
    # The child's details come on standard input, never the command line,
    # where every user of the machine can read them.
    try:
        data = json.loads(sys.stdin.read())
    except ValueError:
        raise admin.AdminError("Standard input must be the child's record as JSON.") from None
    if not isinstance(data, dict):
        raise admin.AdminError("Standard input must be the child's record as a JSON object.")
    child_id = admin.add_child(
        engine, data, assign_to=args.assign, by="central team", even_if_similar=args.even_if_similar
    )
    print(child_id)
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from sync.server import audit_trail

    engine = make_engine(args.db)
    check_current(engine, resolve_url(args.db))
    try:
        entries = list(audit_trail.read_on_host(engine, args.child))
    except ValueError as exc:
        raise admin.AdminError(str(exc)) from None
    if not entries:
        print("Nothing is recorded for this child yet.")
    for entry in entries:
        print(audit_trail.line(entry))
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    from sync.server.demo import load_demo

    engine = make_engine(args.db)
    migrate(engine)
    for line in load_demo(
        engine, seed=args.seed, children=args.children, per_child=args.records_per_child
    ):
        print(line)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="central-record", description=__doc__)
    parser.add_argument(
        "--db", help="database URL (default: $CENTRAL_RECORD_DB or embedded SQLite)"
    )
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument(
        "--log-format",
        choices=logs.FORMATS,
        help=f"log lines as key=value text or one JSON object each (default: "
        f"${logs.ENV_LOG_FORMAT}, else text)",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="run the HTTP service")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument(
        "--workers",
        type=_positive,
        default=1,
        help="worker processes (uvicorn's process model; each shares the database and "
        "the secrets), default 1",
    )
    p.add_argument(
        "--secrets-file",
        help=f"the secrets every instance shares (default: ${settings.ENV_SECRETS_FILE}); "
        "required on PostgreSQL, see `secrets create`",
    )
    p.add_argument(
        "--trusted-proxies",
        help="comma-separated addresses or networks of the proxies whose X-Forwarded-For "
        f"is believed (default: ${settings.ENV_TRUSTED_PROXIES}, else none)",
    )
    p.add_argument("--certfile", help="serve HTTPS with this certificate chain (PEM)")
    p.add_argument("--keyfile", help="the certificate's private key (PEM, owner-only)")
    p.add_argument(
        "--identity-provider",
        metavar="FILE",
        help="the council's OpenID Connect provider settings, TOML (default: "
        f"${identity_provider.ENV_IDENTITY_PROVIDER}; see docs/identity-provider.md)",
    )
    p.set_defaults(fn=cmd_serve)
    chk = sub.add_parser(
        "check", help="verify the configuration, schema and secrets `serve` would use"
    )
    for option in (
        "--secrets-file",
        "--trusted-proxies",
        "--certfile",
        "--keyfile",
        "--identity-provider",
    ):
        chk.add_argument(option, help=f"as for serve {option}")
    chk.set_defaults(fn=cmd_check)
    sec = sub.add_parser("secrets", help="the service's shared secrets").add_subparsers(
        dest="action", required=True
    )
    create = sec.add_parser("create", help="write new secrets to a new owner-only file")
    create.add_argument("path")
    create.set_defaults(fn=cmd_secrets)
    sub.add_parser("migrate", help="upgrade the database schema").set_defaults(fn=cmd_migrate)
    sub.add_parser(
        "restored",
        help="after restoring a backup (and migrate): tell laptops to re-read and send back",
    ).set_defaults(fn=cmd_restored)

    w = sub.add_parser(
        "worker", help="add, list workers or change their role or team"
    ).add_subparsers(dest="action", required=True)
    add = w.add_parser("add")
    add.add_argument("name")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add.add_argument("--role", help=f"one of {_codes(Role)} (default {DEFAULT_ROLE.value})")
    add.add_argument(
        "--team", help=f"an existing team (default {DEFAULT_TEAM!r}; none for partners)"
    )
    add.add_argument(
        "--agency",
        help=f"one of {_codes(Agency)} (default {DEFAULT_AGENCY.value}; partners must say)",
    )
    set_role = w.add_parser("set-role", help="give a worker another role")
    set_role.add_argument("name")
    set_role.add_argument("role", help=f"one of {_codes(Role)}")
    set_team = w.add_parser("set-team", help="move a worker to another team")
    set_team.add_argument("name")
    set_team.add_argument("team", help="an existing team")
    w.add_parser("list").add_argument(
        "--details", action="store_true", help="each worker's role, agency and team too"
    )
    for p in (add, set_role, set_team, w.choices["list"]):
        p.set_defaults(fn=cmd_worker)

    t = sub.add_parser("team", help="add or list teams, name their manager").add_subparsers(
        dest="action", required=True
    )
    team_add = t.add_parser("add")
    team_add.add_argument("name")
    team_add.add_argument("--manager", help="a worker with the team_manager role")
    set_manager = t.add_parser("set-manager")
    set_manager.add_argument("name")
    set_manager.add_argument("manager", help="a worker with the team_manager role")
    t.add_parser("list")
    for p in (team_add, set_manager, t.choices["list"]):
        p.set_defaults(fn=cmd_team)

    d = sub.add_parser(
        "device", help="list or revoke devices, or issue a recovery code"
    ).add_subparsers(dest="action", required=True)
    lst = d.add_parser("list")
    lst.add_argument("--worker")
    rev = d.add_parser("revoke")
    rev.add_argument("id")
    code = d.add_parser(
        "recovery-code",
        help="a one-time code (60 minutes) that, with the worker's password, recovers the "
        "device's data key: give it only after checking who is asking",
    )
    code.add_argument("id")
    for p in (lst, rev, code):
        p.set_defaults(fn=cmd_device)

    child = sub.add_parser("child", help="add a child (the central team)").add_subparsers(
        dest="action", required=True
    )
    child_add = child.add_parser(
        "add", help="add a child from its record as JSON on stdin; prints its id"
    )
    child_add.add_argument("--assign", metavar="WORKER", help="and put it on this caseload")
    child_add.add_argument(
        "--even-if-similar",
        action="store_true",
        help="add it although a child with the same name and date of birth exists",
    )
    child_add.set_defaults(fn=cmd_child)

    for name, assigned in (("assign", True), ("unassign", False)):
        p = sub.add_parser(name, help=f"{name} a child {'to' if assigned else 'from'} a worker")
        p.add_argument("worker")
        p.add_argument("child")
        p.set_defaults(fn=lambda a, assigned=assigned: cmd_assign(a, assigned))

    pol = sub.add_parser("policy", help="device policy").add_subparsers(
        dest="action", required=True
    )
    ps = pol.add_parser("set")
    ps.add_argument("--idle-lock-minutes", type=int)
    ps.add_argument("--unlock-attempt-limit", type=int)
    ps.add_argument("--max-offline-days", type=int)
    ps.add_argument("--min-client-version")
    ps.add_argument("--edit-grace-days", type=int)
    ps.add_argument("--workers-may-create-children", choices=["yes", "no"])
    ps.add_argument(
        "--temporary-access-hours",
        type=int,
        help="how long a break-the-glass grant lasts (default 24); 0: not allowed",
    )
    ps.add_argument(
        "--console-idle-minutes",
        type=int,
        help="minutes without a request before a web console session ends (default 15)",
    )
    ps.add_argument("--council-name", help="the council's name in the web console's header")
    ps.set_defaults(fn=cmd_policy)
    add_children_verbs(sub)

    for name, what in (("rules", "due-date rules"), ("tools", "screening tools")):
        verbs = sub.add_parser(name, help=f"the council's {what}").add_subparsers(
            dest="action", required=True
        )
        load = verbs.add_parser(
            "load",
            help="check a rules file and make it the council's rules (a new version)"
            if name == "rules"
            else "check tool files and add or replace those tools, by id (a new version)",
        )
        if name == "rules":
            load.add_argument("file", help="JSON shaped like resources/due_rules.json (any part)")
        else:
            load.add_argument(
                "files", nargs="+", metavar="file", help="JSON shaped like resources/tools/*.json"
            )
        load.add_argument("--by", help="who is loading it (default: your user name)")
        verbs.add_parser("show", help=f"the version in force and its {what}")
        for p in verbs.choices.values():
            p.set_defaults(fn=cmd_rules)

    aud = sub.add_parser(
        "audit",
        help="who viewed, edited, exported, printed, shared or received a child's record, "
        "oldest first (England time)",
    )
    aud.add_argument("--child", required=True, metavar="ID", help="the child's id")
    aud.set_defaults(fn=cmd_audit)

    demo = sub.add_parser("demo-data", help="load synthetic caseloads (never real people)")
    demo.add_argument("--seed", type=int, default=2026)
    demo.add_argument("--children", type=int, default=60)
    demo.add_argument("--records-per-child", type=int, default=40)
    demo.set_defaults(fn=cmd_demo_data)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logs.configure(args.log_format, verbose=args.verbose)
    try:
        return args.fn(args)
    except (admin.AdminError, SchemaOutOfDate, settings.SettingsError, RulesFileRefused) as exc:
        print(f"central-record: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:  # pydantic range checks on policy values
        print(f"central-record: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
