"""A local fake Discord (REST API v10 + gateway over WebSocket) that the real discord.py client runs against.

    async with FakeDiscord() as fake:
        gateway.point_at(fake.api_base)            # adapters/discord/gateway.py
        ...start a discord.Client, then:
        await fake.wait_for_ready()
        await fake.dispatch("INTERACTION_CREATE", payloads.slash_command("ask"))
        await fake.wait_for_call("POST", "/interactions/{id}/{token}/callback")

Every REST request is recorded in ``fake.requests``; routes the fake does not know are recorded, logged and
answered with a 404 JSON body, so a missing route is obvious.  JSON answers carry the content type
``application/json`` exactly: discord.py parses a body as JSON only then.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import uuid
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes import discord_payloads as p
from tests.fakes.patience import PATIENCE

log = logging.getLogger(__name__)

PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message_content
APPLICATION_FLAGS = (1 << 15) | (1 << 19)  # GATEWAY_GUILD_MEMBERS_LIMITED, GATEWAY_MESSAGE_CONTENT_LIMITED


@dataclass
class Request:
    """One recorded REST request; ``path`` is relative to the API base (``/channels/1/messages``)."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    status: int = 0
    files: list[str] = field(default_factory=list)
    uploads: dict[str, bytes] = field(default_factory=dict)  # multipart file name -> its bytes


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(status=status, body=json.dumps(data).encode(),
                        headers={"Content-Type": "application/json", **(headers or {})})


def _template_regex(template: str, named: bool = False) -> re.Pattern[str]:
    """``/channels/{channel_id}/messages`` -> a regex; ``{name}`` matches one path segment."""
    def part(s: str) -> str:
        if s.startswith("{") and s.endswith("}"):
            return f"(?P<{s[1:-1]}>[^/]+)" if named else "[^/]+"
        return re.escape(s)

    return re.compile("/".join(part(s) for s in template.split("/")) + "$")


class _Connection:
    """One gateway WebSocket; speaks zlib-stream when the client asks for it, plain text frames otherwise."""

    def __init__(self, ws: web.WebSocketResponse, compress: str | None) -> None:
        self.ws = ws
        self.zlib = zlib.compressobj() if compress == "zlib-stream" else None

    async def send(self, payload: dict) -> None:
        text = json.dumps(payload)
        if self.zlib is None:
            await self.ws.send_str(text)
        else:
            await self.ws.send_bytes(self.zlib.compress(text.encode()) + self.zlib.flush(zlib.Z_SYNC_FLUSH))


