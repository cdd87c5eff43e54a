"""A core Reply as Discord messages: content, embeds and a view, within Discord's limits.

Limits (Discord API): content 2,000 characters; per message at most 10 embeds totalling 6,000 characters; an embed
description 4,096, at most 25 fields, field names 256 and values 1,024; at most 25 buttons (5 rows of 5).
A reply that does not fit one message is split into several (sent in order); past ``MAX_MESSAGES`` it is cut and
says so.  Every message carries ``AllowedMentions.none()``: no user text can ping @everyone, @here, a role or a
person, and leaderboards name people without pinging them."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import datetime

import discord

from adapters.discord.views import command_view
from bot.reply import MessageLink, Reply, Section, TimeStyle, render_links, render_stamps

CONTENT_MAX = 2000
EMBEDS_PER_MESSAGE = 10
EMBED_TOTAL_MAX = 6000
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
MAX_MESSAGES = 5
TRUNCATED = "\n*(…cut here: this reply is too long for Discord.)*"
BLANK = "\u200b"
COLOUR = discord.Colour(0x2E86AB)
NO_PINGS = discord.AllowedMentions.none()


@dataclass
class Outgoing:
    content: str = ""
    embeds: list[discord.Embed] = field(default_factory=list)
    view: discord.ui.View | None = None
    files: list[discord.File] = field(default_factory=list)

    def kwargs(self) -> dict:
        """Keyword arguments for ``send`` / ``send_message`` / ``followup.send``."""
        kw: dict = {"content": self.content or None, "allowed_mentions": NO_PINGS}
        if self.embeds:
            kw["embeds"] = self.embeds
        if self.view is not None:
            kw["view"] = self.view
        if self.files:
            kw["files"] = self.files
        return kw


_LETTERS = {TimeStyle.TIME: "t", TimeStyle.TIME_SECONDS: "T", TimeStyle.DATE: "d", TimeStyle.DATE_LONG: "D",
            TimeStyle.DATETIME: "f", TimeStyle.DATETIME_LONG: "F", TimeStyle.RELATIVE: "R"}


def discord_time(moment: datetime, style: TimeStyle) -> str:
    """A time every reader sees in their own zone."""
    return f"<t:{int(moment.timestamp())}:{_LETTERS[style]}>"


# Discord shows `<t:UNIX:style>` typed anywhere as a date: in what the core repeats of someone's text it
# would be a fake (or broken) date. The core never writes one itself (its times are stamps), so each is defused.
_TYPED_TIME = re.compile(r"<(?=t:)", re.IGNORECASE)


JUMP_URL = "https://discord.com/channels/{guild}/{channel}/{message}"
_MARKUP = re.compile(r"([\\*_~`|>\[\]()<:#@-])")


def jump_link(link: MessageLink) -> str:
    """A message link as a markdown link to the message's jump URL (in a thread, the thread is its channel);
    the label's markdown is escaped, so it shows as typed. A link to another platform's message: the label."""
    label = _MARKUP.sub(r"\\\1", link.label)
    if link.platform != "discord":
        return label
    url = JUMP_URL.format(guild=link.workspace_id, channel=link.thread_id or link.channel_id, message=link.message_id)
    return f"[{label}]({url})"


def stamps(text: str) -> str:
    """Core text for Discord: dates someone typed made inert, then the core's message links as jump links and
    its stamps as viewer-local times."""
    return render_stamps(render_links(_TYPED_TIME.sub("<" + BLANK, text), jump_link), discord_time)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def split_text(text: str, limit: int = CONTENT_MAX) -> list[str]:
    """Chunks of at most ``limit`` characters, broken at line ends where possible."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks


def _embed_size(embed: discord.Embed) -> int:
    return len(embed)  # discord.py counts title, description, field names and values, footer, author


def section_embeds(section: Section) -> list[discord.Embed]:
    """One section as one or more embeds: continuation embeds carry the fields that did not fit."""
    embed = discord.Embed(description=_cut(stamps(section.text), DESCRIPTION_MAX) or None, colour=COLOUR)
    embeds = [embed]
    for f in section.fields:
        name = _cut(stamps(f.name), FIELD_NAME_MAX) or BLANK
        value = _cut(stamps(f.value), FIELD_VALUE_MAX) or BLANK
        if len(embed.fields) >= FIELDS_MAX or _embed_size(embed) + len(name) + len(value) > EMBED_TOTAL_MAX:
            embed = discord.Embed(colour=COLOUR)
            embeds.append(embed)
        embed.add_field(name=name, value=value, inline=len(value) <= 40)
    return embeds


def _pack(embeds: list[discord.Embed]) -> list[list[discord.Embed]]:
    groups: list[list[discord.Embed]] = []
    size = 0
    for embed in embeds:
        if not groups or len(groups[-1]) >= EMBEDS_PER_MESSAGE or size + _embed_size(embed) > EMBED_TOTAL_MAX:
            groups.append([])
            size = 0
        groups[-1].append(embed)
        size += _embed_size(embed)
    return groups


def render(reply: Reply) -> list[Outgoing]:
    """The messages to send for ``reply``, in order; the view goes on the last, files on the first."""
    messages = [Outgoing(content=chunk) for chunk in split_text(stamps(reply.text))]
    groups = _pack([e for s in reply.sections for e in section_embeds(s)])
    if groups and messages:
        messages[-1].embeds = groups.pop(0)
    messages.extend(Outgoing(embeds=g) for g in groups)
    if not messages:
        messages = [Outgoing(content=BLANK)]
    if len(messages) > MAX_MESSAGES:
        messages = messages[:MAX_MESSAGES]
        last = messages[-1]
        last.content = _cut(last.content, CONTENT_MAX - len(TRUNCATED)) + TRUNCATED
    messages[-1].view = command_view(reply.buttons)
    messages[0].files = [discord.File(io.BytesIO(a.content), filename=a.filename) for a in reply.attachments]
    return messages
