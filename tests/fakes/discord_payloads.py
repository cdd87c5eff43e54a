"""Raw Discord payloads, shaped the way the API and the gateway send them (API v10, as read by discord.py 2.7).

Every id is a string snowflake larger than 2**32, the way Discord sends them.  The builders return plain dicts so
tests can tweak any field before dispatching it through ``FakeDiscord.dispatch`` or turning it into a
``discord.Interaction`` with :func:`interaction_object`.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000
ALL_PERMISSIONS = str((1 << 51) - 1)
MEMBER_PERMISSIONS = str(0x0000_0000_0006_4C40)  # view channel, send messages, embed, attach, read history, ...
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024

BOT_USER_ID = "1200000000000000001"
APPLICATION_ID = BOT_USER_ID  # Discord gives a bot the same id as its application
GUILD_ID = "1100000000000000001"
CHANNEL_ID = "1100000000000000101"
OWNER_ID = "1300000000000000001"

_counter = itertools.count(1)


def snowflake() -> str:
    """A fresh, increasing snowflake (timestamp << 22 | counter) as a string."""
    ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return str((ms << 22) | (next(_counter) & 0x3FFFFF))


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


# -- users, members, roles, channels, guilds -------------------------------------------------------------------------


def user(user_id: str | None = None, username: str = "alice", *, bot: bool = False, global_name: str | None = None) -> dict:
    return {
        "id": user_id or snowflake(),
        "username": username,
        "discriminator": "0",
        "global_name": global_name if global_name is not None else username.title(),
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


def bot_user(user_id: str = BOT_USER_ID, username: str = "copbot") -> dict:
    return {**user(user_id, username, bot=True), "verified": True, "mfa_enabled": False, "flags": 0}


def member(
    user_payload: dict | None = None, *, roles: Iterable[str] = (), nick: str | None = None,
    permissions: str | None = None, joined_at: str | None = None, guild_id: str | None = None,
) -> dict:
    """A guild member.  ``permissions`` is present only in interaction payloads; ``guild_id`` only in events."""
    data: dict[str, Any] = {
        "user": user_payload or user(),
        "roles": list(roles),
        "nick": nick,
        "avatar": None,
        "joined_at": joined_at or now_iso(),
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
    }
    if permissions is not None:
        data["permissions"] = permissions
    if guild_id is not None:
        data["guild_id"] = guild_id
    return data


def role(role_id: str, name: str, *, permissions: str = MEMBER_PERMISSIONS, position: int = 0) -> dict:
    return {
        "id": role_id, "name": name, "permissions": permissions, "position": position, "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False, "managed": False, "mentionable": False, "icon": None, "unicode_emoji": None, "flags": 0,
    }


def text_channel(channel_id: str = CHANNEL_ID, name: str = "general", *, guild_id: str = GUILD_ID, position: int = 0) -> dict:
    return {
        "id": channel_id, "type": 0, "guild_id": guild_id, "name": name, "position": position,
        "permission_overwrites": [], "parent_id": None, "topic": None, "nsfw": False,
        "last_message_id": None, "rate_limit_per_user": 0,
    }


def thread_channel(thread_id: str, parent_id: str = CHANNEL_ID, name: str = "a thread", *, guild_id: str = GUILD_ID,
                   owner_id: str = BOT_USER_ID, type: int = 11, applied_tags: list[str] | None = None) -> dict:
    """A thread (11 public, 12 private; a forum post is a public thread whose parent is the forum)."""
    now = now_iso()
    return {
        "id": thread_id, "type": type, "guild_id": guild_id, "parent_id": parent_id, "owner_id": owner_id,
        "name": name, "last_message_id": None, "rate_limit_per_user": 0, "message_count": 0, "member_count": 1,
        "total_message_sent": 0, "flags": 0, "applied_tags": applied_tags or [],
        "thread_metadata": {"archived": False, "auto_archive_duration": 1440, "archive_timestamp": now,
                            "locked": False, "create_timestamp": now},
    }


def forum_tag(tag_id: str, name: str) -> dict:
    return {"id": tag_id, "name": name, "moderated": False, "emoji_id": None, "emoji_name": None}


def forum_channel(channel_id: str, name: str = "questions", *, guild_id: str = GUILD_ID,
                  tags: list[dict] | None = None, position: int = 1) -> dict:
    """A forum channel (type 15): it holds posts (threads), each opened with a starter message."""
    return {
        "id": channel_id, "type": 15, "guild_id": guild_id, "name": name, "position": position,
        "permission_overwrites": [], "parent_id": None, "topic": None, "nsfw": False, "last_message_id": None,
        "rate_limit_per_user": 0, "available_tags": tags or [], "default_reaction_emoji": None,
        "default_sort_order": None, "default_forum_layout": 0, "flags": 0,
        "default_thread_rate_limit_per_user": 0, "default_auto_archive_duration": 1440,
    }


def dm_channel(channel_id: str, recipient: dict) -> dict:
    return {"id": channel_id, "type": 1, "last_message_id": None, "flags": 0, "recipients": [recipient]}


def guild(
    guild_id: str = GUILD_ID, name: str = "Test Community", *, owner_id: str = OWNER_ID,
    channels: list[dict] | None = None, members: list[dict] | None = None, roles: list[dict] | None = None,
    bot: dict | None = None,
) -> dict:
    """A GUILD_CREATE payload.  The bot user is always among the members; @everyone's id is the guild id."""
    channels = channels if channels is not None else [text_channel(guild_id=guild_id)]
    everyone = role(guild_id, "@everyone")
    roles = [everyone, *(roles or [])]
    members = list(members or [member(user(owner_id, "owner"))])
    bot = bot or bot_user()
    if not any(m["user"]["id"] == bot["id"] for m in members):
        members.append(member(bot))
    return {
        "id": guild_id, "name": name, "icon": None, "owner_id": owner_id, "unavailable": False,
        "roles": roles, "channels": channels, "members": members, "member_count": len(members),
        "large": len(members) >= 250, "threads": [], "emojis": [], "stickers": [], "features": [],
        "presences": [], "voice_states": [], "stage_instances": [], "guild_scheduled_events": [],
        "soundboard_sounds": [], "preferred_locale": "en-US", "joined_at": now_iso(), "system_channel_id": None,
        "verification_level": 0, "default_message_notifications": 0, "explicit_content_filter": 0,
        "mfa_level": 0, "nsfw_level": 0, "premium_tier": 0, "afk_timeout": 300,
    }


