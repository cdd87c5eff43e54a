"""Who someone is on Slack, as the core's Person: users.info facts, cached briefly.

users.info tells the display name, the profile time zone, whether it is a bot, and whether the person owns or
administers the workspace (the platform's say in `platform_role`; the core decides what that allows)."""

from __future__ import annotations

import asyncio
import logging
import re
import time

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.identity import MemberRef, Person, Role

log = logging.getLogger("copbot.slack")

PLATFORM = "slack"
USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
MAX_LOOKUPS = 10  # mentions looked up per message; the core refuses more receivers than this anyway


class SlackPeople:
    def __init__(self, client: AsyncWebClient, *, ttl_seconds: float = 300, bot_user_id: str | None = None):
        self.client = client
        self.ttl = ttl_seconds
        self.bot_user_id = bot_user_id
        self._cache: dict[tuple[str, str], tuple[float, dict | None]] = {}
        self._workspaces: dict[str, str | None] = {}

    def remember_workspace(self, team_id: str, name: str | None) -> None:
        if name:
            self._workspaces[team_id] = name

    async def workspace_name(self, team_id: str) -> str | None:
        """The workspace's domain, to name a community created by an event (commands carry it)."""
        if team_id not in self._workspaces:
            try:
                self._workspaces[team_id] = (await self.client.team_info(team=team_id))["team"]["domain"]
            except Exception as error:  # a name is a nicety: go on without it
                log.warning("team.info for %s failed: %s", team_id, type(error).__name__)
                return None
        return self._workspaces[team_id]

    async def person(self, team_id: str, user_id: str, name_hint: str | None = None) -> Person:
        ref = MemberRef(PLATFORM, team_id, user_id)
        user = await self._user(team_id, user_id)
        if user is None:
            return Person(ref, name_hint or user_id, is_bot=user_id == self.bot_user_id)
        profile = user.get("profile") or {}
        name = profile.get("display_name") or profile.get("real_name") or user.get("real_name") \
            or user.get("name") or name_hint or user_id
        is_bot = bool(user.get("is_bot") or user.get("is_app_user")) or user_id == self.bot_user_id
        role = Role.OWNER if user.get("is_owner") or user.get("is_primary_owner") \
            else Role.MANAGER if user.get("is_admin") else Role.MEMBER
        return Person(ref, name, is_bot=is_bot, platform_role=role, zone=user.get("tz") or None)

    async def mentioned(self, team_id: str, text: str) -> tuple[Person, ...]:
        """Facts about the people a text mentions (`<@U123|bob>`), for the core to resolve mentions."""
        ids = list(dict.fromkeys(USER_MENTION.findall(text)))[:MAX_LOOKUPS]
        users = await asyncio.gather(*(self._user(team_id, uid) for uid in ids))
        # Someone users.info doesn't know: the core goes by the name in the mention itself.
        return tuple([await self.person(team_id, uid) for uid, user in zip(ids, users, strict=True) if user])

    async def is_bot(self, team_id: str, user_id: str) -> bool:
        if user_id == self.bot_user_id:
            return True
        user = await self._user(team_id, user_id)
        return bool(user and (user.get("is_bot") or user.get("is_app_user")))

    async def _user(self, team_id: str, user_id: str) -> dict | None:
        key = (team_id, user_id)
        cached = self._cache.get(key)
        now = time.monotonic()
        if cached and cached[0] > now:
            return cached[1]
        try:
            user = (await self.client.users_info(user=user_id))["user"]
            self._cache[key] = (now + self.ttl, user)
        except Exception as error:  # unknown, unreadable or unreachable: go on with what the payload said
            reason = error.response.get("error") if isinstance(error, SlackApiError) else type(error).__name__
            log.warning("users.info for %s failed: %s", user_id, reason)
            user = None
            self._cache[key] = (now + min(self.ttl, 30), None)  # ask again soon
        return user
