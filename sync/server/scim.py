"""SCIM 2.0 (RFC 7643, 7644) for the council's identity provider: its
provisioning finds, creates, changes and deactivates accounts here, so a
leaver's laptops are revoked (wiped at their next contact) the moment the
provider says they left (`leavers`). docs/scim.md says how to point
Microsoft Entra ID at it.

Its own router at /scim/v2, outside the laptops' /api/v1: the Users
resource and the three discovery documents. Every route takes the one
permission `provision_accounts`, which no role holds: only the bearer
token the operator made (`scim_tokens`). Answers are
`application/scim+json`; every error is an RFC 7644 §3.12 error whose
`detail` names the attribute, never the value sent.
"""

# No `from __future__ import annotations`: FastAPI reads the routes' types.

import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from sync.server import metrics, scim_tokens, scim_users
from sync.server.access import Access
from sync.server.auth import TooManyAttempts
from sync.server.roles import Permission
from sync.server.scim_users import ENTERPRISE_SCHEMA, USER_SCHEMA, ScimError

PREFIX = "/scim/v2"
MEDIA_TYPE = "application/scim+json"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
# A User is a few hundred bytes; an identity provider's biggest PATCH a few KiB.
MAX_BODY = 64 * 1024
MAX_PAGE = 200


class ScimJSON(JSONResponse):
    media_type = MEDIA_TYPE


_ERROR_BODY = {
    "type": "object",
    "required": ["schemas", "status", "detail"],
    "properties": {
        "schemas": {"type": "array", "items": {"type": "string"}},
        "status": {"type": "string"},
        "scimType": {"type": "string"},
        "detail": {"type": "string"},
    },
}
# The OpenAPI document's error answers, all in SCIM's shape.
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"description": words, "content": {MEDIA_TYPE: {"schema": _ERROR_BODY}}}
    for status, words in {
        400: "not a request this service takes (invalidSyntax, invalidValue, invalidFilter…)",
        401: "no SCIM token in force",
        404: "no such user",
        409: "another account has this userName",
        413: "the body is larger than 64 KiB",
        429: "too many refused tokens from this address; see Retry-After",
    }.items()
}


def scim_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return ScimJSON(body, status, headers=headers)


def error_response(exc: ScimError, headers: dict[str, str] | None = None) -> Response:
    body: dict[str, Any] = {"schemas": [ERROR_SCHEMA], "status": str(exc.status)}
    if exc.scim_type:
        body["scimType"] = exc.scim_type
    body["detail"] = exc.detail
    return scim_response(body, exc.status, headers)


class _Refused(ScimError):
    def __init__(self, status: int, detail: str, headers: dict[str, str]) -> None:
        super().__init__(status, None, detail)
        self.headers = headers


def _provider(access: Access) -> Any:
    """The dependency of every SCIM route: a bearer token in force, from an
    address not refused for its failures."""

    def check(request: Request) -> int:
        address = access.address(request)
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        with access.engine.begin() as conn:
            try:
                scim_tokens.check_not_locked(conn, address)
            except TooManyAttempts as exc:
                metrics.observe_scim_refused("too_many_attempts")
                raise _Refused(
                    429,
                    f"Too many refused tokens. Try again in {exc.retry_after} seconds.",
                    {"Retry-After": str(exc.retry_after)},
                ) from None
            found = None
            if scheme.lower() == "bearer" and token.strip():
                found = scim_tokens.token_in_force(conn, token.strip())
            if found is None:
                scim_tokens.count_failure(conn, address)
        if found is None:
            metrics.observe_scim_refused("unauthenticated")
            raise _Refused(
                401,
                "A SCIM token made with `central-record scim-token` is required.",
                {"WWW-Authenticate": 'Bearer realm="scim"'},
            )
        return found

    # Read by `access.permission_of`, as the other dependencies' are.
    check.permission = Permission.provision_accounts  # type: ignore[attr-defined]
    return Depends(check)


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise ScimError(413, None, f"The request is larger than {MAX_BODY // 1024} KiB.")
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise ScimError(400, "invalidSyntax", "The body is not JSON.") from None


def _page_numbers(request: Request) -> tuple[int, int]:
    def number(key: str, default: int) -> int:
        text = request.query_params.get(key)
        if text is None:
            return default
        if not text.isdigit() or len(text) > 9:
            raise ScimError(400, "invalidValue", f"{key}: must be a whole number.")
        return int(text)

    # RFC 7644 §3.4.2.4: a startIndex below 1 is 1; a count above the most is the most.
    return max(1, number("startIndex", 1)), min(number("count", 100), MAX_PAGE)


