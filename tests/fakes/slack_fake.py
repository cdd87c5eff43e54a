"""A local mock Slack for tests: the Web API, a Socket Mode WebSocket, response_urls and file uploads.

    async with FakeSlack() as fake:
        client = AsyncWebClient(token="xoxb-test", base_url=fake.api_base)
        ...
        assert fake.calls_to("chat.postMessage")[0].params["text"] == "hi"

Everything listens on 127.0.0.1 on a free port. Every Web API call is recorded (``fake.calls``); answers have
Slack's shapes. Waits (``wait_for_*``) are bounded by a default timeout (hence `noqa: ASYNC109`: a forgotten
bound must not hang the suite) and are woken by what they wait for, never by polling.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any

from aiohttp import WSMsgType, web
from multidict import CIMultiDict

from tests.fakes.patience import PATIENCE

from .slack_calls import Call, Handler, error_body, read_params
from .slack_payloads import APP_ID, BOT_ID, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID, TEAM_NAME, user_object


class FakeSlack:
    def __init__(
        self,
        *,
        team_id: str = TEAM_ID,
        team_domain: str = TEAM_DOMAIN,
        team_name: str = TEAM_NAME,
        bot_user_id: str = BOT_USER_ID,
        bot_id: str = BOT_ID,
        bot_name: str = "copbot",
        app_id: str = APP_ID,
        scopes: str = "chat:write,commands,users:read,im:write,files:write,reactions:read,channels:read",
    ) -> None:
        self.team_id, self.team_domain, self.team_name = team_id, team_domain, team_name
        self.bot_user_id, self.bot_id, self.bot_name, self.app_id = bot_user_id, bot_id, bot_name, app_id
        self.scopes = scopes
        self.port: int | None = None
        self.calls: list[Call] = []
        self.responses: dict[str, list[dict]] = defaultdict(list)  # posts to response_url(name), by name
        self.socket_acks: list[dict] = []  # what the Socket Mode client sent back
        self.socket_sent: list[dict] = []  # what the fake pushed to it
        self.files: dict[str, dict] = {}  # file_id -> filename, length, content, title, channel
        self.users: dict[str, dict] = {}
        self.not_in_channel: set[str] = set()
        self._injected: dict[str, deque[tuple[int, dict, dict]]] = defaultdict(deque)
        self._channel_limits: dict[str, tuple[float, int]] = {}  # channel -> (monotonic deadline, Retry-After)
        self._overrides: dict[str, Handler] = {}
        self._limited: dict[str, int] = {}  # method -> Retry-After: every call answered 429
        self._stalled: set[str] = set()
        self._unstall = asyncio.Event()
        self._dm_ids: dict[str, str] = {}
        self._seq = itertools.count(1)
        self._ts_base = int(time.time())
        self._runner: web.AppRunner | None = None
        self._sockets: set[web.WebSocketResponse] = set()
        self._ws: web.WebSocketResponse | None = None
        self._changed = asyncio.Condition()
        self._handlers: dict[str, Handler] = {
            "auth.test": self._auth_test,
            "apps.connections.open": lambda call: {"ok": True, "url": self.socket_url},
            "chat.postMessage": self._post_message,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.update": self._update,
            "conversations.open": self._conversations_open,
            "views.open": self._view,
            "views.publish": self._view,
            "views.update": self._view,
            "users.info": self._users_info,
            "team.info": self._team_info,
            "chat.getPermalink": self._permalink,
            "files.getUploadURLExternal": self._get_upload_url,
            "files.completeUploadExternal": self._complete_upload,
        }

    # ------------------------------------------------------------ lifecycle and addresses

    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{name}", self._response_url)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        self._unstall.set()
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSlack:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        """What ``AsyncWebClient(base_url=...)`` takes."""
        return f"{self.base_url}/api/"

    @property
    def socket_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/socket"

    def response_url(self, name: str) -> str:
        """A response_url to put in a payload; posts to it land in ``fake.responses[name]``."""
        return f"{self.base_url}/response/{name}"

    # ------------------------------------------------------------ configuration and failure injection

    def add_user(self, user_id: str, name: str | None = None, **fields: Any) -> dict:
        """Make ``users.info`` know a user; ``fields`` as ``slack_payloads.user_object`` takes them."""
        user = user_object(user_id, name, team_id=self.team_id, **fields)
        self.users[user_id] = user
        return user

    def respond_with(self, method: str, answer: dict | Handler) -> None:
        """Answer ``method`` with a fixed body or ``answer(call) -> body`` (also for methods the fake lacks)."""
        self._overrides[method] = answer if callable(answer) else (lambda call: answer)

    def rate_limit_next(self, method: str, retry_after: int = 1) -> None:
        """The next call to ``method`` gets HTTP 429 with ``Retry-After`` (whole seconds, as Slack sends)."""
        self._injected[method].append((429, error_body("ratelimited"), {"Retry-After": str(retry_after)}))

    def rate_limit(self, method: str, retry_after: int = 5) -> None:
        """Every call to ``method`` from now on gets HTTP 429 with ``Retry-After`` (until ``clear_limits``)."""
        self._limited[method] = retry_after

    def stall(self, method: str) -> None:
        """Calls to ``method`` get no answer until ``clear_limits`` (or the fake stops): a Slack that hangs."""
        self._stalled.add(method)

    def clear_limits(self) -> None:
        self._limited.clear()
        self._stalled.clear()
        self._unstall.set()
        self._unstall = asyncio.Event()

    def rate_limit_channel(self, channel: str, retry_after: int, *, seconds: float) -> None:
        """For the next ``seconds`` (real time), ``chat.postMessage`` to ``channel`` gets HTTP 429 with
        ``Retry-After`` (Slack limits posting per channel)."""
        self._channel_limits[channel] = (time.monotonic() + seconds, retry_after)

    def fail_next(self, method: str, error: str, status: int = 200) -> None:
        """The next call to ``method`` answers ``{"ok": false, "error": error}`` with ``status``."""
        self._injected[method].append((status, error_body(error), {}))

    # ------------------------------------------------------------ inspection and waiting

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _wait_until(self, predicate: Callable[[], Any], timeout: float) -> Any:  # noqa: ASYNC109
        async def wait() -> Any:
            async with self._changed:
                return await self._changed.wait_for(predicate)

        return await asyncio.wait_for(wait(), timeout)

    async def wait_for_call(self, method: str, count: int = 1, timeout: float = PATIENCE) -> Call:  # noqa: ASYNC109
        """Wait until ``method`` has been called ``count`` times; returns the ``count``-th call."""
        await self._wait_until(lambda: len(self.calls_to(method)) >= count, timeout)
        return self.calls_to(method)[count - 1]

    async def wait_for_response(self, name: str, count: int = 1, timeout: float = PATIENCE) -> dict:  # noqa: ASYNC109
        """Wait until ``count`` posts reached ``response_url(name)``; returns the ``count``-th body."""
        await self._wait_until(lambda: len(self.responses[name]) >= count, timeout)
        return self.responses[name][count - 1]

    # ------------------------------------------------------------ Socket Mode

    async def wait_for_socket_client(self, timeout: float = PATIENCE) -> None:  # noqa: ASYNC109
        await self._wait_until(lambda: self._ws is not None and not self._ws.closed, timeout)

    async def socket_send(self, envelope: dict) -> str:
        """Push an envelope (see ``slack_payloads.socket_envelope``) to the connected client; returns its id."""
        if self._ws is None or self._ws.closed:
            raise RuntimeError("no Socket Mode client is connected; await fake.wait_for_socket_client() first")
        self.socket_sent.append(envelope)
        await self._ws.send_json(envelope)
        return envelope.get("envelope_id", "")

    async def wait_for_ack(self, envelope_id: str, timeout: float = PATIENCE) -> dict:  # noqa: ASYNC109
        """Wait for the client's ack of ``envelope_id``: ``{"envelope_id": ..., "payload"?: ...}``."""

        def find() -> dict | None:
            return next((a for a in self.socket_acks if a.get("envelope_id") == envelope_id), None)

        return await self._wait_until(find, timeout)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(timeout=1.0)
        await ws.prepare(request)
        self._sockets.add(ws)
        await ws.send_json({
            "type": "hello",
            "num_connections": len(self._sockets),
            "debug_info": {"host": "applink-fake", "build_number": 1, "approximate_connection_time": 18060},
            "connection_info": {"app_id": self.app_id},
        })
        self._ws = ws
        await self._notify()
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    self.socket_acks.append(json.loads(msg.data))
                    await self._notify()
        finally:
            self._sockets.discard(ws)
            if self._ws is ws:
                self._ws = None
            await self._notify()
        return ws

    # ------------------------------------------------------------ HTTP endpoints

    async def _api(self, request: web.Request) -> web.Response:
        call = Call(request.match_info["method"], await read_params(request), CIMultiDict(request.headers),
                    request.method)
        self.calls.append(call)
        if call.method in self._stalled:
            await self._notify()
            await self._unstall.wait()
        status, body, headers = self._answer(call)
        call.status = status
        await self._notify()
        return web.json_response(body, status=status, headers=headers)

    def _answer(self, call: Call) -> tuple[int, dict, dict]:
        if call.method in self._limited:
            return 429, error_body("ratelimited"), {"Retry-After": str(self._limited[call.method])}
        if self._injected[call.method]:
            return self._injected[call.method].popleft()
        if call.method == "chat.postMessage" and call.params.get("channel") in self._channel_limits:
            deadline, retry_after = self._channel_limits[call.params["channel"]]
            if time.monotonic() < deadline:
                return 429, error_body("ratelimited"), {"Retry-After": str(retry_after)}
        handler = self._overrides.get(call.method) or self._handlers.get(call.method)
        if handler is None:
            return 200, error_body("unknown_method"), {}
        token = call.token
        if not token:
            return 200, error_body("not_authed"), {}
        if token.startswith("xapp-") != (call.method == "apps.connections.open"):
            return 200, error_body("not_allowed_token_type"), {}
        return 200, handler(call), {"X-OAuth-Scopes": self.scopes}

    async def _response_url(self, request: web.Request) -> web.Response:
        text = await request.text()
        self.responses[request.match_info["name"]].append(json.loads(text) if text else {})
        await self._notify()
        return web.Response(text="ok", content_type="text/plain")

    async def _upload(self, request: web.Request) -> web.Response:
        file = self.files.get(request.match_info["file_id"])
        if file is None:
            return web.Response(status=404, text="not found", content_type="text/plain")
        file["content"] = await request.read()
        return web.Response(text=f"OK - {len(file['content'])}", content_type="text/plain")

    # ------------------------------------------------------------ Web API methods

    def _next_ts(self) -> str:
        return f"{self._ts_base}.{next(self._seq):06d}"

    def _dm_id(self, users: str) -> str:
        return self._dm_ids.setdefault(users, f"D{len(self._dm_ids) + 1:08d}")

    def _auth_test(self, call: Call) -> dict:
        return {"ok": True, "url": f"https://{self.team_domain}.slack.com/", "team": self.team_name,
                "user": self.bot_name, "team_id": self.team_id, "user_id": self.bot_user_id,
                "bot_id": self.bot_id, "is_enterprise_install": False}

    def _bot_message(self, p: dict, ts: str) -> dict:
        msg = {"type": "message", "subtype": "bot_message", "text": p.get("text", ""), "user": self.bot_user_id,
               "bot_id": self.bot_id, "app_id": self.app_id, "team": self.team_id, "ts": ts}
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if p.get(key):
                msg[key] = p[key]
        return msg

    def _check_post(self, p: dict) -> dict | None:
        channel = p.get("channel")
        if not channel:
            return error_body("channel_not_found")
        if channel in self.not_in_channel:
            return error_body("not_in_channel")
        if not (p.get("text") or p.get("blocks") or p.get("attachments")):
            return error_body("no_text")
        return None

    def _post_message(self, call: Call) -> dict:
        p = call.params
        if refusal := self._check_post(p):
            return refusal
        channel = p["channel"]
        if channel[0] in "UW":  # posting to a user id lands in the DM with them
            channel = self._dm_id(channel)
        ts = self._next_ts()
        return {"ok": True, "channel": channel, "ts": ts, "message": self._bot_message(p, ts)}

    def _post_ephemeral(self, call: Call) -> dict:
        p = call.params
        if refusal := self._check_post(p):
            return refusal
        if not p.get("user"):
            return error_body("user_not_found")
        return {"ok": True, "message_ts": self._next_ts()}

    def _update(self, call: Call) -> dict:
        p = call.params
        if not p.get("channel") or not p.get("ts"):
            return error_body("message_not_found")
        return {"ok": True, "channel": p["channel"], "ts": p["ts"], "text": p.get("text", ""),
                "message": self._bot_message(p, p["ts"])}

    def _conversations_open(self, call: Call) -> dict:
        users = call.params.get("users") or call.params.get("channel")
        if not users:
            return error_body("users_list_not_supplied")
        return {"ok": True, "no_op": users in self._dm_ids, "already_open": users in self._dm_ids,
                "channel": {"id": self._dm_id(users)}}

    def _view(self, call: Call) -> dict:
        p = call.params
        view = p.get("view")
        if not isinstance(view, dict):
            return error_body("invalid_arguments")
        if call.method == "views.open" and not p.get("trigger_id"):
            return error_body("invalid_arguments")
        if call.method == "views.publish" and not p.get("user_id"):
            return error_body("invalid_arguments")
        view_id = p.get("view_id") or f"V{next(self._seq):08d}"
        return {"ok": True, "view": {
            **view, "id": view_id, "team_id": self.team_id, "state": {"values": {}},
            "hash": f"{self._ts_base}.{view_id}", "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""), "external_id": p.get("external_id", ""),
            "root_view_id": view_id, "previous_view_id": None, "app_id": self.app_id, "bot_id": self.bot_id,
        }}

    def _users_info(self, call: Call) -> dict:
        user = self.users.get(call.params.get("user", ""))
        return {"ok": True, "user": user} if user else error_body("user_not_found")

    def _team_info(self, call: Call) -> dict:
        return {"ok": True, "team": {"id": self.team_id, "name": self.team_name, "domain": self.team_domain,
                                     "email_domain": "", "icon": {"image_default": True}}}

    def _permalink(self, call: Call) -> dict:
        p = call.params
        if not p.get("channel") or not p.get("message_ts"):
            return error_body("invalid_arguments")
        return {"ok": True, "channel": p["channel"],
                "permalink": self.permalink(p["channel"], p["message_ts"])}

    def permalink(self, channel: str, ts: str) -> str:
        """What ``chat.getPermalink`` answers for this message."""
        return f"https://{self.team_domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"

    def _get_upload_url(self, call: Call) -> dict:
        p = call.params
        if not p.get("filename") or not p.get("length"):
            return error_body("invalid_arguments")
        file_id = f"F{next(self._seq):08d}"
        self.files[file_id] = {"id": file_id, "filename": p["filename"], "length": int(p["length"])}
        return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def _complete_upload(self, call: Call) -> dict:
        p = call.params
        out = []
        for item in p.get("files") or []:
            file = self.files.get(item.get("id"))
            if file is None or "content" not in file:
                return error_body("file_not_found")
            channels = [p["channel_id"]] if p.get("channel_id") else []
            file.update(title=item.get("title") or file["filename"], channels=channels,
                        initial_comment=p.get("initial_comment"), thread_ts=p.get("thread_ts"))
            out.append({"id": file["id"], "name": file["filename"], "title": file["title"],
                        "size": len(file["content"]), "channels": channels, "user": self.bot_user_id})
        return {"ok": True, "files": out} if out else error_body("invalid_arguments")
