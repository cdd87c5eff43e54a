"""One Web API request as FakeSlack receives it, and Slack's error body."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from multidict import CIMultiDict

# Parameters Slack takes as JSON strings in a form body; decoded in Call.params for convenient assertions.
_JSON_PARAMS = frozenset({"blocks", "attachments", "view", "files", "metadata"})

Handler = Callable[["Call"], dict]


@dataclass
class Call:
    """One Web API request as the fake received it (query, form and JSON parameters merged)."""

    method: str
    params: dict[str, Any]
    headers: CIMultiDict  # case-insensitive: call.headers["authorization"]
    http_method: str = "POST"
    status: int = 200  # the HTTP status the fake answered with (429 when rate limited)

    @property
    def token(self) -> str | None:
        auth = self.headers.get("Authorization", "")
        return auth[len("Bearer "):] if auth.startswith("Bearer ") else self.params.get("token")


def error_body(error: str, **extra: Any) -> dict:
    return {"ok": False, "error": error, **extra}


async def read_params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        text = await request.text()
        params.update(json.loads(text) if text else {})
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    for key in _JSON_PARAMS & params.keys():
        if isinstance(params[key], str):
            try:
                params[key] = json.loads(params[key])
            except ValueError:
                pass
    return params
