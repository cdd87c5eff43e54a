"""A community bound to several workspaces (Slack and Discord): a meetup's posts go to each of them.

A meetup lives in the channel where it was scheduled. Its announcement, channel reminders, changes and follow-up
go there and to the `meetups_channel` of every *other* bound workspace (a workspace without one is skipped),
each copy its own outbox row with a key naming the meetup or occurrence and the workspace, so planning twice
(a second replica, a retried decision) leaves one. The buttons on every copy are command lines naming the meetup
by its number (`meetup rsvp 4 yes 2026-03-29`), so they answer from any platform.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.context import message_payload
from bot.features.meetups.model import Meetup
from bot.identity import ChannelTarget, Place
from bot.ports import UnitOfWork
from bot.reply import Reply
from bot.settings import channels_everywhere


@dataclass(frozen=True)
class Places:
    """Where one community's meetups are posted: its `meetups_channel` setting and its bound workspaces (read
    once for a batch of reminders)."""

    setting: str | None
    bindings: tuple[tuple[str, str], ...]

    @classmethod
    async def of(cls, uow: UnitOfWork, community_id: int) -> Places:
        community = await uow.communities.get(community_id)
        return cls(community.settings.meetups_channel, tuple(sorted(await uow.communities.bindings(community_id))))

    def channels(self, meetup: Meetup) -> list[ChannelTarget]:
        """The meetup's own channel, then the meetups channel of every other bound workspace."""
        own = ChannelTarget(meetup.platform, meetup.workspace_id, meetup.channel_id)
        others = [b for b in self.bindings if b != (meetup.platform, meetup.workspace_id)]
        return [own, *(ChannelTarget(*place) for place in channels_everywhere(self.setting, others))]


def post_everywhere(uow: UnitOfWork, places: Places, meetup: Meetup, reply: Reply, *, key: str, now: datetime,
                    besides: Place | ChannelTarget | None = None) -> None:
    """Queue `reply` for each of the meetup's channels but the one it is already posted in (`besides`: where a
    command was typed, which gets the command's reply). `key` names what is posted: one row per workspace."""
    for target in places.channels(meetup):
        if besides is not None and (target.platform, target.workspace_id, target.channel_id) == (
                besides.platform, besides.workspace_id, besides.channel_id):
            continue
        uow.outbox.add(meetup.community_id, "message", message_payload(target, reply), due_at=now,
                       key=f"{key}:{target.platform}:{target.workspace_id}"[:200], if_absent=True)
