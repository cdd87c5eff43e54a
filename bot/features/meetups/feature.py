"""/meetup: every command of the meetups feature, declared once, and its outbox kinds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.commands import CommandSpec, Kind, Param
from bot.context import Context, Feature, OutboxKind, erases_nothing
from bot.domain import Member
from bot.errors import Refusal
from bot.features.meetups import rsvp, service, views
from bot.features.meetups.export import meetup_calendar
from bot.features.meetups.form import CREATE_FORM, suggest_meetups
from bot.features.meetups.manage import (
    CancelMeetup,
    EditMeetup,
    MoveOccurrence,
    ScheduleMeetup,
    cancel_meetup,
    edit_meetup,
    move_occurrence,
    schedule_meetup,
)
from bot.features.meetups.model import ANSWERS, MeetupRepo
from bot.features.meetups.reminders import plan_followup, plan_reminder, plan_reminders, top_up
from bot.features.meetups.service import FOLLOWUP, HORIZON, REMINDER
from bot.features.meetups.settings import MeetupSettings
from bot.features.meetups.syntax import EXAMPLE, MAX_DETAILS
from bot.identity import Role
from bot.ports import UnitOfWork
from bot.reply import Attachment, Reply, Visibility

LIST_LIMIT = 10


@dataclass(frozen=True)
class ListMeetups:
    pass


@dataclass(frozen=True)
class ShowMeetup:
    meetup_id: int


@dataclass(frozen=True)
class Rsvp:
    meetup_id: int
    answer: str
    day: str | None = None


@dataclass(frozen=True)
class RecordAttendance:
    meetup_id: int
    members: list[Member]
    day: str | None = None


@dataclass(frozen=True)
class MarkHere:
    meetup_id: int
    day: str | None = None


@dataclass(frozen=True)
class MuteMeetupDms:
    pass


@dataclass(frozen=True)
class UnmuteMeetupDms:
    pass


@dataclass(frozen=True)
class MeetupCalendar:
    meetup_id: int


async def list_meetups(cmd: ListMeetups, ctx: Context) -> Reply:
    cid, repo = ctx.community.id, ctx.uow.meetups
    coming = await repo.next_occurrences(cid, ctx.now)
    ordered = [row for row in coming if row[1].repeats] + [row for row in coming if not row[1].repeats]
    shown = ordered[:LIST_LIMIT]
    rows = [(o, m, await repo.rsvp(cid, o.id, ctx.member.id)) for o, m in shown]
    return views.listing(rows, more=len(ordered) - len(shown))


async def show_meetup(cmd: ShowMeetup, ctx: Context) -> Reply:
    cid, repo = ctx.community.id, ctx.uow.meetups
    meetup = await service.get_meetup(ctx, cmd.meetup_id, live=False)
    every = [o for o in await repo.occurrences(cid, meetup.id) if o.cancelled_at is None]
    ahead = [o for o in every if o.start_at > ctx.now][:5]
    started = [o for o in every if o.start_at <= ctx.now]
    last = started[-1] if started else None
    answers = await repo.rsvps(cid, ahead[0].id) if ahead else []
    return views.show(meetup, ahead, answers, last, await repo.rsvps(cid, last.id) if last else [])


async def answer_rsvp(cmd: Rsvp, ctx: Context) -> Reply:
    meetup = await service.get_meetup(ctx, cmd.meetup_id)
    return await rsvp.answer(ctx, meetup, await service.pick(ctx, meetup, cmd.day), cmd.answer)


async def record_attendance(cmd: RecordAttendance, ctx: Context) -> Reply:
    meetup = await service.get_meetup(ctx, cmd.meetup_id, live=False)
    service.may_change(ctx, meetup)
    occurrence = await service.pick(ctx, meetup, cmd.day, past=True)
    return await rsvp.record_attendance(ctx, meetup, occurrence, cmd.members)


async def mark_here(cmd: MarkHere, ctx: Context) -> Reply:
    meetup = await service.get_meetup(ctx, cmd.meetup_id, live=False)
    return await rsvp.mark_here(ctx, meetup, await service.pick(ctx, meetup, cmd.day, past=True))


async def mute(cmd: MuteMeetupDms, ctx: Context) -> Reply:
    return await rsvp.mute(ctx, True)


async def unmute(cmd: UnmuteMeetupDms, ctx: Context) -> Reply:
    return await rsvp.mute(ctx, False)


async def calendar_file(cmd: MeetupCalendar, ctx: Context) -> Reply:
    meetup = await service.get_meetup(ctx, cmd.meetup_id, live=False)
    if meetup.cancelled_at is not None and meetup.repeats:
        raise Refusal(f"Meetup #{meetup.number} ({meetup.title}) was cancelled.")
    data = await meetup_calendar(ctx.uow, meetup, ctx.now)
    what = "the whole series" if meetup.repeats else "it"
    return Reply.ephemeral(f"{meetup.title}: open the file to add {what} to your calendar.",
                           attachments=(Attachment(f"meetup-{meetup.number}.ics", data, "text/calendar"),))


MEETUP = Param("meetup_id", Kind.INT, "the meetup number", suggest=suggest_meetups)
DAY = Param("day", Kind.WORD, "a date like 2026-03-29 (default: the next one)", optional=True, max_len=10)
PAST_DAY = Param("day", Kind.WORD, "a date like 2026-03-29 (default: the latest one that has started)",
                 optional=True, max_len=10)
DETAILS_HELP = 'a title in quotes, a start and options: "Sunday run" sunday 18:00 repeat=weekly capacity=12'

COMMANDS = (
    CommandSpec("meetup create", "Schedule a meetup (one-off or repeating)", ScheduleMeetup, schedule_meetup,
                params=(Param("details", Kind.TEXT, DETAILS_HELP, max_len=MAX_DETAILS, noun="the meetup's details"),),
                role=Role.CHAMPION, form=CREATE_FORM,
                examples=(EXAMPLE, '/meetup create "SEO clinic" 2026-12-03 18:00 duration=1h place=https://meet.example/seo',
                          '/meetup create "Study group" next thursday 18:00 repeat=monthly on the first thursday')),
    CommandSpec("meetup list", "Meetups coming up", ListMeetups, list_meetups, visibility=Visibility.EPHEMERAL),
    CommandSpec("meetup show", "A meetup's details and who's coming", ShowMeetup, show_meetup, params=(MEETUP,),
                visibility=Visibility.EPHEMERAL),
    CommandSpec("meetup rsvp", "Say if you're coming", Rsvp, answer_rsvp,
                params=(MEETUP, Param("answer", Kind.CHOICE, "yes, maybe or no", choices=ANSWERS), DAY),
                visibility=Visibility.EPHEMERAL, examples=("/meetup rsvp 4 yes", "/meetup rsvp 4 no 2026-03-29")),
    CommandSpec("meetup edit", "Change a meetup's title, start, place, duration, capacity or description",
                EditMeetup, edit_meetup,
                params=(MEETUP, Param("details", Kind.TEXT, "options like title=… capacity=… place=…",
                                      max_len=MAX_DETAILS, noun="the changes")),
                role=Role.CHAMPION, examples=("/meetup edit 4 capacity=20 place=#general",)),
    CommandSpec("meetup cancel", "Cancel a meetup, or one date of a series (tells who answered)", CancelMeetup,
                cancel_meetup, params=(MEETUP, Param("day", Kind.WORD, "a date like 2026-03-29 (default: all)",
                                                     optional=True, max_len=10)),
                role=Role.CHAMPION, examples=("/meetup cancel 4", "/meetup cancel 4 2026-04-05")),
    CommandSpec("meetup move", "Move one date of a meetup", MoveOccurrence, move_occurrence,
                params=(MEETUP, Param("day", Kind.WORD, "the date to move, like 2026-04-12", max_len=10),
                        Param("start", Kind.TEXT, "the new start, like 2026-04-13 19:00", max_len=100)),
                role=Role.CHAMPION, examples=("/meetup move 4 2026-04-12 2026-04-13 19:00",)),
    CommandSpec("meetup attended", "Record who came to a meetup", RecordAttendance, record_attendance,
                params=(MEETUP, Param("members", Kind.MEMBERS, "who came", max_items=50), PAST_DAY),
                role=Role.CHAMPION, visibility=Visibility.EPHEMERAL, examples=("/meetup attended 4 @ann @raj",)),
    CommandSpec("meetup here", "Say you were at a meetup", MarkHere, mark_here, params=(MEETUP, PAST_DAY),
                visibility=Visibility.EPHEMERAL),
    CommandSpec("meetup mute", "Stop meetup reminder DMs", MuteMeetupDms, mute, visibility=Visibility.EPHEMERAL),
    CommandSpec("meetup unmute", "Get meetup reminder DMs again", UnmuteMeetupDms, unmute,
                visibility=Visibility.EPHEMERAL),
    CommandSpec("meetup ics", "A calendar file (.ics) for a meetup or its series", MeetupCalendar, calendar_file,
                params=(MEETUP,), visibility=Visibility.EPHEMERAL),
)

async def merge_meetups(uow: UnitOfWork, community_id: int, from_id: int, into_id: int, at: datetime) -> None:
    await uow.meetups.merge(community_id, from_id, into_id, at)


FEATURE = Feature(
    name="meetups",
    commands=COMMANDS,
    outbox_kinds=(OutboxKind(REMINDER, plan_reminder, decide_many=plan_reminders),  # a batch: a few queries a community
                  OutboxKind(FOLLOWUP, plan_followup), OutboxKind(HORIZON, top_up)),
    settings=MeetupSettings,
    erase=erases_nothing,  # RSVPs and meetups point at the member row, which the core erases
    merge=merge_meetups,
    repositories={"meetups": MeetupRepo},
)
