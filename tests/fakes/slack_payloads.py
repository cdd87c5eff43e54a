"""Builders for what Slack sends an app, in Slack's own wire formats, plus request signing.

Each builder returns what Slack puts on the wire:

- HTTP mode: ``*_body`` functions return the raw request body (``bytes``) to post to Bolt, signed with ``sign``.
  Slash commands are an urlencoded form; interactivity is a form with one ``payload`` field holding JSON;
  events are a JSON ``event_callback`` envelope.
- Socket Mode: the same content as a ``dict`` (the slash command form as a dict of strings, the interactive payload
  unwrapped, the event envelope), wrapped by ``socket_envelope``.

The default ids match ``FakeSlack``'s defaults, so payloads and the fake agree without wiring.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

TEAM_ID = "T0TEST"
TEAM_DOMAIN = "copbot-test"
TEAM_NAME = "Copbot Test"
APP_ID = "A0TEST"
BOT_USER_ID = "UBOT0001"
BOT_ID = "BBOT0001"
CHANNEL_ID = "C0GENERAL"
USER_ID = "U0ALICE"
VERIFICATION_TOKEN = "legacy-verification-token"  # Slack still sends it; Bolt ignores it

_seq = itertools.count(1)


def _next() -> int:
    return next(_seq)


def new_trigger_id() -> str:
    return f"{int(time.time())}.{_next()}.0a1b2c3d4e5f"


def new_event_id() -> str:
    return f"Ev{_next():010d}"


def new_envelope_id() -> str:
    return f"env-{_next():08d}-0000-4000-8000-000000000000"


def new_ts() -> str:
    return f"{int(time.time())}.{_next():06d}"


# ---------------------------------------------------------------- signing and headers


def sign(body: bytes | str, secret: str, timestamp: int | None = None, content_type: str | None = None) -> dict:
    """Headers Slack sends with a request: ``v0=`` HMAC-SHA256 of ``v0:{ts}:{body}`` keyed by the signing secret."""
    raw = body.encode() if isinstance(body, str) else body
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + raw, hashlib.sha256).hexdigest()
    if content_type is None:
        content_type = "application/json" if raw.lstrip().startswith(b"{") else "application/x-www-form-urlencoded"
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": content_type,
    }


def retry_headers(num: int, reason: str = "http_timeout") -> dict:
    """Headers Slack adds when it redelivers an event over HTTP."""
    return {"X-Slack-Retry-Num": str(num), "X-Slack-Retry-Reason": reason}


def json_body(obj: dict) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def form_body(fields: dict) -> bytes:
    return urlencode(fields).encode()


# ---------------------------------------------------------------- users


def user_object(
    user_id: str,
    name: str | None = None,
    *,
    real_name: str | None = None,
    display_name: str | None = None,
    tz: str = "UTC",
    is_bot: bool = False,
    is_admin: bool = False,
    is_owner: bool = False,
    deleted: bool = False,
    team_id: str = TEAM_ID,
    email: str | None = None,
) -> dict:
    """A user object as ``users.info`` and ``team_join`` carry it."""
    name = name or user_id.lower()
    real_name = real_name if real_name is not None else name.title()
    display_name = display_name if display_name is not None else name
    offset = datetime.now(ZoneInfo(tz)).utcoffset()
    profile = {
        "real_name": real_name,
        "real_name_normalized": real_name,
        "display_name": display_name,
        "display_name_normalized": display_name,
        "first_name": real_name.split(" ")[0],
        "image_48": f"https://avatars.example/{user_id}_48.png",
        "team": team_id,
    }
    if email is not None:
        profile["email"] = email
    return {
        "id": user_id,
        "team_id": team_id,
        "name": name,
        "deleted": deleted,
        "real_name": real_name,
        "tz": tz,
        "tz_label": tz,
        "tz_offset": int(offset.total_seconds()) if offset else 0,
        "is_admin": is_admin,
        "is_owner": is_owner,
        "is_primary_owner": is_owner,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": is_bot,
        "is_app_user": False,
        "updated": int(time.time()),
        "profile": profile,
    }


# ---------------------------------------------------------------- slash commands


def slash_command(
    command: str,
    text: str = "",
    *,
    team_id: str = TEAM_ID,
    team_domain: str = TEAM_DOMAIN,
    user_id: str = USER_ID,
    user_name: str = "alice",
    channel_id: str = CHANNEL_ID,
    channel_name: str = "general",
    response_url: str = "https://hooks.slack.com/commands/T0TEST/1/abc",
    trigger_id: str | None = None,
    api_app_id: str = APP_ID,
    enterprise_id: str | None = None,
) -> dict:
    """The slash command fields (all strings); the Socket Mode ``slash_commands`` payload is exactly this dict."""
    fields = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "team_domain": team_domain,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id or new_trigger_id(),
    }
    if enterprise_id is not None:
        fields["enterprise_id"] = enterprise_id
    return fields


def slash_command_body(command: str, text: str = "", **kwargs: Any) -> bytes:
    """The urlencoded form Slack posts for a slash command (same keyword arguments as ``slash_command``)."""
    return form_body(slash_command(command, text, **kwargs))


# ---------------------------------------------------------------- events


def event_envelope(
    event: dict,
    *,
    team_id: str = TEAM_ID,
    event_id: str | None = None,
    event_time: int | None = None,
    api_app_id: str = APP_ID,
    authorizations: list[dict] | None = None,
    bot_user_id: str = BOT_USER_ID,
) -> dict:
    """An Events API ``event_callback`` envelope (the HTTP body as a dict, and the Socket Mode payload)."""
    if authorizations is None:
        authorizations = [
            {"enterprise_id": None, "team_id": team_id, "user_id": bot_user_id,
             "is_bot": True, "is_enterprise_install": False}
        ]
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or new_event_id(),
        "event_time": int(time.time()) if event_time is None else event_time,
        "authorizations": authorizations,
        "is_ext_shared_channel": False,
        "event_context": f"4-{_next():012d}",
    }


def event_body(event: dict, **kwargs: Any) -> bytes:
    """``event_envelope`` serialized as the JSON body Slack posts."""
    return json_body(event_envelope(event, **kwargs))


def team_join(user: dict | str) -> dict:
    """``team_join``: ``user`` is a full user object (pass an id to get a default one)."""
    return {"type": "team_join", "user": user_object(user) if isinstance(user, str) else user, "event_ts": new_ts()}


def member_joined_channel(
    user: str, channel: str = CHANNEL_ID, *, channel_type: str = "C", team: str = TEAM_ID, inviter: str | None = None
) -> dict:
    event = {"type": "member_joined_channel", "user": user, "channel": channel,
             "channel_type": channel_type, "team": team, "event_ts": new_ts()}
    if inviter is not None:
        event["inviter"] = inviter
    return event


def reaction_added(user: str, reaction: str, item_user: str, channel: str, ts: str) -> dict:
    return {"type": "reaction_added", "user": user, "reaction": reaction, "item_user": item_user,
            "item": {"type": "message", "channel": channel, "ts": ts}, "event_ts": new_ts()}


def reaction_removed(user: str, reaction: str, item_user: str, channel: str, ts: str) -> dict:
    return {**reaction_added(user, reaction, item_user, channel, ts), "type": "reaction_removed"}


def message(
    user: str | None,
    text: str,
    channel: str = CHANNEL_ID,
    ts: str | None = None,
    thread_ts: str | None = None,
    bot_id: str | None = None,
    subtype: str | None = None,
    *,
    channel_type: str = "channel",
    team: str = TEAM_ID,
) -> dict:
    """A ``message`` event; a bot's message has ``bot_id`` and subtype ``bot_message`` unless told otherwise."""
    ts = ts or new_ts()
    event: dict[str, Any] = {"type": "message", "channel": channel, "text": text, "ts": ts, "event_ts": ts,
                             "channel_type": channel_type, "team": team}
    if user is not None:
        event["user"] = user
    if bot_id is not None:
        event["bot_id"] = bot_id
        subtype = subtype or "bot_message"
    if subtype is not None:
        event["subtype"] = subtype
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
    if user is not None and bot_id is None and subtype is None:
        event["client_msg_id"] = f"msg-{_next():08d}"
    return event


