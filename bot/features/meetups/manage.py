"""Champions and managers: create, edit, cancel (a series or one date) and move one date."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from bot.context import Context
from bot.errors import Refusal, concerning
from bot.features.meetups import service
from bot.features.meetups.everywhere import Places, post_everywhere
from bot.features.meetups.recurrence import recurrence_rule
from bot.features.meetups.rsvp import promote
from bot.features.meetups.syntax import NO_LIMIT, parse_details
from bot.features.meetups.timing import fall_back_note, parse_start, zone
from bot.features.meetups.views import announcement, local_day, told, when
from bot.reply import Reply

DEFAULT_DURATION_MINUTES = 60


@dataclass(frozen=True)
class ScheduleMeetup:
    details: str


@dataclass(frozen=True)
class EditMeetup:
    meetup_id: int
    details: str


@dataclass(frozen=True)
class CancelMeetup:
    meetup_id: int
    day: str | None = None


@dataclass(frozen=True)
class MoveOccurrence:
    meetup_id: int
    day: str
    start: str


async def schedule_meetup(cmd: ScheduleMeetup, ctx: Context) -> Reply:
    details = parse_details(cmd.details, creating=True)
    zone_name = details.zone or ctx.member.zone or ctx.zone
    with concerning("zone"):
        zone(zone_name)
    with concerning("start"):
        start = parse_start(details.start or "", zone_name, ctx.now)
    with concerning("repeat"):
        rule = recurrence_rule(details.repeat, start) if details.repeat else None
    capacity = None if details.capacity in (None, NO_LIMIT) else details.capacity
    meetup = await ctx.uow.meetups.add(
        ctx.community.id, creator_id=ctx.member.id, title=details.title, description=details.about or "",
        location=details.place or "", platform=ctx.place.platform, workspace_id=ctx.place.workspace_id,
        channel_id=ctx.place.channel_id, zone=zone_name, local_start=start.replace(tzinfo=None),
        duration=details.duration or timedelta(minutes=DEFAULT_DURATION_MINUTES), rrule=rule,
        capacity=capacity, offsets=service.check_offsets(ctx.settings.meetup_reminders),
        scheduled_until=start, cancelled_at=None)
    horizon = ctx.settings.meetup_horizon_days
    meetup = await service.extend(ctx.uow, meetup, ctx.now, horizon)
    await service.schedule_top_up(ctx.uow, meetup, ctx.now)
    first = (await ctx.uow.meetups.occurrences(ctx.community.id, meetup.id))[0]
    ctx.uow.audit.record(ctx.community.id, ctx.member.id, "meetup.create", {"meetup_id": meetup.id}, ctx.now)
    return await _everywhere(ctx, meetup, announcement(meetup, first, horizon, ctx.member.name), "new",
                             note=fall_back_note(start, zone_name))


async def edit_meetup(cmd: EditMeetup, ctx: Context) -> Reply:
    meetup = await service.get_meetup(ctx, cmd.meetup_id)
    service.may_change(ctx, meetup)
    details = parse_details(cmd.details, creating=False)
    if details.repeat is not None or details.zone is not None:
        raise Refusal("A series' repeat and zone can't change: cancel it and create a new one, "
                      "or move single dates with `/meetup move`.")
    changes: dict = {}
    if details.title is not None:
        changes["title"] = details.title
    if details.about is not None:
        changes["description"] = details.about
    if details.place is not None:
        changes["location"] = details.place
    if details.duration is not None:
        changes["duration"] = details.duration
    if details.capacity is not None:
        changes["capacity"] = None if details.capacity == NO_LIMIT else details.capacity
    moved = None
    if details.start is not None:
        if meetup.repeats:
            raise Refusal("To change when a series meets, move single dates with `/meetup move ID DATE START`, "
                          "or cancel it and create a new one.")
        start = parse_start(details.start, meetup.zone, ctx.now)
        changes["local_start"] = start.replace(tzinfo=None)
        moved = await service.pick(ctx, meetup, None)
    meetup = await ctx.uow.meetups.update(ctx.community.id, meetup.id, **changes)
    if moved is not None:
        await _move(ctx, meetup, moved, start)
    if "capacity" in changes:
        for occurrence in await ctx.uow.meetups.occurrences(ctx.community.id, meetup.id, since=ctx.now):
            await promote(ctx, meetup, occurrence)
    ctx.uow.audit.record(ctx.community.id, ctx.member.id, "meetup.edit",
                         {"meetup_id": meetup.id, "fields": sorted(details.given())}, ctx.now)
    note = fall_back_note(start, meetup.zone) if moved is not None else ""
    return await _everywhere(ctx, meetup, Reply.public(f"✏️ Meetup #{meetup.number} ({meetup.title}) was updated: "
                                                       f"{', '.join(sorted(details.given()))}."),
                             f"edit@{ctx.now.timestamp()}", note=note)


async def cancel_meetup(cmd: CancelMeetup, ctx: Context) -> Reply:
    meetup = await service.get_meetup(ctx, cmd.meetup_id)
    service.may_change(ctx, meetup)
    cid = ctx.community.id
    if cmd.day is not None:
        occurrence = await service.pick(ctx, meetup, cmd.day)
        if occurrence.cancelled_at is not None:
            raise Refusal(f"{meetup.title} on {local_day(occurrence, meetup)} is already cancelled.")
        if occurrence.start_at <= ctx.now:
            raise Refusal(f"{meetup.title} on {local_day(occurrence, meetup)} has already started.")
        await ctx.uow.meetups.update_occurrence(cid, occurrence.id, cancelled_at=ctx.now)
        informed = await service.tell(ctx, meetup, [occurrence], "this date is cancelled. The series goes on.")
        ctx.uow.audit.record(cid, ctx.member.id, "meetup.cancel_date",
                             {"meetup_id": meetup.id, "occurrence_id": occurrence.id}, ctx.now)
        return await _everywhere(ctx, meetup, Reply.public(
            f"🚫 {meetup.title} on {when(occurrence, meetup)} is cancelled ({told(informed)}). "
            "Other dates are unchanged."), f"cancel:{local_day(occurrence, meetup)}")
    ahead = [o for o in await ctx.uow.meetups.occurrences(cid, meetup.id, since=ctx.now) if o.cancelled_at is None]
    for occurrence in ahead:
        await ctx.uow.meetups.update_occurrence(cid, occurrence.id, cancelled_at=ctx.now)
    await ctx.uow.meetups.update(cid, meetup.id, cancelled_at=ctx.now)
    informed = await service.tell(ctx, meetup, ahead, "cancelled." if len(ahead) == 1 else "the series is cancelled.")
    ctx.uow.audit.record(cid, ctx.member.id, "meetup.cancel", {"meetup_id": meetup.id}, ctx.now)
    return await _everywhere(ctx, meetup, Reply.public(
        f"🚫 Meetup #{meetup.number} ({meetup.title}) is cancelled ({told(informed)})."), "cancel")


async def move_occurrence(cmd: MoveOccurrence, ctx: Context) -> Reply:
    meetup = await service.get_meetup(ctx, cmd.meetup_id)
    service.may_change(ctx, meetup)
    occurrence = await service.pick(ctx, meetup, cmd.day)
    if occurrence.cancelled_at is not None:
        raise Refusal(f"{meetup.title} on {local_day(occurrence, meetup)} is cancelled; nothing to move.")
    if occurrence.start_at <= ctx.now:
        raise Refusal(f"{meetup.title} on {local_day(occurrence, meetup)} has already started.")
    start = parse_start(cmd.start, meetup.zone, ctx.now)
    moved = await _move(ctx, meetup, occurrence, start)
    return await _everywhere(ctx, meetup, Reply.public(f"📅 {meetup.title} of {local_day(occurrence, meetup)} moves "
                                                       f"to {when(moved, meetup)}. RSVPs stay as they are."),
                             f"move:{local_day(occurrence, meetup)}@{moved.start_at.timestamp()}",
                             note=fall_back_note(start, meetup.zone))


async def _everywhere(ctx: Context, meetup, post: Reply, what: str, *, note: str = "") -> Reply:
    """`post` is the command's reply where it was typed, and a copy in the meetup's other channels
    (everywhere.py); `note` is for the one who typed it only."""
    post_everywhere(ctx.uow, await Places.of(ctx.uow, ctx.community.id), meetup, post,
                    key=f"meetup-post:{meetup.id}:{what}", now=ctx.now, besides=ctx.place)
    return replace(post, text=f"{post.text}\n{note}") if note else post


async def _move(ctx: Context, meetup, occurrence, start):
    start_utc = start.astimezone(occurrence.start_at.tzinfo)
    if start_utc == occurrence.start_at:
        raise Refusal("That is when it already starts; nothing changed.")
    await service.refuse_clash(ctx, meetup, occurrence, start_utc)
    await ctx.uow.meetups.update_occurrence(ctx.community.id, occurrence.id, start_at=start_utc)
    moved = replace(occurrence, start_at=start_utc)
    await service.schedule(ctx.uow, meetup, moved, ctx.now)  # the old rows find themselves stale
    await service.tell(ctx, meetup, [moved], "it moved to this time; your answer stands.")
    ctx.uow.audit.record(ctx.community.id, ctx.member.id, "meetup.move",
                         {"meetup_id": meetup.id, "occurrence_id": occurrence.id}, ctx.now)
    return moved