def message(
    content: str = "", *, channel_id: str = CHANNEL_ID, guild_id: str | None = GUILD_ID, author: dict | None = None,
    message_id: str | None = None, nonce: str | int | None = None, flags: int = 0, **extra: Any,
) -> dict:
    """A message object (the REST reply to a send, and the body of MESSAGE_CREATE)."""
    data: dict[str, Any] = {
        "id": message_id or snowflake(), "channel_id": channel_id, "type": 0, "content": content,
        "author": author or user(), "timestamp": now_iso(), "edited_timestamp": None, "tts": False,
        "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
        "components": [], "pinned": False, "flags": flags,
    }
    if guild_id is not None:
        data["guild_id"] = guild_id
    if nonce is not None:
        data["nonce"] = nonce
    data.update(extra)
    return data


def application(app_id: str, bot: dict, owner: dict, *, flags: int = 0, guild_count: int = 0) -> dict:
    """``GET /oauth2/applications/@me``: what ``Client.login`` reads (``application_info``)."""
    return {
        "id": app_id, "name": bot["username"], "icon": None, "description": "", "summary": "", "type": None,
        "bot_public": True, "bot_require_code_grant": False, "verify_key": "0" * 64, "flags": flags,
        "owner": owner, "team": None, "bot": bot, "interactions_endpoint_url": None, "redirect_uris": [],
        "tags": [], "integration_types_config": {"0": {}}, "approximate_guild_count": guild_count,
    }


