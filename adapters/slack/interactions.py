"""Slash commands, button presses and modal submissions: Slack payloads in, core invocations, replies out.

A command runs through the core (milliseconds) and is acknowledged with its reply once the core has committed.
A command declared slow is recorded first (core.enqueue) and acknowledged at once; its reply goes to the
response_url later. Replies through the acknowledgement or response_url work in channels the bot never joined."""

from __future__ import annotations

import logging

from adapters.slack.background import Background
from adapters.slack.forms import form_errors, form_metadata, form_view, line_from_form
from adapters.slack.outbound import SlackOutbound
from adapters.slack.people import PLATFORM, SlackPeople
from adapters.slack.render import render, response_type
from adapters.slack.text import from_slack
from bot.commands import CommandSpec
from bot.core import Core, Invocation
from bot.errors import Refusal
from bot.identity import Place, ResponseTarget
from bot.ports import DeliveryRefused
from bot.reply import Reply, Visibility

log = logging.getLogger("copbot.slack")

WORKING_NOTE = "On it: I'll post the answer here in a moment."


class SlackInteractions:
    def __init__(self, core: Core, people: SlackPeople, outbound: SlackOutbound, background: Background):
        self.core, self.people, self.outbound, self.background = core, people, outbound, background

    # Slash commands ------------------------------------------------------------------------------

    async def on_command(self, ack, body: dict, client) -> None:
        team, channel, user = body["team_id"], body["channel_id"], body["user_id"]
        text = from_slack(body.get("text", "")).strip()
        line = f"{body['command'].lstrip('/')} {text}".strip()
        self.people.remember_workspace(team, body.get("team_domain"))
        place = Place(PLATFORM, team, channel, workspace_name=body.get("team_domain"))
        spec, rest = self._find(line)
        if spec is not None and spec.opens_form and not rest:
            view = form_view(spec, channel_id=channel, response_url=body.get("response_url"))
            await client.views_open(trigger_id=body["trigger_id"], view=view)
            await ack()
            return
        actor = await self.people.person(team, user, body.get("user_name"))
        inv = Invocation(actor, place, line, await self.people.mentioned(team, text))
        if spec is not None and spec.slow:
            target = ResponseTarget(PLATFORM, team, channel, body["response_url"], user)
            await self.core.enqueue(inv, target)  # recorded before Slack hears "received"
            await ack(text=WORKING_NOTE, response_type="ephemeral")
            return
        reply = await self.core.handle(inv)
        await self._acknowledge(ack, reply, user=user, response_url=body.get("response_url"))

    async def _acknowledge(self, ack, reply: Reply, *, user: str, response_url: str | None) -> None:
        if reply.visibility is Visibility.DIRECT:
            try:
                await self.outbound.direct(user, reply)
                await ack()
                return
            except DeliveryRefused:
                pass  # DMs closed: show it to them here instead
        first, *more = render(reply)
        await ack(text=first.text, blocks=first.blocks, response_type=response_type(reply))
        if more and response_url:
            self.background.spawn(self.outbound.respond_messages(response_url, more, response_type(reply)),
                                  "the rest of a long reply")
        if reply.attachments:
            self.background.spawn(self.outbound.direct(user, Reply("", Visibility.DIRECT,
                                                                   attachments=reply.attachments)), "files")

    def _find(self, line: str) -> tuple[CommandSpec | None, str]:
        try:
            return self.core.book.find(line)
        except Refusal:
            return None, line  # the core answers unknown commands itself

    # Buttons -------------------------------------------------------------------------------------

    async def on_button(self, ack, body: dict, action: dict) -> None:
        await ack()
        team, user = body["team"]["id"], body["user"]["id"]
        container = body.get("container") or {}
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id") or ""
        place = Place(PLATFORM, team, channel, message_id=container.get("message_ts"),
                      workspace_name=body["team"].get("domain"))
        line = action.get("value") or ""
        actor = await self.people.person(team, user, body["user"].get("username"))
        reply = await self.core.handle(Invocation(actor, place, line, await self.people.mentioned(team, line)))
        await self._answer(reply, user=user, response_url=body.get("response_url"))

    # Modals --------------------------------------------------------------------------------------

    async def on_form_submitted(self, ack, body: dict, view: dict) -> None:
        meta = form_metadata(view)
        spec = self.core.book.specs.get(meta.get("command", ""))
        if spec is None:
            await ack(response_action="errors", errors={})
            return
        team, user = body["team"]["id"], body["user"]["id"]
        line = line_from_form(spec, view["state"]["values"])
        place = Place(PLATFORM, team, meta.get("channel") or "", workspace_name=body["team"].get("domain"))
        actor = await self.people.person(team, user, body["user"].get("username"))
        # Run before answering Slack (the core takes milliseconds), so a refusal about one input stays in the modal.
        reply = await self.core.handle(Invocation(actor, place, line, await self.people.mentioned(team, line)))
        errors = form_errors(spec, reply.concerns, reply.text)
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()  # closes the modal; the answer goes where the command was typed
        await self._answer(reply, user=user, response_url=meta.get("response_url"))

    async def _answer(self, reply: Reply, *, user: str, response_url: str | None) -> None:
        if response_url and reply.visibility is not Visibility.DIRECT:
            await self.outbound.respond(response_url, reply)
        else:  # no response_url (a Home tab button) or a direct reply
            await self.outbound.direct(user, reply)
