"""Facts that arrive from a platform (past tense), and facts the core announces after a commit."""

from __future__ import annotations

from dataclasses import dataclass

from bot.identity import MemberRef, Person, Place


@dataclass(frozen=True)
class PlatformEvent:
    """`event_id` is the platform's own id (Slack event_id, Discord interaction or message id);
    the core records it so a retried delivery is processed once."""

    actor: Person
    place: Place
    event_id: str | None


@dataclass(frozen=True)
class MemberJoined(PlatformEvent):
    pass


@dataclass(frozen=True)
class MemberLeft(PlatformEvent):
    pass


@dataclass(frozen=True)
class MessagePosted(PlatformEvent):
    text: str = ""
    mentioned: tuple[Person, ...] = ()  # facts about people the text mentions, where the platform gives them


@dataclass(frozen=True)
class ReactionAdded(PlatformEvent):
    emoji: str = ""
    message_author: MemberRef | None = None  # place.message_id is the message reacted to


@dataclass(frozen=True)
class ReactionRemoved(PlatformEvent):
    emoji: str = ""
    message_author: MemberRef | None = None


@dataclass(frozen=True)
class MessageAction(PlatformEvent):
    """A person ran one of the bot's actions on a message: Slack's message shortcut, Discord's message
    context-menu command, the console's `:mark`. `place.message_id` is the message acted on (in thread
    `place.thread_id`, if any); `action` is the declared action's name (e.g. "mark-solution")."""

    action: str = ""
    message_author: MemberRef | None = None
    message_text: str = ""  # the platform hands it over with the action (no message-content intent needed)


@dataclass(frozen=True)
class MessageDeleted(PlatformEvent):
    """A message (`place.message_id`) was deleted; a thread's parent going means the thread went with it."""