# -- gateway events --------------------------------------------------------------------------------------------------


def ready(bot: dict, session_id: str, resume_gateway_url: str, guild_ids: Iterable[str], app_id: str,
          app_flags: int, shard: tuple[int, int] = (0, 1)) -> dict:
    """READY: guilds arrive as unavailable stubs, each followed later by its GUILD_CREATE. ``shard`` is
    [shard_id, shard_count] as the IDENTIFY asked."""
    return {
        "v": 10, "user": bot, "session_id": session_id, "resume_gateway_url": resume_gateway_url,
        "guilds": [{"id": gid, "unavailable": True} for gid in guild_ids],
        "application": {"id": app_id, "flags": app_flags}, "private_channels": [], "relationships": [],
        "user_settings": {}, "presences": [], "guild_join_requests": [], "geo_ordered_rtc_regions": [],
        "shard": list(shard), "_trace": ["fake-discord"],
    }


def member_add(user_payload: dict | None = None, *, guild_id: str = GUILD_ID, roles: Iterable[str] = ()) -> dict:
    """GUILD_MEMBER_ADD (needs the members intent to be sent by Discord)."""
    return member(user_payload, roles=roles, guild_id=guild_id)


def message_create(
    content: str, *, author: dict | None = None, channel_id: str = CHANNEL_ID, guild_id: str | None = GUILD_ID,
    roles: Iterable[str] = (), **extra: Any,
) -> dict:
    """MESSAGE_CREATE: a message plus, in a guild, the author's partial member (without ``user``)."""
    author = author or user()
    data = message(content, channel_id=channel_id, guild_id=guild_id, author=author, **extra)
    if guild_id is not None:
        data["member"] = {k: v for k, v in member(author, roles=roles).items() if k != "user"}
    return data


def reaction_add(
    emoji: str = "👍", *, user_id: str, message_id: str, message_author_id: str | None = None,
    channel_id: str = CHANNEL_ID, guild_id: str | None = GUILD_ID, emoji_id: str | None = None,
    member_payload: dict | None = None, burst: bool = False,
) -> dict:
    """MESSAGE_REACTION_ADD.  ``emoji`` is a unicode emoji, or a custom emoji's name when ``emoji_id`` is given."""
    data: dict[str, Any] = {
        "user_id": user_id, "channel_id": channel_id, "message_id": message_id,
        "emoji": {"id": emoji_id, "name": emoji, "animated": False} if emoji_id else {"id": None, "name": emoji},
        "burst": burst, "burst_colors": [], "type": 1 if burst else 0,
    }
    if message_author_id is not None:
        data["message_author_id"] = message_author_id
    if guild_id is not None:
        data["guild_id"] = guild_id
        data["member"] = member_payload or member(user(user_id))
    return data


def reaction_remove(emoji: str = "👍", *, user_id: str, message_id: str, channel_id: str = CHANNEL_ID,
                    guild_id: str | None = GUILD_ID, emoji_id: str | None = None, burst: bool = False) -> dict:
    """MESSAGE_REACTION_REMOVE (no member, no message_author_id: Discord does not send them here)."""
    data = reaction_add(emoji, user_id=user_id, message_id=message_id, channel_id=channel_id,
                        guild_id=guild_id, emoji_id=emoji_id, burst=burst)
    data.pop("member", None)
    return data


# -- interactions ----------------------------------------------------------------------------------------------------

_OPTION_TYPES = {bool: 5, int: 4, float: 10, str: 3}


def option(name: str, value: Any, type: int | None = None, *, focused: bool = False) -> dict:
    """A command option value.  The type is guessed from ``value`` (str 3, int 4, bool 5, float 10) unless given."""
    data: dict[str, Any] = {"name": name, "type": type or _OPTION_TYPES[builtin_type(value)], "value": value}
    if focused:
        data["focused"] = True
    return data


