"""Who someone is on Slack, as the core's Person: users.info facts, cached, and never waited for long.

users.info tells the display name, the profile time zone, whether it is a bot, and whether the person owns or
administers the workspace (the platform's say in `platform_role`; the core decides what that allows).

These lookups happen before Slack is acknowledged, so they have a deadline (`budget`): what is not known by
then is answered from the last profile we had, or as an unverified Person (the core then keeps what the store
knows). A lookup that misses the deadline goes on in the background and fills the cache for next time. The
client given here must not wait out rate limits: a 429 pauses lookups for its `Retry-After` instead."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Iterable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.identity import MemberRef, Person, Role

log = logging.getLogger("copbot.slack")

PLATFORM = "slack"
USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
MAX_LOOKUPS = 10  # mentions looked up per message; the core refuses more receivers than this anyway
LOOKUP_BUDGET = 1.0  # seconds all of one request's lookups may take before Slack is answered
FAILED_TTL = 30.0  # after a failed lookup, ask again this much later
DEFAULT_RETRY_AFTER = 30.0

Key = tuple[str, str]


class SlackPeople:
    def __init__(self, client: AsyncWebClient, *, ttl_seconds: float = 300, bot_user_id: str | None = None,
                 budget: float = LOOKUP_BUDGET):
        self.client = client
        self.ttl = ttl_seconds
        self.bot_user_id = bot_user_id
        self.budget = budget
        self._known: dict[Key, dict] = {}  # the last profile users.info gave, kept past its freshness
        self._ask_after: dict[Key, float] = {}  # monotonic time when a profile is worth asking for again
        self._asking: dict[Key, asyncio.Task] = {}
        self._paused_until = 0.0  # Slack said 429: no users.info before this (monotonic)
        self._probing = False  # after a 429, one lookup at a time until one succeeds
        self._workspaces: dict[str, str | None] = {}
        self._team_lookups: dict[str, asyncio.Task] = {}

    def remember_workspace(self, team_id: str, name: str | None) -> None:
        if name:
            self._workspaces[team_id] = name

    async def workspace_name(self, team_id: str) -> str | None:
        """The workspace's domain, to name a community created by an event (commands carry it)."""
        if team_id in self._workspaces:
            return self._workspaces[team_id]
        task = self._team_lookups.get(team_id)
        if task is None:
            task = self._team_lookups[team_id] = asyncio.ensure_future(self._team_domain(team_id))
        await asyncio.wait({task}, timeout=self.budget)
        return self._workspaces.get(team_id)

    async def _team_domain(self, team_id: str) -> None:
        try:
            self._workspaces[team_id] = (await self.client.team_info(team=team_id))["team"]["domain"]
        except Exception as error:  # a name is a nicety: go on without it
            log.warning("team.info for %s failed: %s", team_id, _reason(error))
        finally:
            self._team_lookups.pop(team_id, None)

    async def person(self, team_id: str, user_id: str, name_hint: str | None = None) -> Person:
        await self._look_up(team_id, [user_id])
        return self._person(team_id, user_id, name_hint)

    async def speaker_and_mentioned(self, team_id: str, user_id: str, name_hint: str | None,
                                    text: str) -> tuple[Person, tuple[Person, ...]]:
        """The speaker and the people `text` mentions, looked up together within one budget."""
        ids = _mention_ids(text)
        await self._look_up(team_id, [user_id, *ids])
        return self._person(team_id, user_id, name_hint), self._mentioned(team_id, ids)

    async def mentioned(self, team_id: str, text: str) -> tuple[Person, ...]:
        """Facts about the people a text mentions (`<@U123|bob>`), for the core to resolve mentions."""
        ids = _mention_ids(text)
        await self._look_up(team_id, ids)
        return self._mentioned(team_id, ids)

    async def close(self) -> None:
        pending = [*self._asking.values(), *self._team_lookups.values()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    # ---------------------------------------------------------------------------------------------

    def _person(self, team_id: str, user_id: str, name_hint: str | None) -> Person:
        ref = MemberRef(PLATFORM, team_id, user_id)
        user = self._known.get((team_id, user_id))
        if user is None:
            return Person(ref, name_hint or user_id, is_bot=user_id == self.bot_user_id, verified=False)
        profile = user.get("profile") or {}
        name = profile.get("display_name") or profile.get("real_name") or user.get("real_name") \
            or user.get("name") or name_hint or user_id
        is_bot = bool(user.get("is_bot") or user.get("is_app_user")) or user_id == self.bot_user_id
        role = Role.OWNER if user.get("is_owner") or user.get("is_primary_owner") \
            else Role.MANAGER if user.get("is_admin") else Role.MEMBER
        return Person(ref, name, is_bot=is_bot, platform_role=role, zone=user.get("tz") or None)

    def _mentioned(self, team_id: str, ids: Iterable[str]) -> tuple[Person, ...]:
        # Someone we know nothing about: the core goes by the stored member or the name in the mention itself.
        return tuple(self._person(team_id, uid, None) for uid in ids if (team_id, uid) in self._known)

    async def _look_up(self, team_id: str, user_ids: Iterable[str]) -> None:
        """Ask users.info for the profiles not fresh in the cache; wait at most `budget` for the answers."""
        now = time.monotonic()
        waiting: set[asyncio.Task] = set()
        for user_id in dict.fromkeys(user_ids):
            key = (team_id, user_id)
            if user_id == self.bot_user_id or now < self._ask_after.get(key, 0.0):
                continue
            task = self._asking.get(key)
            if task is None:
                if now < self._paused_until or (self._probing and self._asking):
                    continue  # rate-limited: answer from what we know
                task = self._asking[key] = asyncio.ensure_future(self._fetch(key))
            waiting.add(task)
        if waiting:
            await asyncio.wait(waiting, timeout=self.budget)

    async def _fetch(self, key: Key) -> None:
        try:
            self._known[key] = (await self.client.users_info(user=key[1]))["user"]
            self._ask_after[key] = time.monotonic() + self.ttl
            self._probing = False
        except Exception as error:  # unknown, unreadable or unreachable: go on with what we knew
            if isinstance(error, SlackApiError) and error.response.status_code == 429:
                pause = _retry_after(error.response.headers)
                self._paused_until = max(self._paused_until, time.monotonic() + pause)
                self._probing = True
                log.warning("users.info is rate-limited: no profile lookups for %.0f s", pause)
            else:
                log.warning("users.info for %s failed: %s", key[1], _reason(error))
                self._ask_after[key] = time.monotonic() + min(self.ttl, FAILED_TTL)
        finally:
            self._asking.pop(key, None)


def _mention_ids(text: str) -> list[str]:
    return list(dict.fromkeys(USER_MENTION.findall(text)))[:MAX_LOOKUPS]


def _retry_after(headers) -> float:
    value = next((v for k, v in (headers or {}).items() if k.lower() == "retry-after"), None)
    try:
        return max(1.0, float(value[0] if isinstance(value, list) else value))
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER


def _reason(error: Exception) -> str:
    return error.response.get("error") if isinstance(error, SlackApiError) else type(error).__name__
