"""Interactions: run the core, then answer exactly once within Discord's 3 seconds.

* A command runs ``core.handle`` (milliseconds) and answers with the rendered reply.  Should the core be slower
  than ``DEADLINE`` (a locked database), the interaction is deferred first and answered by follow-up.
* A reply the core marks DIRECT goes by DM with a short ephemeral note; closed DMs get it ephemerally here.
* Whatever fails after the first response is said in an ephemeral follow-up."""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import replace

import discord

from adapters.discord import facts
from adapters.discord.outbound import DiscordOutbound, send_followups
from adapters.discord.render import NO_PINGS, render
from adapters.discord.views import FormModal
from bot.commands import CommandSpec
from bot.core import ERROR_TEXT, Core, Invocation
from bot.errors import Refusal
from bot.events import MessageAction
from bot.identity import MemberRef, MemberTarget, Person
from bot.ports import DeliveryRefused, RateLimited
from bot.reply import Reply, Visibility

log = logging.getLogger("copbot.discord")

DEADLINE = 2.0  # seconds of core time before an answer is deferred (Discord allows 3 for the first response)
GUILD_ONLY = "copbot works inside a server: use its commands in a channel there."
DM_SENT = "I sent you a direct message."
ACTION_DONE = "Done."


class Interactions:
    def __init__(self, core: Core, outbound: DiscordOutbound) -> None:
        self.core = core
        self.outbound = outbound

    # Entry points ---------------------------------------------------------------------------------------------------

    async def command(self, interaction: discord.Interaction, spec: CommandSpec, line: str,
                      people: tuple[Person, ...] = ()) -> None:
        """A slash command with its line rebuilt from the options."""
        if interaction.guild_id is None:
            await interaction.response.send_message(GUILD_ONLY, ephemeral=True, allowed_mentions=NO_PINGS)
            return
        inv = Invocation(facts.interaction_actor(interaction), facts.interaction_place(interaction), line, people)
        await self._answer(interaction, inv, ephemeral=spec.visibility is Visibility.EPHEMERAL)

    async def press(self, interaction: discord.Interaction, command: str) -> None:
        """A button: the presser runs the command line the button carries."""
        spec = self.core.spec_for(command)
        if interaction.guild_id is None:
            await interaction.response.send_message(GUILD_ONLY, ephemeral=True, allowed_mentions=NO_PINGS)
            return
        inv = Invocation(facts.interaction_actor(interaction), facts.interaction_place(interaction), command)
        ephemeral = spec is None or spec.visibility is Visibility.EPHEMERAL
        await self._answer(interaction, inv, ephemeral=ephemeral)

    async def open_form(self, interaction: discord.Interaction, spec: CommandSpec) -> None:
        await interaction.response.send_modal(FormModal(spec))

    async def form_submitted(self, interaction: discord.Interaction, spec: CommandSpec, values: dict[str, str]) -> None:
        try:
            line = spec.line(values)
        except Refusal as refusal:
            await self.respond(interaction, Reply.refusal(refusal.message))
            return
        await self.command(interaction, spec, line)

    async def message_action(self, interaction: discord.Interaction, action: str, message: discord.Message) -> None:
        """A message context-menu command: the core's MessageAction on the message the interaction carries (its
        text too: no message-content intent needed). What the core says goes to the person alone unless public."""
        if interaction.guild_id is None:
            await interaction.response.send_message(GUILD_ONLY, ephemeral=True, allowed_mentions=NO_PINGS)
            return
        place = replace(facts.interaction_place(interaction), message_id=str(message.id))
        author = MemberRef(facts.PLATFORM, str(interaction.guild_id), str(message.author.id))
        event = MessageAction(facts.interaction_actor(interaction), place, f"interaction:{interaction.id}",
                              action=action, message_author=author, message_text=message.content or "")
        task = asyncio.ensure_future(self.core.handle_event(event))
        done, _ = await asyncio.wait({task}, timeout=DEADLINE)
        deferred = not done
        if deferred:
            await interaction.response.defer(ephemeral=True, thinking=True)
        replies = await task or [Reply.ephemeral(ACTION_DONE)]
        for n, reply in enumerate(replies):
            await self.respond(interaction, reply, deferred_ephemeral=True if deferred and n == 0 else None)

    async def failed(self, interaction: discord.Interaction, error: BaseException) -> None:
        """Last resort for anything that escaped: an ephemeral apology, as the first response or a follow-up."""
        ref = uuid.uuid4().hex[:8]
        log.error("interaction failed (reference %s)", ref, exc_info=error)
        await self.respond(interaction, Reply.ephemeral(ERROR_TEXT.format(ref=ref)))

    # Answering ------------------------------------------------------------------------------------------------------

    async def _answer(self, interaction: discord.Interaction, inv: Invocation, *, ephemeral: bool) -> None:
        task = asyncio.ensure_future(self.core.handle(inv))
        done, _ = await asyncio.wait({task}, timeout=DEADLINE)
        if not done:
            log.warning("the core took over %.1f s for /%s: deferring", DEADLINE, inv.line.split(" ", 1)[0])
            await interaction.response.defer(ephemeral=ephemeral, thinking=True)
        await self.respond(interaction, await task, deferred_ephemeral=ephemeral)

    async def respond(self, interaction: discord.Interaction, reply: Reply, *,
                      deferred_ephemeral: bool | None = None) -> None:
        if reply.visibility is Visibility.DIRECT:
            reply = await self._direct(interaction, reply)
        messages = render(reply)
        ephemeral = reply.visibility is not Visibility.PUBLIC
        deferred_public: bool | None = deferred_ephemeral is False  # None: answered or deferred, we don't know how
        if not interaction.response.is_done():
            first = messages.pop(0)
            await interaction.response.send_message(**first.kwargs(), ephemeral=ephemeral)
            deferred_public = False
        elif deferred_ephemeral is None:
            deferred_public = None
        await send_followups(interaction.followup, messages, ephemeral=ephemeral, deferred_public=deferred_public)

    async def _direct(self, interaction: discord.Interaction, reply: Reply) -> Reply:
        actor = facts.interaction_actor(interaction)
        try:
            await self.outbound.send(MemberTarget(actor.ref), reply, key=f"dm-{interaction.id}")
        except (DeliveryRefused, RateLimited) as error:
            log.info("no DM to %s (%s): answering ephemerally instead", interaction.user.id, type(error).__name__)
            return Reply.ephemeral(reply.text, sections=reply.sections, buttons=reply.buttons,
                                   attachments=reply.attachments)
        return Reply.ephemeral(DM_SENT)