class FakeDiscord:
    """An aiohttp server on 127.0.0.1 (free port) playing Discord's REST API and gateway.

    ``guilds``: GUILD_CREATE payloads (``discord_payloads.guild(...)``), sent after READY.
    ``closed_dm_user_ids``: users whose DMs are closed; sending into their DM channel gets 403 / code 50007.
    ``refuse_privileged_intents``: close with 4014 after an IDENTIFY asking for members, presences or
    message content, as Discord does when the Developer Portal has not enabled them.
    """

    def __init__(
        self, *, guilds: list[dict] | None = None, bot: dict | None = None, application_id: str | None = None,
        owner: dict | None = None, closed_dm_user_ids: set[str] | None = None, refuse_privileged_intents: bool = False,
        heartbeat_interval_ms: int = 41_250, application_flags: int = APPLICATION_FLAGS,
    ) -> None:
        self.bot = bot or p.bot_user()
        self.application_id = application_id or self.bot["id"]
        self.owner = owner or p.user(p.OWNER_ID, "owner")
        self.guilds: dict[str, dict] = {g["id"]: g for g in (guilds if guilds is not None else [p.guild(bot=self.bot)])}
        self.closed_dm_user_ids: set[str] = set(closed_dm_user_ids or ())
        self.refuse_privileged_intents = refuse_privileged_intents
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.application_flags = application_flags
        self.users: dict[str, dict] = {self.bot["id"]: self.bot, self.owner["id"]: self.owner}
        for g in self.guilds.values():
            self.users.update({m["user"]["id"]: m["user"] for m in g.get("members", [])})

        self.requests: list[Request] = []
        self.unknown: list[Request] = []
        self.identifies: list[dict] = []      # IDENTIFY ``d`` payloads, token included
        self.gateway_queries: list[dict[str, str]] = []
        self.gateway_sent: list[dict] = []    # every payload the fake sent over the gateway
        self.gateway_received: list[dict] = []
        self.session_id = uuid.uuid4().hex
        self.port = 0
        self.messages: list[dict] = []               # created by POST /channels/{id}/messages (guild or DM)
        self.interaction_responses: list[dict] = []  # {"interaction_id", "token", "type", "data"} in order
        self.followups: list[dict] = []
        self.commands: dict[str | None, list[dict]] = {}  # application commands by guild id (None = global)
        self.scheduled_events: list[dict] = []
        self.dm_channels: dict[str, str] = {}  # DM channel id -> recipient id
        self._interactions: dict[str, dict] = {}  # dispatched INTERACTION_CREATE payloads by id
        self._originals: dict[str, dict] = {}  # interaction token -> original response message
        self._nonces: dict[str, dict] = {}  # Discord dedups per author (here: the bot), any channel
        self._rate_limits: list[tuple[str, str | None, float, bool]] = []
        self.known_channels_only = False  # True: posting into a channel or thread that does not exist gets 404
        self.deleted_message_ids: set[str] = set()  # starting a thread from one of these gets 404
        self._conn: _Connection | None = None
        self._sockets: set[web.WebSocketResponse] = set()
        self._seq = 0
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None

    # -- lifecycle ---------------------------------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest_entry)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- what happened -----------------------------------------------------------------------------------------------

    def calls(self, method: str | None = None, template: str | None = None) -> list[Request]:
        """Recorded requests matching ``method`` and a path template (``{name}`` matches one segment)."""
        rx = _template_regex(template) if template else None
        return [r for r in self.requests
                if (method is None or r.method == method.upper()) and (rx is None or rx.match(r.path))]

    @property
    def intents(self) -> int | None:
        """The intents asked for by the last IDENTIFY."""
        return self.identifies[-1].get("intents") if self.identifies else None

    async def wait_for_call(self, method: str, template: str, count: int = 1, within: float = PATIENCE) -> list[Request]:
        await self._wait(lambda: len(self.calls(method, template)) >= count, within)
        return self.calls(method, template)

    async def wait_for_identify(self, within: float = PATIENCE) -> dict:
        await self._wait(lambda: bool(self.identifies), within)
        return self.identifies[-1]

    async def wait_for_ready(self, within: float = PATIENCE) -> None:
        """Wait until READY and every GUILD_CREATE were sent (discord.py fires on_ready later)."""
        await self._wait(lambda: any(m.get("t") == "READY" for m in self.gateway_sent)
                         and sum(m.get("t") == "GUILD_CREATE" for m in self.gateway_sent) >= len(self.guilds), within)

    async def _wait(self, predicate: Callable[[], bool], within: float) -> None:
        async def until() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)

        await asyncio.wait_for(until(), within)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # -- test controls -----------------------------------------------------------------------------------------------

    def rate_limit_next(self, path_prefix: str, retry_after: float = 0.2, *, method: str | None = None,
                        is_global: bool = False) -> None:
        """The next request whose path starts with ``path_prefix`` gets a 429 that discord.py must retry."""
        self._rate_limits.append((path_prefix, method and method.upper(), retry_after, is_global))

    def add_user(self, user: dict) -> dict:
        self.users[user["id"]] = user
        return user

    async def dispatch(self, event: str, data: dict) -> int:
        """Send a DISPATCH (op 0) with the next sequence number to the connected client; returns ``s``."""
        if self._conn is None or self._conn.ws.closed:
            raise RuntimeError("no gateway client connected")
        self._observe(event, data)
        self._seq += 1
        await self._send({"op": 0, "t": event, "s": self._seq, "d": data})
        return self._seq

    async def close_with(self, code: int, message: str = "") -> None:
        """Close the gateway socket with ``code`` (4014: disallowed intents, 4004: bad token, ...)."""
        if self._conn is not None:
            await self._conn.ws.close(code=code, message=message.encode())

    def _observe(self, event: str, data: dict) -> None:
        if event == "INTERACTION_CREATE":
            self._interactions[data["id"]] = data
            user = data.get("member", {}).get("user") or data.get("user")
            if user:
                self.users.setdefault(user["id"], user)
        elif event == "GUILD_MEMBER_ADD" and data.get("guild_id") in self.guilds:
            member = {k: v for k, v in data.items() if k != "guild_id"}
            self.guilds[data["guild_id"]].setdefault("members", []).append(member)
            self.users.setdefault(member["user"]["id"], member["user"])

    # -- REST --------------------------------------------------------------------------------------------------------

    async def _rest_entry(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body, uploads = await self._read_body(request)
        record = Request(request.method, path, dict(request.query), body, files=list(uploads), uploads=uploads)
        self.requests.append(record)
        try:
            response = self._rate_limited(record) or await self._route(record)
            if response is None:
                self.unknown.append(record)
                log.warning("FakeDiscord has no route for %s %s (body %r)", record.method, path, body)
                response = json_response({"code": 0, "message": f"404: Not Found ({record.method} {path})"}, 404)
        except Exception:
            log.exception("FakeDiscord failed on %s %s", record.method, path)
            response = json_response({"code": 0, "message": "500: fake crashed"}, 500)
        record.status = response.status
        await self._notify()
        return response

    @staticmethod
    async def _read_body(request: web.Request) -> tuple[Any, dict[str, bytes]]:
        if not request.can_read_body:
            return None, {}
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            files = {f.filename: f.file.read() for f in form.values() if isinstance(f, web.FileField)}
            raw = form.get("payload_json")
            return (json.loads(raw) if isinstance(raw, str) else None), files
        text = await request.text()
        return (json.loads(text) if text else None), {}

    def _rate_limited(self, record: Request) -> web.Response | None:
        for i, (prefix, method, retry_after, is_global) in enumerate(self._rate_limits):
            if record.path.startswith(prefix) and method in (None, record.method):
                del self._rate_limits[i]
                headers = {
                    "Via": "1.1 google",  # discord.py treats a 429 without Via as a Cloudflare ban
                    "Retry-After": str(max(1, round(retry_after))),
                    "X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset-After": str(retry_after), "X-RateLimit-Bucket": "fake-bucket",
                    "X-RateLimit-Scope": "global" if is_global else "user",
                }
                if is_global:
                    headers["X-RateLimit-Global"] = "true"
                body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": is_global}
                return json_response(body, 429, headers)
        return None

    # -- REST routes (handlers get the record and the path's named segments) -----------------------------------------

    async def _route(self, record: Request) -> web.Response | None:
        for method, rx, handler in _ROUTES:
            match = rx.match(record.path)
            if match and method == record.method:
                return handler(self, record, **match.groupdict())
        return None

    def _get_gateway(self, r: Request) -> web.Response:
        return json_response({"url": self.gateway_url})

    def _get_gateway_bot(self, r: Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1}
        return json_response({"url": self.gateway_url, "shards": 1, "session_start_limit": limit})

    def _get_me(self, r: Request) -> web.Response:
        return json_response(self.bot)

    def _get_application(self, r: Request) -> web.Response:
        return json_response(p.application(self.application_id, self.bot, self.owner, flags=self.application_flags,
                                           guild_count=len(self.guilds)))

    def _get_commands(self, r: Request, guild_id: str | None = None, **_: str) -> web.Response:
        return json_response(self.commands.get(guild_id, []))

    def _put_commands(self, r: Request, guild_id: str | None = None, **_: str) -> web.Response:
        old = {c["name"]: c["id"] for c in self.commands.get(guild_id, [])}
        stored = []
        for c in r.json or []:
            c = {"type": 1, "description": "", "options": [], "default_member_permissions": None, "nsfw": False,
                 **c, "id": old.get(c["name"]) or p.snowflake(), "application_id": self.application_id,
                 "version": p.snowflake()}
            if guild_id is not None:
                c["guild_id"] = guild_id
            stored.append(c)
        self.commands[guild_id] = stored
        return json_response(stored)

    def _callback(self, r: Request, interaction_id: str, token: str) -> web.Response:
        if token in self._originals or any(x["token"] == token for x in self.interaction_responses):
            return json_response({"code": 40060, "message": "Interaction has already been acknowledged."}, 400)
        kind, data = r.json["type"], r.json.get("data") or {}
        self.interaction_responses.append({"interaction_id": interaction_id, "token": token, "type": kind, "data": data})
        source = self._interactions.get(interaction_id, {})
        answer: dict[str, Any] = {"interaction": {
            "id": interaction_id, "type": source.get("type", 2),
            "response_message_loading": kind == 5, "response_message_ephemeral": bool(data.get("flags", 0) & 64),
        }}
        message = None
        if kind in (4, 5):
            flags = data.get("flags", 0) | (128 if kind == 5 else 0)  # 128: LOADING ("is thinking...")
            message = self._message(data, source.get("channel_id", p.CHANNEL_ID), flags=flags,
                                    interaction_id=interaction_id)
        elif kind == 7 and source.get("message"):
            message = {**source["message"], **{k: v for k, v in data.items() if k != "flags"}}
        if message is not None:
            self._originals[token] = message
            answer["interaction"]["response_message_id"] = message["id"]
            answer["resource"] = {"type": kind, "message": message}
        return json_response(answer)

    def _message(self, body: dict, channel_id: str, *, flags: int | None = None, uploads: dict | None = None,
                 **extra: Any) -> dict:
        channel_guild = (self._channel(channel_id) or {}).get("guild_id")
        fields = {k: body[k] for k in ("embeds", "components", "tts") if k in body}
        if body.get("attachments"):  # what was uploaded, as Discord describes it back
            fields["attachments"] = [
                {"id": p.snowflake(), "filename": a["filename"], "size": len((uploads or {}).get(a["filename"], b"")),
                 "url": f"https://cdn.discordapp.com/attachments/{channel_id}/{a['filename']}",
                 "proxy_url": f"https://media.discordapp.net/attachments/{channel_id}/{a['filename']}"}
                for a in body["attachments"]]
        return p.message(body.get("content") or "", channel_id=channel_id, guild_id=channel_guild, author=self.bot,
                         flags=body.get("flags", 0) if flags is None else flags, **fields, **extra)

    def _followup(self, r: Request, app_id: str, token: str) -> web.Response:
        original = self._originals.get(token)
        if original is not None and original["flags"] & 128 and not self.followups_for(token):
            # The first follow-up after a defer fills in the "thinking" message, keeping its visibility.
            original.update(content=r.json.get("content") or "", flags=original["flags"] & ~128,
                            embeds=r.json.get("embeds", []), components=r.json.get("components", []))
            message = original
        else:
            message = self._message(r.json or {}, original["channel_id"] if original else p.CHANNEL_ID,
                                    webhook_id=app_id)
        self.followups.append({"token": token, "message": message, "body": r.json})
        return json_response(message)

    def followups_for(self, token: str) -> list[dict]:
        return [f for f in self.followups if f["token"] == token]

    def _original(self, r: Request, app_id: str, token: str, message_id: str) -> web.Response:
        message = self._originals.get(token) if message_id == "@original" else next(
            (f["message"] for f in self.followups_for(token) if f["message"]["id"] == message_id), None)
        if message is None:
            return json_response({"code": 10008, "message": "Unknown Message"}, 404)
        if r.method == "PATCH":
            message.update({k: v for k, v in (r.json or {}).items() if k not in ("flags", "allowed_mentions")})
            message["edited_timestamp"] = p.now_iso()
        elif r.method == "DELETE":
            return web.Response(status=204)
        return json_response(message)

    def _post_message(self, r: Request, channel_id: str) -> web.Response:
        body = r.json or {}
        if self.known_channels_only and channel_id not in self.dm_channels and self._channel(channel_id) is None:
            return json_response({"code": 10003, "message": "Unknown Channel"}, 404)
        recipient = self.dm_channels.get(channel_id)
        if recipient in self.closed_dm_user_ids:
            return json_response({"code": 50007, "message": "Cannot send messages to this user"}, 403)
        nonce = body.get("nonce")
        if nonce is not None and len(str(nonce)) > 25:
            return json_response({"code": 50035, "message": "Invalid Form Body",
                                  "errors": {"nonce": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH",
                                                                    "message": "Must be 25 or fewer in length."}]}}}, 400)
        if nonce is not None and body.get("enforce_nonce") and str(nonce) in self._nonces:
            return json_response(self._nonces[str(nonce)])
        message = self._message(body, channel_id, uploads=r.uploads, **({"nonce": nonce} if nonce is not None else {}))
        if nonce is not None and body.get("enforce_nonce"):
            self._nonces[str(nonce)] = message
        self.messages.append({**message, "allowed_mentions": body.get("allowed_mentions"), "body": body})
        return json_response(message)

    def _open_dm(self, r: Request) -> web.Response:
        user_id = str(r.json["recipient_id"])
        channel_id = next((c for c, u in self.dm_channels.items() if u == user_id), None) or p.snowflake()
        self.dm_channels[channel_id] = user_id
        return json_response(p.dm_channel(channel_id, self.users.get(user_id) or p.user(user_id, f"user{user_id[-4:]}")))

    def _get_channel(self, r: Request, channel_id: str) -> web.Response:
        if channel_id in self.dm_channels:
            user_id = self.dm_channels[channel_id]
            return json_response(p.dm_channel(channel_id, self.users.get(user_id) or p.user(user_id)))
        found = self._channel(channel_id)
        return json_response(found) if found else json_response({"code": 10003, "message": "Unknown Channel"}, 404)

    def _channel(self, channel_id: str) -> dict | None:
        """A guild channel or thread, with its guild_id."""
        for g in self.guilds.values():
            for c in [*g.get("channels", []), *g.get("threads", [])]:
                if c["id"] == channel_id:
                    return {**c, "guild_id": g["id"]}
        return None

    def threads(self) -> list[dict]:
        return [t for g in self.guilds.values() for t in g.get("threads", [])]

    def _add_thread(self, thread: dict) -> None:
        self.guilds[thread["guild_id"]].setdefault("threads", []).append(thread)

    def _thread_from_message(self, r: Request, channel_id: str, message_id: str) -> web.Response:
        parent = self._channel(channel_id)
        if parent is None:
            return json_response({"code": 10003, "message": "Unknown Channel"}, 404)
        if message_id in self.deleted_message_ids:
            return json_response({"code": 10008, "message": "Unknown Message"}, 404)
        if self._channel(message_id) is not None:
            return json_response({"code": 160004, "message": "A thread has already been created for this message"},
                                 400)
        name = (r.json or {}).get("name") or ""
        if not 1 <= len(name) <= 100:
            return json_response({"code": 50035, "message": "Invalid Form Body"}, 400)
        thread = p.thread_channel(message_id, channel_id, name, guild_id=parent["guild_id"], owner_id=self.bot["id"])
        self._add_thread(thread)
        return json_response(thread, 201)

    def _forum_post(self, r: Request, channel_id: str) -> web.Response:
        forum = self._channel(channel_id)
        if forum is None:
            return json_response({"code": 10003, "message": "Unknown Channel"}, 404)
        body = r.json or {}
        name, starter = body.get("name") or "", body.get("message")
        if forum["type"] != 15 or not starter or not 1 <= len(name) <= 100:
            return json_response({"code": 50035, "message": "Invalid Form Body"}, 400)
        known = {t["id"] for t in forum.get("available_tags", [])}
        tags = [str(t) for t in body.get("applied_tags") or []]
        if not set(tags) <= known or len(tags) > 5:
            return json_response({"code": 50035, "message": "Invalid Form Body"}, 400)
        thread_id = p.snowflake()
        thread = p.thread_channel(thread_id, channel_id, name, guild_id=forum["guild_id"], owner_id=self.bot["id"],
                                  applied_tags=tags)
        self._add_thread(thread)
        message = self._message(starter, thread_id, message_id=thread_id, uploads=r.uploads)  # a post's starter has the post's id
        self.messages.append({**message, "allowed_mentions": starter.get("allowed_mentions"), "body": starter})
        return json_response({**thread, "message": message}, 201)

    def _get_member(self, r: Request, guild_id: str, user_id: str) -> web.Response:
        for m in self.guilds.get(guild_id, {}).get("members", []):
            if m["user"]["id"] == user_id:
                return json_response(m)
        return json_response({"code": 10007, "message": "Unknown Member"}, 404)

    def _get_user(self, r: Request, user_id: str) -> web.Response:
        if user_id in self.users:
            return json_response(self.users[user_id])
        return json_response({"code": 10013, "message": "Unknown User"}, 404)

    def _post_event(self, r: Request, guild_id: str) -> web.Response:
        event = {"channel_id": None, "description": None, "scheduled_end_time": None, "entity_metadata": None,
                 "image": None, "user_count": 0, "recurrence_rule": None, **(r.json or {}),
                 "id": p.snowflake(), "guild_id": guild_id, "creator_id": self.bot["id"], "creator": self.bot,
                 "status": 1, "entity_id": None}
        self.scheduled_events.append(event)
        return json_response(event)

    # -- gateway -----------------------------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self.gateway_queries.append(dict(request.query))
        self._conn = conn = _Connection(ws, request.query.get("compress"))
        self._sockets.add(ws)
        try:
            await self._send({"op": 10, "s": None, "t": None, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                self.gateway_received.append(payload)
                handler = self._ops.get(payload.get("op"))
                if handler is not None:
                    self._conn = conn  # answers go back on the connection that spoke (one per shard)
                    await handler(self, payload.get("d"))
                await self._notify()
        finally:
            self._sockets.discard(ws)
            if self._conn is conn:
                self._conn = None
        return ws

    async def _send(self, payload: dict) -> None:
        assert self._conn is not None
        self.gateway_sent.append(payload)
        await self._conn.send(payload)

    async def _on_heartbeat(self, _: Any) -> None:
        await self._send({"op": 11, "s": None, "t": None, "d": None})

    async def _on_identify(self, d: dict) -> None:
        self.identifies.append(d)
        if self.refuse_privileged_intents and d.get("intents", 0) & PRIVILEGED_INTENTS:
            await self._notify()
            await self.close_with(4014, "Disallowed intent(s).")
            return
        self._seq = 0
        shard_id, shard_count = d.get("shard") or (0, 1)
        # A sharded bot sees each guild on one shard: (guild_id >> 22) % shard_count, as Discord assigns them.
        mine = [g for gid, g in self.guilds.items() if (int(gid) >> 22) % shard_count == shard_id]
        await self.dispatch("READY", p.ready(self.bot, self.session_id, self.gateway_url, [g["id"] for g in mine],
                                             self.application_id, self.application_flags, (shard_id, shard_count)))
        for g in mine:
            await self.dispatch("GUILD_CREATE", g)

    async def _on_resume(self, _: dict) -> None:
        await self.dispatch("RESUMED", {"_trace": ["fake-discord"]})

    async def _on_request_members(self, d: dict) -> None:
        members = self.guilds.get(str(d.get("guild_id")), {}).get("members", [])
        await self.dispatch("GUILD_MEMBERS_CHUNK", {
            "guild_id": str(d["guild_id"]), "members": members, "chunk_index": 0, "chunk_count": 1,
            "not_found": [], "nonce": d.get("nonce"),
        })

    _ops: dict[int, Callable[[FakeDiscord, Any], Awaitable[None]]] = {
        1: _on_heartbeat, 2: _on_identify, 6: _on_resume, 8: _on_request_members,
    }


_APP = "/applications/{app_id}"
_ROUTES = [(m, _template_regex(t, named=True), h) for m, t, h in [
    ("GET", "/gateway", FakeDiscord._get_gateway),
    ("GET", "/gateway/bot", FakeDiscord._get_gateway_bot),
    ("GET", "/users/@me", FakeDiscord._get_me),
    ("GET", "/oauth2/applications/@me", FakeDiscord._get_application),
    ("GET", _APP + "/commands", FakeDiscord._get_commands),
    ("PUT", _APP + "/commands", FakeDiscord._put_commands),
    ("GET", _APP + "/guilds/{guild_id}/commands", FakeDiscord._get_commands),
    ("PUT", _APP + "/guilds/{guild_id}/commands", FakeDiscord._put_commands),
    ("POST", "/interactions/{interaction_id}/{token}/callback", FakeDiscord._callback),
    ("POST", "/webhooks/{app_id}/{token}", FakeDiscord._followup),
    ("GET", "/webhooks/{app_id}/{token}/messages/{message_id}", FakeDiscord._original),
    ("PATCH", "/webhooks/{app_id}/{token}/messages/{message_id}", FakeDiscord._original),
    ("DELETE", "/webhooks/{app_id}/{token}/messages/{message_id}", FakeDiscord._original),
    ("POST", "/channels/{channel_id}/messages", FakeDiscord._post_message),
    ("POST", "/channels/{channel_id}/messages/{message_id}/threads", FakeDiscord._thread_from_message),
    ("POST", "/channels/{channel_id}/threads", FakeDiscord._forum_post),
    ("GET", "/channels/{channel_id}", FakeDiscord._get_channel),
    ("POST", "/users/@me/channels", FakeDiscord._open_dm),
    ("GET", "/guilds/{guild_id}/members/{user_id}", FakeDiscord._get_member),
    ("GET", "/users/{user_id}", FakeDiscord._get_user),
    ("POST", "/guilds/{guild_id}/scheduled-events", FakeDiscord._post_event),
]]
