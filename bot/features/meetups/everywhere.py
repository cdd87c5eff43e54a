"""A community bound to several workspaces (Slack and Discord): a meetup's posts go to each of them.

A meetup lives in the channel where it was scheduled. Its announcement, channel reminders, changes and follow-up
go there and to the `meetups_channel` of every *other* bound workspace (a workspace without one is skipped),
each copy its own outbox row with a key naming the meetup or occurrence and the workspace, so planning twice
(a second replica, a retried decision) leaves one. The buttons on every copy are command lines naming the meetup
by its number (`meetup rsvp 4 yes 2026-03-29`), so they answer from any platform.
"""

from __future__ import annotations

from datetime import datetime

from bot.context import message_payload
from bot.features.meetups.model import Meetup
from bot.identity import ChannelTarget, Place
from bot.ports import UnitOfWork
from bot.reply import Reply
from bot.settings import channels_everywhere


async def meetup_channels(uow: UnitOfWork, meetup: Meetup) -> list[ChannelTarget]:
    """The meetup's own channel, then the meetups channel of every other workspace the community is bound to."""
    own = ChannelTarget(meetup.platform, meetup.workspace_id, meetup.channel_id)
    community = await uow.communities.get(meetup.community_id)
    others = [b for b in await uow.communities.bindings(meetup.community_id)
              if b != (meetup.platform, meetup.workspace_id)]
    return [own, *(ChannelTarget(*place) for place in
                   channels_everywhere(community.settings.meetups_channel, sorted(others)))]


async def post_everywhere(uow: UnitOfWork, meetup: Meetup, reply: Reply, *, key: str, now: datetime,
                          besides: Place | ChannelTarget | None = None) -> None:
    """Queue `reply` for each of the meetup's channels but the one it is already posted in (`besides`: where a
    command was typed, which gets the command's reply). `key` names what is posted: one row per workspace."""
    for target in await meetup_channels(uow, meetup):
        if besides is not None and (target.platform, target.workspace_id, target.channel_id) == (
                besides.platform, besides.workspace_id, besides.channel_id):
            continue
        uow.outbox.add(meetup.community_id, "message", message_payload(target, reply), due_at=now,
                       key=f"{key}:{target.platform}:{target.workspace_id}"[:200], if_absent=True)
