"""The central record's web console, under /console of the same service.

Every area of the console is one module with its own `APIRouter` (its
paths relative to /console) and templates under `templates/<area>/`. To
add an area, add ONE line to `ROUTERS` below; `mount.install_console`
includes them all, and the nav, the authorisation matrix
(tests/console/test_console_matrix.py) and the header checks find the new
pages from the app's routes. See `web` for how a page is written.
"""

from __future__ import annotations

from fastapi import APIRouter

from sync.server.console import (
    account,
    admin,
    assignment,
    daily,
    device_policy,
    meetings,
    provider_sign_in,
    reports,
    rules,
    sign_in,
    teams,
    trends,
)

ROUTERS: list[APIRouter] = [
    sign_in.router,  # sign-in, sign-out and the home page
    provider_sign_in.router,  # sign-in through the council's identity provider
    daily.router,  # the coordinator's daily list
    meetings.router,  # the coordinator's exploitation (MACE) meetings
    admin.router,  # administration: accounts, devices, the audit trail
    account.router,  # one account: role, team, agency, disable
    teams.router,  # teams and their managers
    device_policy.router,  # the device policy
    rules.router,  # due-date rules and screening tools: upload, versions
    assignment.router,  # caseload assignment (coordinators)
    reports.router,  # partner reports, and the central team's queue of them
    trends.router,  # council-wide trends and hotspots
]