def message_deleted(message: dict, channel: str = CHANNEL_ID, *, channel_type: str = "channel") -> dict:
    """``message`` with subtype ``message_deleted``: ``message`` is the event of the message that went."""
    ts = new_ts()
    before = {k: v for k, v in message.items() if k not in ("channel", "channel_type", "event_ts", "team")}
    return {"type": "message", "subtype": "message_deleted", "hidden": True, "channel": channel, "ts": ts,
            "deleted_ts": message["ts"], "event_ts": ts, "previous_message": before, "channel_type": channel_type}


def message_tombstone(message: dict, channel: str = CHANNEL_ID, *, channel_type: str = "channel") -> dict:
    """A thread's parent deleted while it has replies: ``message_changed`` into a ``tombstone``."""
    ts = new_ts()
    before = {k: v for k, v in message.items() if k not in ("channel", "channel_type", "event_ts", "team")}
    after = {"type": "message", "subtype": "tombstone", "text": "This message was deleted.", "user": "USLACKBOT",
             "hidden": True, "ts": message["ts"], "thread_ts": message["ts"], "reply_count": 1}
    return {"type": "message", "subtype": "message_changed", "hidden": True, "channel": channel, "ts": ts,
            "event_ts": ts, "message": after, "previous_message": before, "channel_type": channel_type}


