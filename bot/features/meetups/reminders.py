"""The outbox kinds of meetups: decided when they are due, not when they were scheduled.

- meetup_reminder: nothing if the occurrence or the series was cancelled, if it moved (fresh rows
  exist for the new start), or once it has started; after downtime only the latest overdue reminder
  of an occurrence goes out (marked late). It posts in the meetup's channel and queues one DM row per
  "yes" RSVP who hasn't muted meetup DMs (each DM its own outbox row: one closed DM never holds back,
  or repeats, the others).
- meetup_followup: after the meetup, an "I was there" button in its channel.
- meetup_horizon: once a day per series, stores the next occurrences (and their reminders).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.context import message_payload
from bot.domain import OutboxItem
from bot.features.meetups.model import YES
from bot.features.meetups.service import extend, schedule_top_up
from bot.features.meetups.timing import reminder_due, reminders_to_send
from bot.features.meetups.views import followup_post, reminder_dm, reminder_post
from bot.identity import ChannelTarget, MemberTarget, Target
from bot.ports import UnitOfWork
from bot.reply import Reply

LATE_AFTER = timedelta(minutes=5)


async def send_reminder(item: OutboxItem, uow: UnitOfWork, now: datetime) -> list[tuple[Target, Reply]]:
    cid, payload = item.community_id, item.payload
    found = await uow.meetups.occurrence(cid, payload["occurrence_id"])
    if found is None:
        return []
    occurrence, meetup = found
    if meetup.cancelled_at or occurrence.cancelled_at or occurrence.start_at.isoformat() != payload["start"]:
        return []
    dues = [(offset, reminder_due(occurrence.start_at, meetup.zone, offset)) for offset in payload["offsets"]]
    send, _dropped = reminders_to_send(occurrence.start_at, dues, now)
    offset = payload["offset"]
    if offset not in send:
        return []
    late = now - dict(dues)[offset] > LATE_AFTER
    for member in await uow.meetups.dm_recipients(cid, [occurrence.id], [YES]):
        await uow.meetups.enqueue_once(
            cid, "message", message_payload(MemberTarget(member.ref), reminder_dm(meetup, occurrence, late)),
            due_at=now, dedupe_key=f"reminder-dm:{occurrence.id}@{int(occurrence.start_at.timestamp())}"
                                   f":{offset}:{member.id}")
    going = await uow.meetups.count(cid, occurrence.id, YES)
    channel = ChannelTarget(meetup.platform, meetup.workspace_id, meetup.channel_id)
    return [(channel, reminder_post(meetup, occurrence, going, offset, late))]


async def send_followup(item: OutboxItem, uow: UnitOfWork, now: datetime) -> list[tuple[Target, Reply]]:
    found = await uow.meetups.occurrence(item.community_id, item.payload["occurrence_id"])
    if found is None:
        return []
    occurrence, meetup = found
    if meetup.cancelled_at or occurrence.cancelled_at or occurrence.start_at.isoformat() != item.payload["start"]:
        return []
    said_yes = await uow.meetups.count(item.community_id, occurrence.id, YES)
    channel = ChannelTarget(meetup.platform, meetup.workspace_id, meetup.channel_id)
    return [(channel, followup_post(meetup, occurrence, said_yes))]


async def top_up(item: OutboxItem, uow: UnitOfWork, now: datetime) -> list[tuple[Target, Reply]]:
    meetup = await uow.meetups.get(item.community_id, item.payload["meetup_id"])
    if meetup is None or meetup.cancelled_at is not None:
        return []
    community = await uow.communities.get(item.community_id)
    meetup = await extend(uow, meetup, now, community.settings.meetup_horizon_days)
    await schedule_top_up(uow, meetup, now)
    return []
