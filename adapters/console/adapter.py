"""Reads lines, speaks as members, prints every message with an id that :react and :reply use.

Lines:  /command args   run a slash command
        :as NAME        speak as NAME (members are created on first use)
        :join NAME      NAME joins the community
        :leave NAME     NAME leaves
        :react EMOJI ID react to message ID          :unreact EMOJI ID  remove the reaction
        :reply ID text  answer in message ID's thread
        :press ID N     press button N of message ID
        :mark ID        run a message action on message ID (`:mark` is "mark-solution": each declared action
                        answers to the first word of its name, and to its whole name)
        :delete ID      delete message ID
        :in #channel    talk in another channel
        anything else   a plain message in the current channel"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from adapters.console.render import render
from bot.core import Core, Invocation
from bot.events import (
    MemberJoined,
    MemberLeft,
    MessageAction,
    MessageDeleted,
    MessagePosted,
    ReactionAdded,
    ReactionRemoved,
)
from bot.identity import BotIdentity, ChannelTarget, MemberRef, MemberTarget, Person, Place, Posted
from bot.reply import Button, Reply, Visibility

log = logging.getLogger("copbot.console")

PLATFORM = "console"
WORKSPACE = "local"
BOT_NAME = "copbot"
# The console's mentions are plain @name; the core's canonical form is <@id>. Mass mentions stay text.
_BARE_MENTION = re.compile(r"(?<![\w<])@(?!(?:everyone|here|channel)\b)([\w.\-]+)", re.IGNORECASE)


def canonical_mentions(text: str) -> str:
    """`@Carol` -> `<@carol|Carol>`: console ids are lower-case names, as `:as` makes them."""
    return _BARE_MENTION.sub(lambda m: f"<@{m[1].lower()}|{m[1]}>", text)


@dataclass
class Printed:
    author: str
    channel: str
    text: str
    buttons: tuple[Button, ...] = ()
    thread: str | None = None  # the message this one answers in a thread


@dataclass
class ConsoleAdapter:
    core: Core
    drain: Callable[[], Awaitable[object]]  # delivers the outbox rows that are due now
    out: Callable[[str], None] = print
    zone: str = "UTC"
    workspace_name: str = "Local community"
    speaker: str = "you"
    channel: str = "general"
    files_dir: str | None = None  # where attached files (a chart, an .ics) are written; None: only named
    messages: dict[str, Printed] = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _introduced: bool = False

    # Outbound port: the dispatcher sends through here ----------------------------------------

    async def send(self, target, reply: Reply, *, key: str) -> Posted | None:
        if isinstance(target, MemberTarget):
            channel = f"@{target.member.user_id}"
            message_id = self._print(BOT_NAME, channel, reply, direct=True, zone=await self._zone(target.member))
        elif isinstance(target, ChannelTarget):
            channel = target.channel_id
            message_id = self._print(BOT_NAME, channel, reply, zone=await self._zone(None), thread=target.thread_id)
        else:
            return None
        return Posted(PLATFORM, WORKSPACE, channel, message_id, getattr(target, "thread_id", None))

    async def edit(self, posted: Posted, reply: Reply) -> None:
        old = self.messages[posted.message_id]
        self.messages[posted.message_id] = Printed(old.author, old.channel, reply.text, reply.buttons, old.thread)
        self.out(f"[{posted.message_id} edited] {old.author}: {render(reply, await self._zone(None))}")

    # Input ----------------------------------------------------------------------------------

    async def run(self, lines) -> None:
        async for line in lines:
            await self.handle_line(line)
        await self.drain()

    async def handle_line(self, raw: str) -> None:
        line = raw.strip()
        if not line or line.startswith("#!"):
            return
        try:
            if not self._introduced:  # the console's start-up: who the bot is here
                await self.core.communities.know_bot(BotIdentity(PLATFORM, BOT_NAME, BOT_NAME))
                self._introduced = True
            await self._dispatch(line)
        except Exception:  # the console never dies on one bad line
            log.exception("console line failed")
            self.out("(copbot hit an error on that line; it is logged)")
        try:
            await self.drain()
        except Exception as error:  # e.g. a stalled store: the outbox keeps the messages for the next try
            log.warning("queued messages not delivered yet: %s", type(error).__name__)

    async def _dispatch(self, line: str) -> None:
        if line.startswith("/"):
            await self._command(line[1:])
            return
        if not line.startswith(":"):
            await self._message(line)
            return
        verb, _, rest = line[1:].partition(" ")
        rest = rest.strip()
        if verb == "as" and rest:
            self.speaker = rest.lstrip("@")
        elif verb == "in" and rest:
            self.channel = rest.lstrip("#")
        elif verb in ("join", "leave") and rest:
            event = MemberJoined if verb == "join" else MemberLeft
            who = rest.lstrip("@")
            await self._event(event(self._person(who), self._place(), None))
        elif verb in ("react", "unreact") and len(rest.split()) == 2:
            emoji, message_id = rest.split()
            await self._reaction(verb == "react", emoji.strip(":"), message_id)
        elif verb == "reply" and len(rest.split(None, 1)) == 2:
            message_id, text = rest.split(None, 1)
            await self._message(text, thread=message_id)
        elif verb == "press" and len(rest.split()) == 2:
            await self._press(*rest.split())
        elif (action := self._action(verb)) and len(rest.split()) == 1:
            await self._message_action(action, rest)
        elif verb == "delete" and len(rest.split()) == 1:
            await self._deleted(rest)
        else:
            self.out(f"(unknown console line '{line[:40]}': try :as, :join, :leave, :react, :reply, :press, :mark, "
                     ":delete, :in)")

    def _action(self, verb: str) -> str | None:
        """The declared message action a verb names: its whole name, or the first word of it."""
        names = [a.name for a in self.core.message_actions()]
        return next((n for n in names if verb == n), None) or next(
            (n for n in names if verb == n.split("-", 1)[0]), None)

    async def _message_action(self, action: str, message_id: str) -> None:
        original = self.messages.get(message_id)
        if original is None:
            self.out(f"(there is no message {message_id})")
            return
        place = Place(PLATFORM, WORKSPACE, original.channel, message_id, original.thread, self.workspace_name)
        author = MemberRef(PLATFORM, WORKSPACE, original.author.lower())
        await self._event(MessageAction(self._person(self.speaker), place, None, action=action,
                                        message_author=author, message_text=original.text))

    async def _deleted(self, message_id: str) -> None:
        original = self.messages.pop(message_id, None)
        if original is None:
            self.out(f"(there is no message {message_id})")
            return
        place = Place(PLATFORM, WORKSPACE, original.channel, message_id, original.thread, self.workspace_name)
        self.out(f"[{message_id} deleted]")
        await self._event(MessageDeleted(self._person(self.speaker), place, None))

    async def _command(self, text: str) -> None:
        line = canonical_mentions(text)
        people = (self._bot_person(),)
        speaker = self._person(self.speaker)
        reply = await self.core.handle(Invocation(speaker, self._place(), line, people))
        self._print(BOT_NAME, self.channel, reply, to=self.speaker, zone=await self._zone(speaker.ref))

    async def _message(self, text: str, thread: str | None = None) -> None:
        channel = self.messages[thread].channel if thread in self.messages else self.channel
        if thread and thread not in self.messages:
            self.out(f"(there is no message {thread})")
            return
        thread = (self.messages[thread].thread or thread) if thread else None  # a reply to a reply: same thread
        message_id = self._print(self.speaker, channel, Reply.public(text), thread=thread)
        place = Place(PLATFORM, WORKSPACE, channel, message_id, thread, self.workspace_name)
        await self._event(MessagePosted(self._person(self.speaker), place, None,
                                        text=canonical_mentions(text), mentioned=(self._bot_person(),)))

    async def _reaction(self, added: bool, emoji: str, message_id: str) -> None:
        original = self.messages.get(message_id)
        if original is None:
            self.out(f"(there is no message {message_id})")
            return
        place = Place(PLATFORM, WORKSPACE, original.channel, message_id, None, self.workspace_name)
        author = MemberRef(PLATFORM, WORKSPACE, original.author.lower())
        kind = ReactionAdded if added else ReactionRemoved
        await self._event(kind(self._person(self.speaker), place, None, emoji=emoji, message_author=author))

    async def _press(self, message_id: str, number: str) -> None:
        original = self.messages.get(message_id)
        if original is None or not number.isdigit() or not 0 < int(number) <= len(original.buttons):
            self.out(f"(message {message_id} has no button {number})")
            return
        await self._command(original.buttons[int(number) - 1].command)

    async def _event(self, event) -> None:
        for reply in await self.core.handle_event(event):
            self._print(BOT_NAME, event.place.channel_id, reply, to=event.actor.name,
                        zone=await self._zone(event.actor.ref))

    # Output ---------------------------------------------------------------------------------

    async def _zone(self, reader: MemberRef | None) -> str:
        """Times are shown in the reader's zone (their /timezone, else the community's), as Slack and
        Discord show each viewer their own; the configured zone until there is a community."""
        return await self.core.reader_zone(PLATFORM, WORKSPACE, reader) or self.zone

    def _print(self, author: str, channel: str, reply: Reply, *, to: str | None = None,
               direct: bool = False, zone: str | None = None, thread: str | None = None) -> str:
        message_id = f"m{next(self._ids)}"
        self.messages[message_id] = Printed(author, channel, reply.text, reply.buttons, thread)
        body = render(reply, zone or self.zone, self.files_dir)
        if direct or reply.visibility is Visibility.DIRECT:
            where = f"DM to {channel.lstrip('@') if direct else to}"
        elif reply.visibility is Visibility.EPHEMERAL:
            where = f"#{channel}, only {to} sees this"
        else:
            where = f"#{channel}"
        self.out(f"[{message_id}] ({where}) {author}: {body}")
        return message_id

    def _place(self) -> Place:
        return Place(PLATFORM, WORKSPACE, self.channel, None, None, self.workspace_name)

    def _person(self, name: str) -> Person:
        return Person(MemberRef(PLATFORM, WORKSPACE, name.lower()), name, is_bot=name.lower() == BOT_NAME)

    def _bot_person(self) -> Person:
        return self._person(BOT_NAME)


async def stdin_lines(prompt: Callable[[], str]):
    """Lines from standard input: with a prompt on a terminal, silently when piped."""
    loop = asyncio.get_running_loop()
    interactive = sys.stdin.isatty()
    while True:
        if interactive:
            try:
                line = await loop.run_in_executor(None, input, prompt())
            except EOFError:
                return
        else:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                return
        yield line