def app_home_opened(user: str, channel: str | None = None, tab: str = "home") -> dict:
    return {"type": "app_home_opened", "user": user, "channel": channel or f"D{user[1:]}",
            "tab": tab, "event_ts": new_ts()}


# ---------------------------------------------------------------- interactivity


def _user_and_team(user: str, user_name: str, team: str, team_domain: str) -> dict:
    return {
        "user": {"id": user, "username": user_name, "name": user_name, "team_id": team},
        "team": {"id": team, "domain": team_domain},
        "enterprise": None,
        "is_enterprise_install": False,
    }


def block_actions(
    action_id: str,
    value: str | None = None,
    *,
    user: str = USER_ID,
    user_name: str = "alice",
    team: str = TEAM_ID,
    team_domain: str = TEAM_DOMAIN,
    channel: str = CHANNEL_ID,
    trigger_id: str | None = None,
    response_url: str = "https://hooks.slack.com/actions/T0TEST/1/abc",
    container: dict | None = None,
    block_id: str = "actions",
    action_type: str = "button",
    message_ts: str | None = None,
    api_app_id: str = APP_ID,
) -> dict:
    """A ``block_actions`` payload for a button (or ``action_type``) clicked in a message in ``channel``."""
    message_ts = message_ts or new_ts()
    action: dict[str, Any] = {"action_id": action_id, "block_id": block_id, "type": action_type,
                              "action_ts": new_ts()}
    if action_type == "button":
        action["text"] = {"type": "plain_text", "text": action_id, "emoji": True}
    if value is not None:
        action["value"] = value
    return {
        "type": "block_actions",
        **_user_and_team(user, user_name, team, team_domain),
        "api_app_id": api_app_id,
        "token": VERIFICATION_TOKEN,
        "container": container or {"type": "message", "message_ts": message_ts, "channel_id": channel,
                                   "is_ephemeral": False},
        "trigger_id": trigger_id or new_trigger_id(),
        "channel": {"id": channel, "name": "general"},
        "message": {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "ts": message_ts, "text": "",
                    "blocks": []},
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [action],
    }


def block_actions_body(action_id: str, value: str | None = None, **kwargs: Any) -> bytes:
    return interactive_body(block_actions(action_id, value, **kwargs))


def _state_values(values: dict | None) -> dict:
    """``{block_id: {action_id: "text"}}`` becomes plain_text_input states; dict leaves are kept as given."""
    out: dict = {}
    for block_id, actions in (values or {}).items():
        out[block_id] = {
            action_id: {"type": "plain_text_input", "value": v} if isinstance(v, str) or v is None else v
            for action_id, v in actions.items()
        }
    return out


