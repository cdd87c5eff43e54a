"""Slack events as core platform events, processed before Slack is told "received".

The envelope's event_id goes to the core, which records it: a retry (X-Slack-Retry-Num, Socket Mode's
retry_attempt) is processed once. If the core fails, the listener raises, Bolt answers 500 (HTTP) or sends no
ack (Socket Mode), and Slack delivers the event again. Replies are posted after the answer, in the background;
profile and workspace lookups before it have SlackPeople's deadline.

Joins: `team_join` (the workspace) and `member_joined_channel`. Leaving: a deactivated account (`user_change`
with `deleted`). We do not treat `member_left_channel` as leaving: a community is bound to the whole
workspace, and leaving one channel is not leaving it (the core would then refuse kudos to that person).
Messages: plain ones, thread replies and thread broadcasts in channels and private channels; not DMs, edits, joins
or bots. A deleted message (`message_deleted`, or a thread parent turned into a `tombstone`) is MessageDeleted."""

from __future__ import annotations

import logging

from adapters.slack.background import Background
from adapters.slack.outbound import SlackOutbound
from adapters.slack.people import PLATFORM, SlackPeople
from adapters.slack.render import render
from adapters.slack.text import from_slack
from bot.core import Core, Invocation
from bot.delivery import deliver, reply_target
from bot.events import (
    MemberJoined,
    MemberLeft,
    MessageDeleted,
    MessagePosted,
    PlatformEvent,
    ReactionAdded,
    ReactionRemoved,
)
from bot.identity import MemberRef, Person, Place
from bot.reply import Reply

log = logging.getLogger("copbot.slack")

MESSAGE_SUBTYPES = (None, "thread_broadcast")
CHANNEL_TYPES = ("channel", "group")
MAX_HOME_BLOCKS = 100


class SlackEvents:
    def __init__(self, core: Core, people: SlackPeople, outbound: SlackOutbound, background: Background):
        self.core, self.people, self.outbound, self.background = core, people, outbound, background

    async def on_reaction(self, body: dict, event: dict) -> None:
        item = event.get("item") or {}
        if item.get("type") != "message":
            return
        team = body["team_id"]
        place = await self._place(team, item["channel"], message_id=item.get("ts"))
        author = MemberRef(PLATFORM, team, event["item_user"]) if event.get("item_user") else None
        kind = ReactionAdded if event["type"] == "reaction_added" else ReactionRemoved
        await self._run(place, event["user"], lambda actor: kind(actor, place, body["event_id"],
                                                               emoji=event["reaction"], message_author=author))

    async def on_message(self, body: dict, event: dict) -> None:
        if event.get("subtype") in ("message_deleted", "message_changed"):
            await self._deleted(body, event)
            return
        user = event.get("user")
        if (event.get("subtype") not in MESSAGE_SUBTYPES or event.get("bot_id") or not user
                or event.get("channel_type") not in CHANNEL_TYPES):
            return
        team = body["team_id"]
        place = await self._place(team, event["channel"], message_id=event["ts"], thread_id=event.get("thread_ts"))
        text = from_slack(event.get("text", ""))
        actor, mentioned = await self.people.speaker_and_mentioned(team, user, None, text)  # one lookup budget
        await self._run(place, user, lambda actor: MessagePosted(actor, place, body["event_id"], text=text,
                                                                mentioned=mentioned), actor=actor)

    async def _deleted(self, body: dict, event: dict) -> None:
        """`message_deleted`, or a thread's parent deleted while it had replies (`message_changed` into a
        "tombstone"): MessageDeleted, said by the message's author (the bot, for its own messages)."""
        if event.get("channel_type") not in CHANNEL_TYPES:
            return
        before = event.get("previous_message") or {}
        if event["subtype"] == "message_deleted":
            ts, thread_ts = event.get("deleted_ts") or before.get("ts"), before.get("thread_ts")
        elif (event.get("message") or {}).get("subtype") == "tombstone":
            ts, thread_ts = event["message"].get("ts"), event["message"].get("thread_ts")
        else:
            return  # an edit: copbot keeps nothing that changes with it
        team = body["team_id"]
        bot = self.core.communities.bots.get(PLATFORM)
        if not ts or (not before.get("user") and bot is None):
            return
        place = await self._place(team, event["channel"], message_id=ts,
                                  thread_id=thread_ts if thread_ts != ts else None)
        actor = (await self.people.person(team, before["user"]) if before.get("user") and not before.get("bot_id")
                 else bot.member(team) if bot else None)
        if actor is None:
            return
        await self._run(place, actor.ref.user_id, lambda actor: MessageDeleted(actor, place, body["event_id"]),
                        actor=actor, bots_too=True)

    async def on_team_join(self, body: dict, event: dict) -> None:
        user = event["user"]
        team = user.get("team_id") or body["team_id"]
        place = await self._place(team, "")
        await self._run(place, user["id"], lambda actor: MemberJoined(actor, place, body["event_id"]))

    async def on_member_joined_channel(self, body: dict, event: dict) -> None:
        team = event.get("team") or body["team_id"]
        place = await self._place(team, event["channel"])
        await self._run(place, event["user"], lambda actor: MemberJoined(actor, place, body["event_id"]))

    async def on_user_change(self, body: dict, event: dict) -> None:
        user = event["user"]
        if not user.get("deleted"):
            return  # profile edits: the next command or event refreshes the name
        place = await self._place(user.get("team_id") or body["team_id"], "")
        await self._run(place, user["id"], lambda actor: MemberLeft(actor, place, body["event_id"]))

    async def on_app_home_opened(self, body: dict, event: dict, client) -> None:
        if event.get("tab") != "home":
            return
        team, user = body["team_id"], event["user"]
        actor = await self.people.person(team, user)
        if actor.is_bot:
            return
        place = await self._place(team, event.get("channel") or "")
        blocks = [{"type": "header", "text": {"type": "plain_text", "text": "copbot"}}]
        for line in ("profile", "help"):
            reply = await self.core.handle(Invocation(actor, place, line))
            blocks += [block for message in render(reply) for block in message.blocks] + [{"type": "divider"}]
        view = {"type": "home", "blocks": blocks[:MAX_HOME_BLOCKS]}
        self.background.spawn(client.views_publish(user_id=user, view=view), "the Home tab")

    # ---------------------------------------------------------------------------------------------

    async def _place(self, team: str, channel: str, **where) -> Place:
        return Place(PLATFORM, team, channel, workspace_name=await self.people.workspace_name(team), **where)

    async def _run(self, place: Place, user_id: str, make, actor: Person | None = None,
                   bots_too: bool = False) -> None:
        actor = actor or await self.people.person(place.workspace_id, user_id)
        if actor.is_bot and not bots_too:
            return  # the bot's own and other bots' doings never count
        event: PlatformEvent = make(actor)
        replies = await self.core.handle_event(event)  # raises on failure: Slack retries
        for reply in replies:
            self.background.spawn(self._deliver(event, reply), f"a reply to {type(event).__name__}")

    async def _deliver(self, event: PlatformEvent, reply: Reply) -> None:
        await deliver(self.outbound, reply_target(event.place, event.actor.ref, reply), reply,
                      key=f"ev-{event.event_id}")