def install_scim(app: FastAPI, engine: Engine, access: Access) -> APIRouter:
    """The SCIM routes on `app`, and the handler that answers SCIM errors in
    SCIM's shape. Returns their router."""
    router = APIRouter(
        prefix=PREFIX, tags=["scim"], responses=ERRORS, default_response_class=ScimJSON
    )
    Provider = Annotated[int, _provider(access)]

    def base(request: Request) -> str:
        return str(request.base_url).rstrip("/") + PREFIX

    def now() -> datetime:
        return datetime.now(UTC)

    @router.get("/Users")
    def list_users(request: Request, token: Provider) -> Response:
        """Accounts, optionally filtered (`userName eq "…"`), in pages."""
        start, count = _page_numbers(request)
        with engine.connect() as conn:
            total, rows = scim_users.search(conn, request.query_params.get("filter"), start, count)
        return scim_response(
            {
                "schemas": [LIST_SCHEMA],
                "totalResults": total,
                "startIndex": start,
                "itemsPerPage": len(rows),
                "Resources": [scim_users.resource(r, base(request)) for r in rows],
            }
        )

    @router.post("/Users", status_code=201)
    async def create_user(request: Request, token: Provider) -> Response:
        """A new account of the default role (docs/scim.md)."""
        changes = scim_users.from_resource(await _json_body(request))

        def store() -> Any:
            with engine.begin() as conn:
                worker_id = scim_users.create(conn, changes, now())
                return scim_users.find(conn, str(worker_id))

        row = await run_in_threadpool(store)
        made = scim_users.resource(row, base(request))
        return scim_response(made, 201, {"Location": made["meta"]["location"]})

    @router.get("/Users/{user_id}")
    def get_user(user_id: str, request: Request, token: Provider) -> Response:
        with engine.connect() as conn:
            return scim_response(scim_users.resource(scim_users.find(conn, user_id), base(request)))

    async def _change(request: Request, user_id: str, changes: scim_users.Changes) -> Response:
        def store() -> Any:
            with engine.begin() as conn:
                row = scim_users.find(conn, user_id)
                scim_users.apply(conn, row.id, changes, now())
                return scim_users.find(conn, user_id)

        return scim_response(scim_users.resource(await run_in_threadpool(store), base(request)))

    @router.put("/Users/{user_id}")
    async def replace_user(user_id: str, request: Request, token: Provider) -> Response:
        """The whole User: `active` false is a leaver (docs/scim.md)."""
        return await _change(request, user_id, scim_users.from_resource(await _json_body(request)))

    @router.patch("/Users/{user_id}")
    async def patch_user(user_id: str, request: Request, token: Provider) -> Response:
        """Add, replace or remove attributes: `active` false is a leaver."""
        return await _change(request, user_id, scim_users.from_patch(await _json_body(request)))

    @router.delete("/Users/{user_id}", status_code=204)
    def delete_user(user_id: str, token: Provider) -> Response:
        """A leaver, and the account gone from SCIM (its row stays, disabled)."""
        with engine.begin() as conn:
            scim_users.delete(conn, scim_users.find(conn, user_id).id, now())
        return Response(status_code=204)

    @router.get("/ServiceProviderConfig")
    def service_provider_config(request: Request, token: Provider) -> Response:
        return scim_response(_config(base(request)))

    @router.get("/ResourceTypes")
    def resource_types(request: Request, token: Provider) -> Response:
        found = [_user_type(base(request))]
        return scim_response(
            {
                "schemas": [LIST_SCHEMA],
                "totalResults": 1,
                "startIndex": 1,
                "itemsPerPage": 1,
                "Resources": found,
            }
        )

    @router.get("/Schemas")
    def schemas(request: Request, token: Provider) -> Response:
        found = [_user_schema(base(request)), _enterprise_schema(base(request))]
        return scim_response(
            {
                "schemas": [LIST_SCHEMA],
                "totalResults": len(found),
                "startIndex": 1,
                "itemsPerPage": len(found),
                "Resources": found,
            }
        )

    app.include_router(router)

    @app.exception_handler(ScimError)
    async def _scim_error(_request: Request, exc: ScimError) -> Response:
        return error_response(exc, getattr(exc, "headers", None))

    return router


# ---------------------------------------------------------------- discovery


def _config(base: str) -> dict[str, Any]:
    no = {"supported": False}
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "documentationUri": "https://caseworker.invalid/docs/scim.md",
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_PAGE},
        "changePassword": no,
        "sort": no,
        "etag": no,
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "Bearer token",
                "description": "A token made with `central-record scim-token`.",
                "primary": True,
            }
        ],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": f"{base}/ServiceProviderConfig",
        },
    }


def _user_type(base: str) -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": "User",
        "name": "User",
        "endpoint": "/Users",
        "description": "A Caseworker account",
        "schema": USER_SCHEMA,
        "schemaExtensions": [{"schema": ENTERPRISE_SCHEMA, "required": False}],
        "meta": {"resourceType": "ResourceType", "location": f"{base}/ResourceTypes/User"},
    }


def _attribute(name: str, kind: str = "string", **more: Any) -> dict[str, Any]:
    return {
        "name": name,
        "type": kind,
        "multiValued": False,
        "required": False,
        "caseExact": False,
        "mutability": "readWrite",
        "returned": "default",
        "uniqueness": "none",
    } | more


def _user_schema(base: str) -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": USER_SCHEMA,
        "name": "User",
        "description": "A Caseworker account: these attributes are kept, others ignored",
        "attributes": [
            _attribute("userName", required=True, uniqueness="server"),
            _attribute("displayName"),
            _attribute("active", "boolean"),
            _attribute("externalId", caseExact=True),
        ],
        "meta": {"resourceType": "Schema", "location": f"{base}/Schemas/{USER_SCHEMA}"},
    }


def _enterprise_schema(base: str) -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": ENTERPRISE_SCHEMA,
        "name": "EnterpriseUser",
        "description": "Accepted and not kept",
        "attributes": [_attribute("employeeNumber"), _attribute("department")],
        "meta": {"resourceType": "Schema", "location": f"{base}/Schemas/{ENTERPRISE_SCHEMA}"},
    }