def view_submission(
    callback_id: str,
    values: dict | None = None,
    private_metadata: str = "",
    *,
    user: str = USER_ID,
    user_name: str = "alice",
    team: str = TEAM_ID,
    team_domain: str = TEAM_DOMAIN,
    view_id: str | None = None,
    trigger_id: str | None = None,
    api_app_id: str = APP_ID,
) -> dict:
    """A ``view_submission`` payload; ``values`` as ``{block_id: {action_id: "typed text" | state dict}}``."""
    view_id = view_id or f"V{_next():08d}"
    return {
        "type": "view_submission",
        **_user_and_team(user, user_name, team, team_domain),
        "api_app_id": api_app_id,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id or new_trigger_id(),
        "view": {
            "id": view_id, "team_id": team, "type": "modal", "callback_id": callback_id,
            "private_metadata": private_metadata, "external_id": "", "blocks": [],
            "title": {"type": "plain_text", "text": callback_id, "emoji": True},
            "submit": {"type": "plain_text", "text": "Submit", "emoji": True}, "close": None,
            "state": {"values": _state_values(values)}, "hash": f"{int(time.time())}.abc",
            "clear_on_close": False, "notify_on_close": False,
            "previous_view_id": None, "root_view_id": view_id,
            "app_id": api_app_id, "app_installed_team_id": team, "bot_id": BOT_ID,
        },
        "response_urls": [],
    }


def view_submission_body(callback_id: str, values: dict | None = None, private_metadata: str = "",
                         **kwargs: Any) -> bytes:
    return interactive_body(view_submission(callback_id, values, private_metadata, **kwargs))


def message_action(
    callback_id: str,
    message: dict,
    *,
    user: str = USER_ID,
    user_name: str = "alice",
    channel: str = CHANNEL_ID,
    channel_name: str = "general",
    team: str = TEAM_ID,
    team_domain: str = TEAM_DOMAIN,
    response_url: str = "https://hooks.slack.com/app/T0TEST/1/x",
    trigger_id: str | None = None,
) -> dict:
    """A message shortcut (``type: message_action``): ``message`` is the message it was run on, as its event."""
    msg = {k: v for k, v in message.items() if k not in ("channel", "channel_type", "event_ts", "team")}
    return {
        "type": "message_action", "token": VERIFICATION_TOKEN, "action_ts": new_ts(),
        "team": {"id": team, "domain": team_domain},
        "user": {"id": user, "name": user_name, "username": user_name, "team_id": team},
        "channel": {"id": channel, "name": channel_name}, "is_enterprise_install": False, "enterprise": None,
        "callback_id": callback_id, "trigger_id": trigger_id or new_trigger_id(), "response_url": response_url,
        "message_ts": msg["ts"], "message": msg,
    }


def interactive_body(payload: dict) -> bytes:
    """Interactivity over HTTP: a form with a single ``payload`` field holding the JSON."""
    return form_body({"payload": json.dumps(payload)})


# ---------------------------------------------------------------- Socket Mode


def socket_envelope(
    type_: str,
    payload: dict,
    envelope_id: str | None = None,
    retry_attempt: int = 0,
    retry_reason: str = "",
    accepts_response_payload: bool | None = None,
) -> dict:
    """A Socket Mode envelope: ``slash_commands``, ``events_api`` or ``interactive``.

    Slack sends ``retry_attempt``/``retry_reason`` only with ``events_api``; ``accepts_response_payload`` defaults
    to what Slack sends: true for slash commands, view submissions and option requests.
    """
    if accepts_response_payload is None:
        accepts_response_payload = type_ == "slash_commands" or (
            type_ == "interactive" and payload.get("type") in ("view_submission", "block_suggestion")
        )
    envelope: dict[str, Any] = {
        "envelope_id": envelope_id or new_envelope_id(),
        "payload": payload,
        "type": type_,
        "accepts_response_payload": accepts_response_payload,
    }
    if type_ == "events_api":
        envelope["retry_attempt"] = retry_attempt
        envelope["retry_reason"] = retry_reason
    return envelope
