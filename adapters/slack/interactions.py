"""Slash commands, button presses and modal submissions: Slack payloads in, core invocations, replies out.

A command runs through the core (milliseconds) and is acknowledged with its reply once the core has committed.
Replies through the acknowledgement or response_url work in channels the bot never joined.

Slack must hear back within 3 s, and Bolt (process_before_response) answers only when the listener returns, so
everything before that has a deadline: profile lookups get `SlackPeople.budget`, and whatever is still running at
`ACK_DEADLINE` (a slow core, a locked database) goes on in the background while Slack gets "On it"; the answer
then goes through the response_url. Calls that only deliver (DMs, the rest of a long reply) run after the answer.
Each request's trigger_id goes to the core, which records it with the effect: a replayed request runs once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import replace

from slack_sdk.errors import SlackApiError

from adapters.slack.background import Background
from adapters.slack.forms import form_errors, form_metadata, form_values, form_view
from adapters.slack.gate import RECEIVED_AT
from adapters.slack.outbound import SlackOutbound
from adapters.slack.people import PLATFORM, SlackPeople
from adapters.slack.render import render, response_type
from adapters.slack.shortcuts import action_name
from adapters.slack.text import from_slack
from bot.commands import CommandSpec
from bot.core import Core, Invocation
from bot.delivery import deliver, reply_target
from bot.errors import Refusal
from bot.events import MessageAction
from bot.identity import MemberRef, Place
from bot.ports import DeliveryRefused
from bot.reply import Reply, Visibility

log = logging.getLogger("copbot.slack")

WORKING_NOTE = "On it: I'll post the answer here in a moment."
FORM_UNAVAILABLE = ("Slack did not open the form in time. Try again, or type the command with its arguments "
                    "(see /help).")
LINK_MARGIN = 0.3  # seconds kept for the acknowledgement itself after looking up permalinks
ACK_DEADLINE = 2.0  # seconds from the request to Slack's answer (Slack allows 3; the network takes its share)


class SlackInteractions:
    def __init__(self, core: Core, people: SlackPeople, outbound: SlackOutbound, background: Background):
        self.core, self.people, self.outbound, self.background = core, people, outbound, background

    # Slash commands ------------------------------------------------------------------------------

    async def on_command(self, ack, body: dict, client, context) -> None:
        deadline = _deadline(context)
        team, channel, user = body["team_id"], body["channel_id"], body["user_id"]
        text = from_slack(body.get("text", "")).strip()
        line = f"{body['command'].lstrip('/')} {text}".strip()
        self.people.remember_workspace(team, body.get("team_domain"))
        place = Place(PLATFORM, team, channel, workspace_name=body.get("team_domain"))
        response_url = body.get("response_url")
        spec, rest = self._find(line)
        if spec is not None and spec.opens_form and not rest:
            await self._open_form(ack, client, spec, body, deadline)
            return
        actor, people = await self.people.speaker_and_mentioned(team, user, body.get("user_name"), text)
        inv = Invocation(actor, place, line, people, request_id=request_id(body))
        task = asyncio.ensure_future(self.core.handle(inv))
        if not await _in_time(task, deadline):
            log.warning("/%s had no answer after %.1f s: answering later", line.split(" ", 1)[0], ACK_DEADLINE)
            await ack(text=WORKING_NOTE, response_type="ephemeral")
            self.background.spawn(self._answer_when_done(task, user=user, response_url=response_url),
                                  "a late answer")
            return
        await self._acknowledge(ack, task.result(), user=user, response_url=response_url, deadline=deadline)

    async def _open_form(self, ack, client, spec: CommandSpec, body: dict, deadline: float) -> None:
        view = form_view(spec, channel_id=body["channel_id"], response_url=body.get("response_url"))
        try:  # the trigger_id expires with Slack's 3 s anyway: never wait past the deadline for views.open
            await asyncio.wait_for(client.views_open(trigger_id=body["trigger_id"], view=view), _left(deadline))
        except (TimeoutError, SlackApiError) as error:
            log.warning("views.open for /%s failed: %s", spec.name, type(error).__name__)
            await ack(text=FORM_UNAVAILABLE, response_type="ephemeral")
            return
        await ack()

    async def _acknowledge(self, ack, reply: Reply, *, user: str, response_url: str | None,
                           deadline: float) -> None:
        if reply.visibility is Visibility.DIRECT:
            await ack()
            self.background.spawn(self._direct_or_here(reply, user=user, response_url=response_url), "a DM")
            return
        links = await self.outbound.links(reply, within=_left(deadline) - LINK_MARGIN)
        first, *more = render(reply, links)
        await ack(text=first.text, blocks=first.blocks, response_type=response_type(reply))
        if more and response_url:
            self.background.spawn(self.outbound.respond_messages(response_url, more, response_type(reply)),
                                  "the rest of a long reply")
        if reply.attachments:
            self.background.spawn(self.outbound.direct(user, Reply("", Visibility.DIRECT,
                                                                   attachments=reply.attachments)), "files")

    async def _direct_or_here(self, reply: Reply, *, user: str, response_url: str | None) -> None:
        try:
            await self.outbound.direct(user, reply)
        except DeliveryRefused:
            if not response_url:
                raise
            await self.outbound.respond(response_url, replace(reply, visibility=Visibility.EPHEMERAL))

    def _find(self, line: str) -> tuple[CommandSpec | None, str]:
        try:
            return self.core.book.find(line)
        except Refusal:
            return None, line  # the core answers unknown commands itself

    # Buttons -------------------------------------------------------------------------------------

    async def on_button(self, ack, body: dict, action: dict, context) -> None:
        deadline = _deadline(context)
        await ack()  # sent when this returns: within the deadline, whatever the work below still does
        team, user = body["team"]["id"], body["user"]["id"]
        container = body.get("container") or {}
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id") or ""
        place = Place(PLATFORM, team, channel, message_id=container.get("message_ts"),
                      workspace_name=body["team"].get("domain"))
        line = action.get("value") or ""

        async def press() -> Reply:
            actor, people = await self.people.speaker_and_mentioned(team, user, body["user"].get("username"), line)
            return await self.core.handle(Invocation(actor, place, line, people, request_id=request_id(body)))

        task = asyncio.ensure_future(press())
        await _in_time(task, deadline)  # committed before Slack hears "received", unless that takes too long
        self.background.spawn(self._answer_when_done(task, user=user, response_url=body.get("response_url")),
                              "a button's answer")

    # Message shortcuts -------------------------------------------------------------------------

    async def on_message_action(self, ack, body: dict, context) -> None:
        """A message shortcut: acknowledged at once (Slack shows nothing for it), then run as the core's
        MessageAction; what the core says back goes to the person alone, through the response_url."""
        deadline = _deadline(context)
        await ack()
        declared = tuple(a.name for a in self.core.message_actions())
        action = action_name(body.get("callback_id", ""), declared)
        if action is None:
            return
        team, user, message = body["team"]["id"], body["user"]["id"], body["message"]
        thread = message.get("thread_ts") if message.get("thread_ts") != message["ts"] else None  # a parent: none
        place = Place(PLATFORM, team, body["channel"]["id"], message_id=message["ts"], thread_id=thread,
                      workspace_name=body["team"].get("domain"))
        author = MemberRef(PLATFORM, team, message["user"]) if message.get("user") else None

        async def run() -> list[Reply]:
            actor = await self.people.person(team, user, body["user"].get("name"))
            event = MessageAction(actor, place, request_id(body), action=action, message_author=author,
                                  message_text=from_slack(message.get("text", "")))
            return await self.core.handle_event(event)

        task = asyncio.ensure_future(run())
        await _in_time(task, deadline)  # committed before Slack hears "received", unless that takes too long
        self.background.spawn(self._answer_action(task, place, user=user, response_url=body.get("response_url"),
                                                  key=request_id(body) or ""), "a message action's answer")

    async def _answer_action(self, task: Awaitable[list[Reply]], place: Place, *, user: str,
                             response_url: str | None, key: str) -> None:
        """Public replies where the message is (its thread), as for any event; the rest to the person alone."""
        for n, reply in enumerate(await task):
            if reply.visibility is Visibility.PUBLIC:
                target = reply_target(place, MemberRef(PLATFORM, place.workspace_id, user), reply)
                await deliver(self.outbound, target, reply, key=f"{key}:{n}")
            else:
                await self._answer(reply, user=user, response_url=response_url)

    # Modals --------------------------------------------------------------------------------------

    async def on_form_submitted(self, ack, body: dict, view: dict, context) -> None:
        deadline = _deadline(context)
        meta = form_metadata(view)
        spec = self.core.book.specs.get(meta.get("command", ""))
        if spec is None:
            await ack(response_action="errors", errors={})
            return
        team, user = body["team"]["id"], body["user"]["id"]
        try:
            line = spec.line(form_values(spec, view["state"]["values"]))
        except Refusal as refusal:  # a value the line cannot carry: said next to its input
            await ack(response_action="errors", errors=form_errors(spec, refusal.field, refusal.message) or {})
            return
        place = Place(PLATFORM, team, meta.get("channel") or "", workspace_name=body["team"].get("domain"))

        async def submit() -> Reply:
            actor, people = await self.people.speaker_and_mentioned(team, user, body["user"].get("username"), line)
            return await self.core.handle(Invocation(actor, place, line, people, request_id=request_id(body)))

        # Run before answering Slack (the core takes milliseconds), so a refusal about one input stays in the modal.
        task = asyncio.ensure_future(submit())
        if not await _in_time(task, deadline):
            await ack()  # too slow for the modal: it closes, and the answer goes where the command was typed
            self.background.spawn(self._answer_when_done(task, user=user, response_url=meta.get("response_url")),
                                  "a late answer")
            return
        reply = task.result()
        errors = form_errors(spec, reply.concerns, reply.text)
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()  # closes the modal; the answer goes where the command was typed
        self.background.spawn(self._answer(reply, user=user, response_url=meta.get("response_url")), "an answer")

    async def _answer_when_done(self, task: Awaitable[Reply], *, user: str, response_url: str | None) -> None:
        await self._answer(await task, user=user, response_url=response_url)

    async def _answer(self, reply: Reply, *, user: str, response_url: str | None) -> None:
        if response_url and reply.visibility is not Visibility.DIRECT:
            await self.outbound.respond(response_url, reply)
        else:  # no response_url (a Home tab button) or a direct reply
            await self.outbound.direct(user, reply)


def request_id(body: dict) -> str | None:
    """The core's key for one request: Slack's trigger_id is unique per command, press and submission."""
    trigger = body.get("trigger_id")
    return f"trigger:{trigger}" if trigger else None


def _deadline(context) -> float:
    """ACK_DEADLINE after the HTTP gate received the request (Socket Mode: after the listener started)."""
    return (context.get(RECEIVED_AT) or asyncio.get_running_loop().time()) + ACK_DEADLINE


def _left(deadline: float) -> float:
    return max(0.0, deadline - asyncio.get_running_loop().time())


async def _in_time(task: asyncio.Future, deadline: float) -> bool:
    """Wait for `task` until the deadline; False if it is still running (it goes on: nothing is cancelled)."""
    done, _ = await asyncio.wait({task}, timeout=_left(deadline))
    return task in done
