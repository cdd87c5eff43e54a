"""`copbot slack manifest`: the Slack app manifest, derived from the core's command declarations.

Paste it at https://api.slack.com/apps -> Create New App -> From a manifest. One slash command per command group,
with `should_escape: true` so mentions arrive as <@U123|name>; scopes and events for everything the adapter
listens to; Socket Mode on or off as `[slack] mode` says (HTTP mode needs the public URL of `[slack] path`)."""

from __future__ import annotations

from collections.abc import Sequence

import yaml

from adapters.app.config import SlackConfig
from adapters.slack.shortcuts import shortcut_id
from bot.clock import SystemClock
from bot.commands import CommandBook
from bot.context import MessageActionSpec
from bot.core import Core
from bot.features.catalog import all_features

BOT_SCOPES = (
    "channels:history",  # message.channels: `@name++` kudos, thread answers
    "channels:read",  # member_joined_channel in public channels
    "chat:write",
    "chat:write.public",  # announcements in public channels the bot was not invited to
    "commands",
    "files:write",  # .ics files for meetups
    "groups:history",
    "groups:read",
    "im:write",  # conversations.open for direct messages
    "reactions:read",  # kudos by emoji
    "team:read",  # the workspace's name for a new community
    "users:read",  # names, time zones, owners and admins, bots
)
BOT_EVENTS = ("app_home_opened", "member_joined_channel", "message.channels", "message.groups",
              "reaction_added", "reaction_removed", "team_join", "user_change")
MAX_DESCRIPTION = 100
MAX_USAGE_HINT = 100
MAX_SHORTCUT_NAME = 24


# Only what copbot does today: extend it when a feature (questions, digests) lands.
APP_DESCRIPTION = "Kudos, meetups and a welcome for newcomers, for communities of practice."


def manifest(book: CommandBook, config: SlackConfig, *, name: str = "copbot", public_url: str | None = None,
             actions: Sequence[MessageActionSpec] | None = None) -> dict:
    http = config.mode == "http"
    if http and not public_url:
        raise ValueError("HTTP mode needs the public URL Slack posts to")
    request_url = (public_url or "").rstrip("/") + config.path

    def with_url(entry: dict) -> dict:
        return {**entry, "url": request_url} if http else entry

    commands = []
    for group, specs in book.groups().items():
        main = next((s for s in specs if s.sub is None), specs[0])
        subs = [s.sub for s in specs if s.sub]
        usage = " | ".join(([" ".join(p.usage() for p in main.params)] if main.sub is None else []) + subs)
        commands.append(with_url({"command": f"/{group}", "description": _cut(main.summary, MAX_DESCRIPTION),
                                  "usage_hint": _cut(usage.strip(" |"), MAX_USAGE_HINT), "should_escape": True}))
    shortcuts = [{"name": _cut(a.label, MAX_SHORTCUT_NAME), "type": "message", "callback_id": shortcut_id(a.name),
                  "description": _cut(a.label, MAX_DESCRIPTION)}
                 for a in (declared_actions() if actions is None else actions)]
    events: dict = {"bot_events": list(BOT_EVENTS)}
    interactivity: dict = {"is_enabled": True}
    if http:
        events["request_url"] = request_url
        interactivity["request_url"] = request_url
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {"name": name, "description": APP_DESCRIPTION, "background_color": "#2c2d30"},
        "features": {
            "app_home": {"home_tab_enabled": True, "messages_tab_enabled": True,
                         "messages_tab_read_only_enabled": True},  # DMs readable, not a chat
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": commands,
            **({"shortcuts": shortcuts} if shortcuts else {}),
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": not http,
            "token_rotation_enabled": False,
        },
    }


def manifest_yaml(book: CommandBook, config: SlackConfig, **kw) -> str:
    return yaml.safe_dump(manifest(book, config, **kw), sort_keys=False, allow_unicode=True, width=120)


def declared_commands() -> CommandBook:
    """Every command the core declares (help included), without opening a store."""

    def no_store():
        raise RuntimeError("the manifest needs no store")

    return Core(no_store, SystemClock(), all_features()).book


def declared_actions() -> tuple[MessageActionSpec, ...]:
    """Every message action the features declare: one message shortcut each."""
    found: dict[str, MessageActionSpec] = {}
    for feature in all_features():
        for action in feature.message_actions:
            found.setdefault(action.name, action)
    return tuple(found.values())


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
