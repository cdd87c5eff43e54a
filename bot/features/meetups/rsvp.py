"""RSVPs with a waitlist, attendance, and muting reminder DMs.

Rules: an RSVP belongs to one occurrence; answering the same thing twice is refused and changes
nothing; a "yes" to a full occurrence joins the waitlist, served in the order people joined it;
when a seat frees (a "yes" becomes maybe/no, or the capacity grows) the first in line is promoted
and told by a direct message queued in the outbox, in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence

from bot.context import Context
from bot.domain import Member
from bot.errors import Refusal
from bot.features.activity import mark_active
from bot.features.meetups.model import MAYBE, NO, WAITLIST, YES, Meetup, Occurrence
from bot.features.meetups.timing import reminder_due
from bot.features.meetups.views import change_dm, local_day, seats, when
from bot.identity import MemberTarget
from bot.reply import Reply

ATTENDANCE_WINDOW_DAYS = 7


async def answer(ctx: Context, meetup: Meetup, occurrence: Occurrence, said: str) -> Reply:
    cid, repo = ctx.community.id, ctx.uow.meetups
    if occurrence.cancelled_at is not None:
        raise Refusal(f"{meetup.title} on {local_day(occurrence, meetup)} was cancelled.")
    if occurrence.start_at <= ctx.now:
        raise Refusal(f"{meetup.title} on {local_day(occurrence, meetup)} has already started.")
    await repo.lock_occurrence(cid, occurrence.id)  # seats are read, then taken: one RSVP at a time
    current = await repo.rsvp(cid, occurrence.id, ctx.member.id)
    before = current.status if current else None
    if before == said or (said == YES and before == WAITLIST):
        already = "are on the waitlist" if before == WAITLIST else f"answered {said}"
        raise Refusal(f"You already {already} for {meetup.title} on {local_day(occurrence, meetup)}; nothing changed.")
    status = said
    if said == YES and meetup.capacity is not None:
        if await repo.count(cid, occurrence.id, YES) >= meetup.capacity:
            status = WAITLIST
    await repo.set_rsvp(cid, occurrence.id, ctx.member.id, status, ctx.now)
    await mark_active(ctx)
    if before == YES:
        await promote(ctx, meetup, occurrence)
    going = await repo.count(cid, occurrence.id, YES)
    at = when(occurrence, meetup)
    if status == WAITLIST:
        line = [r for r, _ in await repo.rsvps(cid, occurrence.id) if r.status == WAITLIST]
        place = next(n for n, r in enumerate(line, start=1) if r.member_id == ctx.member.id)
        return Reply.ephemeral(f"{meetup.title} ({at}) is full: you're number {place} on the waitlist. "
                               "I'll message you if a seat opens.")
    text = {YES: f"You're going to {meetup.title}, {at}. ({seats(meetup, going)}.){await _reminder_promise(ctx, meetup, occurrence)}",
            MAYBE: f"Noted: maybe for {meetup.title}, {at}.",
            NO: f"Noted: you can't come to {meetup.title}, {at}."}[status]
    return Reply.ephemeral(text)


async def _reminder_promise(ctx: Context, meetup: Meetup, occurrence: Occurrence) -> str:
    """' I'll remind you.' only when a reminder DM is still to come for this member."""
    if not any(reminder_due(occurrence.start_at, meetup.zone, offset) > ctx.now for offset in meetup.offsets):
        return ""
    going = (await ctx.uow.meetups.going(ctx.community.id, [occurrence.id]))[occurrence.id]
    if any(member.id == ctx.member.id and muted for member, muted in going):
        return " (Reminder DMs are muted: `/meetup unmute`.)"
    return " I'll remind you."


async def promote(ctx: Context, meetup: Meetup, occurrence: Occurrence) -> None:
    """Fill free seats from the waitlist, first come first served; tell each promoted member."""
    cid, repo = ctx.community.id, ctx.uow.meetups
    waiting = [(r, m) for r, m in await repo.rsvps(cid, occurrence.id) if r.status == WAITLIST]
    going = await repo.count(cid, occurrence.id, YES)
    free = len(waiting) if meetup.capacity is None else max(meetup.capacity - going, 0)
    for member in await ctx.uow.members.reached(cid, [m for _answer, m in waiting[:free]]):
        await repo.set_rsvp(cid, occurrence.id, member.id, YES, ctx.now)
        ctx.send_later(MemberTarget(member.ref), change_dm(
            meetup, occurrence, f"a seat opened up and it's yours: you're going! "
            f"Can't make it any more? `/meetup rsvp {meetup.number} no {local_day(occurrence, meetup)}`"))


async def record_attendance(ctx: Context, meetup: Meetup, occurrence: Occurrence,
                            members: Sequence[Member]) -> Reply:
    if occurrence.start_at > ctx.now:
        raise Refusal(f"{meetup.title} on {local_day(occurrence, meetup)} hasn't started yet.")
    if bots := [m.name for m in members if m.is_bot]:
        raise Refusal(f"{', '.join(bots)} is a bot: attendance is for people.")
    new = await ctx.uow.meetups.mark_attended(ctx.community.id, occurrence.id, [m.id for m in members], ctx.now)
    names = ", ".join(m.name for m in members)
    return Reply.ephemeral(f"Attendance for {meetup.title} on {local_day(occurrence, meetup)}: {names} "
                           f"({new} newly recorded).")


async def mark_here(ctx: Context, meetup: Meetup, occurrence: Occurrence) -> Reply:
    if occurrence.start_at > ctx.now:
        raise Refusal(f"{meetup.title} on {local_day(occurrence, meetup)} hasn't started yet.")
    if (ctx.now - occurrence.start_at).days > ATTENDANCE_WINDOW_DAYS:
        raise Refusal(f"Attendance can be marked up to {ATTENDANCE_WINDOW_DAYS} days after a meetup; "
                      "ask its champion.")
    if not await ctx.uow.meetups.mark_attended(ctx.community.id, occurrence.id, [ctx.member.id], ctx.now):
        raise Refusal("You're already marked as there; nothing changed.")
    return Reply.ephemeral(f"Thanks for coming to {meetup.title}! You're marked as there.")


async def mute(ctx: Context, muted: bool) -> Reply:
    changed = await ctx.uow.meetups.set_muted(ctx.community.id, ctx.member.id, muted, ctx.now)
    if not changed:
        raise Refusal("Meetup reminder DMs are already " + ("muted." if muted else "on."))
    if muted:
        return Reply.ephemeral("Meetup reminder DMs are muted; reminders still appear in the meetup's channel. "
                               "`/meetup unmute` turns them back on.")
    return Reply.ephemeral("Meetup reminder DMs are on again for meetups you say yes to.")
