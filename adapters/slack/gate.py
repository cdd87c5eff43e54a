"""The HTTP door in front of Bolt: what an unauthenticated or malformed request costs us, and what it gets back.

Before the body is read: a missing or non-numeric `X-Slack-Request-Timestamp`, one more than 5 minutes off, or a
signature of the wrong shape gets 401; a declared body over the limit gets 413. The body is then read within
`READ_TIMEOUT` (408 otherwise) and never past the limit, and its signature checked (401). A signed body Slack
would never send (not a form or JSON object, bad JSON in `payload`, no team or user where a listener needs one,
an impossible trigger_id) gets 400. Each refusal is one log line, never a traceback; only what passes reaches Bolt.

Limits: a form body (slash commands, buttons, modal submissions) must fit `FORM_LIMIT`, a JSON body (events)
`EVENT_LIMIT`; see `docs/slack.md` for why those sizes. Bodies being read before their signature is checked share
`UNVERIFIED_BUDGET` bytes: a request waits for room (within its read timeout), so a hundred large bodies at once
cost that much memory, not a hundred times the limit. The runner closes connections idle or stuck in their headers
after `IDLE_TIMEOUT` (aiohttp's keep-alive timer starts when the connection opens)."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Callable
from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger("copbot.slack")

FORM_LIMIT = 64 * 1024
EVENT_LIMIT = 512 * 1024
UNVERIFIED_BUDGET = 8 * 1024 * 1024
READ_TIMEOUT = 5.0  # Slack sends a few kilobytes at once
IDLE_TIMEOUT = 15.0  # keep-alive, and a connection that never completes its headers
LINGER = 1.0  # after refusing an unread body, how long aiohttp may drain it before closing
MAX_SKEW = 5 * 60
SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
TRIGGER_ID = re.compile(r"[0-9A-Za-z._-]{1,100}")
RECEIVED_AT = "copbot_received_at"  # in Bolt's context: the event loop's time when the request arrived
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


class Refused(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


class SlackGate:
    def __init__(self, bolt: AsyncApp, signing_secret: str, *, now: Callable[[], float] = time.time):
        self.bolt = bolt
        self.verifier = SignatureVerifier(signing_secret)
        self.now = now
        self._unverified = 0  # bytes reserved by bodies being read
        self._room = asyncio.Condition()

    def web_app(self, path: str) -> web.Application:
        app = web.Application(client_max_size=max(FORM_LIMIT, EVENT_LIMIT))
        app.router.add_post(path, self.handle)
        return app

    async def handle(self, request: web.Request) -> web.StreamResponse:
        received_at = asyncio.get_running_loop().time()
        try:
            limit = self._check_headers(request)
            raw = await self._read(request, limit)
            if not self.verifier.is_valid(raw, request.headers["X-Slack-Request-Timestamp"],
                                          request.headers["X-Slack-Signature"]):
                raise Refused(401, "bad signature")
            text = raw.decode("utf-8")  # ValueError: not UTF-8
            check_shape(text, request.content_type)
        except Refused as refusal:
            return self._refuse(request, refusal.status, refusal.reason)
        except (ValueError, TypeError) as error:
            return self._refuse(request, 400, f"malformed body ({type(error).__name__})")
        bolt_request = AsyncBoltRequest(body=text, query=request.query_string, headers=request.headers,
                                        context={RECEIVED_AT: received_at})  # listeners count their deadline from it
        return await to_aiohttp_response(await self.bolt.async_dispatch(bolt_request))

    def _check_headers(self, request: web.Request) -> int:
        stamp = request.headers.get("X-Slack-Request-Timestamp", "")
        if not stamp.isascii() or not stamp.isdigit() or len(stamp) > 12:
            raise Refused(401, "missing or malformed X-Slack-Request-Timestamp")
        if abs(self.now() - int(stamp)) > MAX_SKEW:
            raise Refused(401, "X-Slack-Request-Timestamp more than 5 minutes off")
        if not SIGNATURE.fullmatch(request.headers.get("X-Slack-Signature", "")):
            raise Refused(401, "missing or malformed X-Slack-Signature")
        limit = {FORM: FORM_LIMIT, JSON: EVENT_LIMIT}.get(request.content_type)
        if limit is None:
            raise Refused(415, f"content type {request.content_type[:40]!r}")
        if request.content_length is not None and request.content_length > limit:
            raise Refused(413, f"body of {request.content_length} bytes")
        return limit

    async def _read(self, request: web.Request, limit: int) -> bytes:
        reserved = min(request.content_length or limit, limit)
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(READ_TIMEOUT):
                async with self._room:
                    await self._room.wait_for(lambda: self._unverified + reserved <= UNVERIFIED_BUDGET)
                    self._unverified += reserved
                try:
                    while chunk := await request.content.readany():
                        size += len(chunk)
                        if size > limit:
                            raise Refused(413, f"body over {limit} bytes")
                        chunks.append(chunk)
                finally:
                    async with self._room:
                        self._unverified -= reserved
                        self._room.notify_all()
        except TimeoutError:
            raise Refused(408, f"body not received in {READ_TIMEOUT:.0f} s") from None
        return b"".join(chunks)

    def _refuse(self, request: web.Request, status: int, reason: str) -> web.Response:
        log.warning("Slack HTTP: refused a request from %s with %s: %s", request.remote, status, reason)
        response = web.Response(status=status, text=reason)
        if status in (408, 413):
            response.force_close()  # the rest of that body is not worth reading
        return response


# ------------------------------------------------------------------------------- what a signed body must hold

COMMAND_FIELDS = ("team_id", "user_id", "channel_id", "command", "trigger_id")
INTERACTION_FIELDS = {  # interactive payload type -> the paths its listener reads
    "block_actions": ("team.id", "user.id", "trigger_id", "actions"),
    "view_submission": ("team.id", "user.id", "trigger_id", "view.state.values"),
    "message_action": ("team.id", "user.id", "trigger_id", "channel.id", "message.ts", "callback_id"),
}
EVENT_FIELDS = {  # event type -> the paths its listener reads (besides team_id and event_id)
    "reaction_added": ("user", "reaction", "item"),
    "reaction_removed": ("user", "reaction", "item"),
    "message": ("channel", "ts"),
    "team_join": ("user.id",),
    "member_joined_channel": ("user", "channel"),
    "user_change": ("user.id",),
    "app_home_opened": ("user",),
}


def check_shape(text: str, content_type: str) -> None:
    """Raises ValueError unless the body holds what copbot's listeners read."""
    if content_type == JSON:
        body = json.loads(text)
        _require_object(body, "body")
        if body.get("type") == "event_callback":
            _require(body, ("team_id", "event_id", "event.type"))
            _require(body["event"], EVENT_FIELDS.get(body["event"]["type"], ()))
        elif body.get("type") == "url_verification":
            _require(body, ("challenge",))
        return
    fields = dict(parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text)))
    if fields.get("ssl_check") == "1":
        return  # Slack checking our certificate: Bolt answers it
    if "payload" in fields:
        payload = json.loads(fields["payload"])
        _require_object(payload, "payload")
        _require(payload, ("type",))
        _require(payload, INTERACTION_FIELDS.get(payload["type"], ()))
        _check_trigger(payload.get("trigger_id"))
    else:
        _require(fields, COMMAND_FIELDS)
        _check_trigger(fields["trigger_id"])


def _require_object(value: object, what: str) -> None:
    if not isinstance(value, dict):
        raise ValueError(f"{what} is not an object")


def _require(data: dict, paths: tuple[str, ...]) -> None:
    for path in paths:
        value: object = data
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if not (isinstance(value, str) and value) and not isinstance(value, (dict, list)):
            raise ValueError(f"no {path}")


def _check_trigger(trigger: object) -> None:
    if trigger is not None and not (isinstance(trigger, str) and TRIGGER_ID.fullmatch(trigger)):
        raise ValueError("impossible trigger_id")
