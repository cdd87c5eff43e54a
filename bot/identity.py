"""Who and where, as plain data: platform objects never enter the core."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Role(IntEnum):
    """Ordered: a higher role may do everything a lower one may."""

    MEMBER = 0
    CHAMPION = 1
    MANAGER = 2
    OWNER = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Role:
        return cls[text.strip().upper()]


@dataclass(frozen=True)
class MemberRef:
    """A person on one platform. Ids are strings: Discord snowflakes do not fit in 32 bits."""

    platform: str
    workspace_id: str
    user_id: str

    def __str__(self) -> str:
        return f"{self.platform}:{self.workspace_id}:{self.user_id}"

    @classmethod
    def parse(cls, text: str) -> MemberRef:
        platform, workspace_id, user_id = text.split(":", 2)
        return cls(platform, workspace_id, user_id)


@dataclass(frozen=True)
class Person:
    """What an adapter knows about someone: the facts the core decides from."""

    ref: MemberRef
    name: str
    is_bot: bool = False
    platform_role: Role = Role.MEMBER  # workspace/guild owner or admin, as the platform says
    zone: str | None = None  # Slack's profile zone; Discord gives none
    verified: bool = True  # False: the platform could not be asked in time; what the store knows wins


@dataclass(frozen=True)
class BotIdentity:
    """The bot's own user on a platform, as its adapter learns it at start-up (Slack's auth.test, Discord's
    client.user, the console's "copbot"): a bot member of every community bound there, so a reaction on
    its own announcement or a `++` to it is refused like kudos to any bot."""

    platform: str
    user_id: str
    name: str

    def member(self, workspace_id: str) -> Person:
        return Person(MemberRef(self.platform, workspace_id, self.user_id), self.name, is_bot=True)


@dataclass(frozen=True)
class Place:
    """Where something was said: a channel, maybe a thread, maybe a message in it."""

    platform: str
    workspace_id: str
    channel_id: str
    message_id: str | None = None
    thread_id: str | None = None
    workspace_name: str | None = None


@dataclass(frozen=True)
class ChannelTarget:
    """A post in a channel; `fallback` is who is told instead when the bot may not post there
    (Slack's not_in_channel): the person whose doing it was about."""

    platform: str
    workspace_id: str
    channel_id: str
    thread_id: str | None = None
    fallback: MemberRef | None = None


@dataclass(frozen=True)
class MemberTarget:
    """A direct message to a member; `fallback` is where it goes when their DMs are closed. `where`: the
    channel they are in, for a platform that can show a message to one person there (Slack's ephemerals)."""

    member: MemberRef
    fallback: ChannelTarget | None = None
    where: ChannelTarget | None = None


@dataclass(frozen=True)
class Posted:
    """A message the bot posted, as the platform names it: enough to answer under it or to edit it later.
    `message_id` is Slack's `ts`, Discord's message id, the console's `mN`."""

    platform: str
    workspace_id: str
    channel_id: str
    message_id: str
    thread_id: str | None = None

    def thread(self) -> ChannelTarget:
        """Where an answer under this message goes (Slack: its thread)."""
        return ChannelTarget(self.platform, self.workspace_id, self.channel_id, self.thread_id or self.message_id)


@dataclass(frozen=True)
class ResponseTarget:
    """The answer to one interaction: Slack's response_url, Discord's interaction token.

    Works where the bot was never invited, but only for a while (30 minutes on Slack, 15 on Discord)."""

    platform: str
    workspace_id: str
    channel_id: str
    handle: str
    user_id: str | None = None


Target = ChannelTarget | MemberTarget | ResponseTarget
