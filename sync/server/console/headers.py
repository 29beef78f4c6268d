"""The security headers of every console answer (pages, static files,
redirects and errors alike), as plain ASGI around the whole app so that no
answer under /console can leave without them.

The Content-Security-Policy allows nothing inline: no `<script>` body, no
`style=` attribute, no `on…=` handler. Scripts and styles come only from
/console/static, served by this service.
"""

from __future__ import annotations

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; connect-src 'self'"
)
_ALWAYS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class ConsoleHeaders:
    def __init__(self, app, *, prefix: str = "/console", static: str = "/console/static") -> None:
        self.app, self.prefix, self.static = app, prefix, static

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path == self.prefix or path.startswith(self.prefix + "/")):
            await self.app(scope, receive, send)
            return
        # Pages carry case data: never kept by the browser or a proxy. The
        # stylesheet and scripts may be, but are asked about again.
        cache = b"no-cache" if path.startswith(self.static + "/") else b"no-store"

        async def with_headers(message) -> None:
            if message["type"] == "http.response.start":
                names = {b"cache-control"} | {name for name, _ in _ALWAYS}
                headers = [(n, v) for n, v in message.get("headers", []) if n not in names]
                message = message | {"headers": [*headers, *_ALWAYS, (b"cache-control", cache)]}
            await send(message)

        await self.app(scope, receive, with_headers)
