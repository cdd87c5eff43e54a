"""The outbox kinds of meetups: decided when they are due, not when they were scheduled.

- meetup_reminder: nothing if the occurrence or the series was cancelled, if it moved (fresh rows
  exist for the new start), or once it has started; after downtime only the latest overdue reminder
  of an occurrence goes out (marked late). It posts in the meetup's channel (and queues a copy for the
  meetups channel of every other bound workspace: everywhere.py) and queues one DM row per "yes" RSVP
  who hasn't muted meetup DMs (each DM its own outbox row: one closed DM never holds back, or repeats,
  the others), to the identity the person last acted through. A batch of due reminders is decided with
  a few queries per community, not per reminder.
- meetup_followup: after the meetup, an "I was there" button in its channel (and the copies).
- meetup_horizon: once a day per series, stores the next occurrences (and their reminders).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.context import message_payload
from bot.domain import Member, OutboxItem
from bot.features.meetups.everywhere import Places, post_everywhere
from bot.features.meetups.model import YES, Meetup, Occurrence
from bot.features.meetups.service import extend, schedule_top_up
from bot.features.meetups.timing import reminder_due, reminders_to_send
from bot.features.meetups.views import followup_post, reminder_dm, reminder_post
from bot.identity import ChannelTarget, MemberTarget, Target
from bot.ports import UnitOfWork
from bot.reply import Reply

LATE_AFTER = timedelta(minutes=5)
Messages = list[tuple[Target, Reply]]


async def plan_reminder(item: OutboxItem, uow: UnitOfWork, now: datetime) -> Messages:
    return (await plan_reminders([item], uow, now))[item.id]


async def plan_reminders(items: Sequence[OutboxItem], uow: UnitOfWork, now: datetime) -> dict[int, Messages]:
    decided: dict[int, Messages] = {}
    for community_id in {item.community_id for item in items}:
        mine = [item for item in items if item.community_id == community_id]
        ids = [item.payload["occurrence_id"] for item in mine]
        found = await uow.meetups.occurrences_by_id(community_id, ids)
        going = await uow.meetups.going(community_id, ids)
        places = await Places.of(uow, community_id)
        for item in mine:
            occurrence_id = item.payload["occurrence_id"]
            pair = found.get(occurrence_id)
            decided[item.id] = [] if pair is None else await _remind(
                uow, item, *pair, going.get(occurrence_id, []), places, now)
    return decided


async def _remind(uow: UnitOfWork, item: OutboxItem, occurrence: Occurrence, meetup: Meetup,
                  going: list[tuple[Member, bool]], places: Places, now: datetime) -> Messages:
    payload = item.payload
    if meetup.cancelled_at or occurrence.cancelled_at or occurrence.start_at.isoformat() != payload["start"]:
        return []
    dues = [(offset, reminder_due(occurrence.start_at, meetup.zone, offset)) for offset in payload["offsets"]]
    send, _dropped = reminders_to_send(occurrence.start_at, dues, now)
    offset = payload["offset"]
    if offset not in send:
        return []
    late = now - dict(dues)[offset] > LATE_AFTER
    at = f"{occurrence.id}@{int(occurrence.start_at.timestamp())}"
    reached = await uow.members.reached(meetup.community_id, [m for m, muted in going if not muted and m.active])
    for member in reached:  # one per person (RSVPs are the member's), on the identity they last acted through
        uow.outbox.add(
            meetup.community_id, "message",
            message_payload(MemberTarget(member.ref), reminder_dm(meetup, occurrence, late)), due_at=now,
            if_absent=True, key=f"reminder-dm:{at}:{offset}:{member.id}")
    channel = ChannelTarget(meetup.platform, meetup.workspace_id, meetup.channel_id)
    post = reminder_post(meetup, occurrence, len(going), offset, late)
    post_everywhere(uow, places, meetup, post, key=f"reminder-post:{at}:{offset}", now=now, besides=channel)
    return [(channel, post)]


async def plan_followup(item: OutboxItem, uow: UnitOfWork, now: datetime) -> Messages:
    found = await uow.meetups.occurrence(item.community_id, item.payload["occurrence_id"])
    if found is None:
        return []
    occurrence, meetup = found
    if meetup.cancelled_at or occurrence.cancelled_at or occurrence.start_at.isoformat() != item.payload["start"]:
        return []
    said_yes = await uow.meetups.count(item.community_id, occurrence.id, YES)
    channel = ChannelTarget(meetup.platform, meetup.workspace_id, meetup.channel_id)
    post = followup_post(meetup, occurrence, said_yes)
    post_everywhere(uow, await Places.of(uow, item.community_id), meetup, post,
                    key=f"followup-post:{occurrence.id}@{int(occurrence.start_at.timestamp())}", now=now,
                    besides=channel)
    return [(channel, post)]


async def top_up(item: OutboxItem, uow: UnitOfWork, now: datetime) -> Messages:
    meetup = await uow.meetups.get(item.community_id, item.payload["meetup_id"])
    if meetup is None or meetup.cancelled_at is not None:
        return []
    community = await uow.communities.get(item.community_id)
    meetup = await extend(uow, meetup, now, community.settings.meetup_horizon_days)
    await schedule_top_up(uow, meetup, now)
    return []