def builtin_type(value: Any) -> type:
    return bool if isinstance(value, bool) else int if isinstance(value, int) else type(value)


def user_option(name: str, user_payload: dict, member_payload: dict | None = None) -> dict:
    """A user option (type 6).  Its user (and member) are added to ``data.resolved`` by :func:`slash_command`."""
    resolved: dict[str, Any] = {"users": {user_payload["id"]: user_payload}}
    if member_payload is not None:
        partial = {k: v for k, v in member_payload.items() if k != "user"}
        partial.setdefault("permissions", MEMBER_PERMISSIONS)
        resolved["members"] = {user_payload["id"]: partial}
    return {"name": name, "type": 6, "value": user_payload["id"], "_resolved": resolved}


def _base_interaction(
    type_: int, data: dict, *, guild_id: str | None, channel: dict, user_payload: dict | None,
    roles: Iterable[str], member_permissions: str, app_permissions: str, locale: str, application_id: str,
    interaction_id: str | None, token: str | None,
) -> dict:
    author = user_payload or user()
    payload: dict[str, Any] = {
        "id": interaction_id or snowflake(), "application_id": application_id, "type": type_,
        "token": token or f"interaction-token-{snowflake()}", "version": 1, "data": data,
        "channel_id": channel["id"], "channel": channel, "locale": locale, "app_permissions": app_permissions,
        "entitlements": [], "entitlement_sku_ids": [], "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    }
    if guild_id is not None:
        payload.update(
            guild_id=guild_id, guild_locale="en-US",
            guild={"id": guild_id, "locale": "en-US", "features": []},
            member=member(author, roles=roles, permissions=member_permissions),
            authorizing_integration_owners={"0": guild_id}, context=0,
        )
    else:
        payload.update(user=author, authorizing_integration_owners={"0": "0"}, context=1)
    return payload


def _interaction(type_: int, data: dict, kw: dict) -> dict:
    guild_id = kw.pop("guild_id", GUILD_ID)
    channel_id = kw.pop("channel_id", CHANNEL_ID)
    channel = kw.pop("channel", None)
    if channel is None:
        channel = text_channel(channel_id, guild_id=guild_id) if guild_id else {"id": channel_id, "type": 1}
    return _base_interaction(
        type_, data, guild_id=guild_id, channel=channel, user_payload=kw.pop("user", None),
        roles=kw.pop("roles", ()), member_permissions=kw.pop("member_permissions", MEMBER_PERMISSIONS),
        app_permissions=kw.pop("app_permissions", ALL_PERMISSIONS), locale=kw.pop("locale", "en-US"),
        application_id=kw.pop("application_id", APPLICATION_ID), interaction_id=kw.pop("interaction_id", None),
        token=kw.pop("token", None), **_no_more(kw),
    )


def _no_more(kw: dict) -> dict:
    if kw:
        raise TypeError(f"unexpected keyword arguments: {sorted(kw)}")
    return {}


def _command_data(name: str, options: Any, subcommand: str | None, group: str | None,
                  resolved: Mapping | None, command_id: str | None, command_guild_id: str | None) -> dict:
    if isinstance(options, Mapping):
        options = [option(k, v) for k, v in options.items()]
    options = [dict(o) for o in options or []]
    merged: dict[str, dict] = {}
    for extra in [o.pop("_resolved", {}) for o in options] + [dict(resolved or {})]:
        for kind, items in extra.items():
            merged.setdefault(kind, {}).update(items)
    if subcommand is not None:
        options = [{"name": subcommand, "type": 1, "options": options}]
    if group is not None:
        if subcommand is None:
            raise ValueError("a subcommand group needs a subcommand")
        options = [{"name": group, "type": 2, "options": options}]
    data: dict[str, Any] = {"id": command_id or snowflake(), "name": name, "type": 1, "options": options}
    if merged:
        data["resolved"] = merged
    if command_guild_id is not None:
        data["guild_id"] = command_guild_id
    return data


def slash_command(
    name: str, options: Mapping[str, Any] | list[dict] | None = None, *, subcommand: str | None = None,
    group: str | None = None, resolved: Mapping | None = None, command_id: str | None = None,
    command_guild_id: str | None = None, **kw: Any,
) -> dict:
    """A chat-input command interaction (type 2).

    ``options`` is ``{name: value}`` or a list of :func:`option` / :func:`user_option` dicts; ``subcommand`` and
    ``group`` nest them the way Discord does (group -> subcommand -> options).  Set ``command_guild_id`` when the
    command was registered to a guild: discord.py's ``CommandTree`` looks guild commands up by ``data.guild_id``.
    Common keywords: ``guild_id`` (None = a DM), ``channel_id``, ``channel``, ``user``, ``roles``,
    ``member_permissions``, ``app_permissions``, ``locale``, ``application_id``, ``interaction_id``, ``token``.
    """
    data = _command_data(name, options, subcommand, group, resolved, command_id, command_guild_id)
    return _interaction(2, data, kw)


def message_command(name: str, target: dict, *, command_id: str | None = None,
                    command_guild_id: str | None = None, **kw: Any) -> dict:
    """A message context-menu command (interaction type 2, data.type 3) run on ``target`` (a message object):
    Discord sends the message in ``data.resolved.messages``, content included, without the content intent."""
    data: dict[str, Any] = {"id": command_id or snowflake(), "name": name, "type": 3, "target_id": target["id"],
                            "resolved": {"messages": {target["id"]: target}}}
    if command_guild_id is not None:
        data["guild_id"] = command_guild_id
    return _interaction(2, data, kw)


def autocomplete(name: str, options: Mapping[str, Any] | list[dict], focused: str, *, subcommand: str | None = None,
                 group: str | None = None, command_guild_id: str | None = None, **kw: Any) -> dict:
    """An autocomplete interaction (type 4); the option named ``focused`` carries ``focused: true``."""
    if isinstance(options, Mapping):
        options = [option(k, v) for k, v in options.items()]
    options = [{**o, "focused": True} if o["name"] == focused else o for o in options]
    data = _command_data(name, options, subcommand, group, None, None, command_guild_id)
    return _interaction(4, data, kw)


def component_press(custom_id: str, *, component_type: int = 2, values: list[str] | None = None,
                    message_payload: dict | None = None, **kw: Any) -> dict:
    """A message component interaction (type 3): a button (2) or, with ``values``, a string select (3)."""
    if values is not None and component_type == 2:
        component_type = 3
    data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
    if values is not None:
        data["values"] = values
    payload = _interaction(3, data, kw)
    payload["message"] = message_payload or message(
        "a message with components", channel_id=payload["channel_id"], guild_id=payload.get("guild_id"),
        author=bot_user(), components=[{"type": 1, "components": [{"type": 2, "style": 1, "custom_id": custom_id, "label": "OK"}]}],
    )
    return payload


def modal_submit(custom_id: str, fields: Mapping[str, str], **kw: Any) -> dict:
    """A modal submit interaction (type 5); each field is a text input (type 4) in its own action row."""
    rows = [{"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]} for k, v in fields.items()]
    return _interaction(5, {"custom_id": custom_id, "components": rows}, kw)


def interaction_object(client: Any, payload: dict, bot: dict | None = None) -> Any:
    """A real ``discord.Interaction`` built from ``payload`` the way discord.py's own tests do.

    ``client`` is a ``discord.Client``; it need not be connected.  A guild interaction needs ``client.user`` (discord.py
    reads ``guild.me``), so a client that never logged in is given the bot user (``bot`` or :func:`bot_user`), as
    ``login`` would.  Responding still needs a reachable API (a logged-in client or ``FakeDiscord``).
    """
    import discord

    state = client._connection
    if state.user is None:
        state.user = discord.ClientUser(state=state, data=bot or bot_user())
    return discord.Interaction(data=payload, state=state)
