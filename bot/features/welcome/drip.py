"""The drip: reminders some days after joining that name only the steps still open.

Each reminder is an outbox row of its own kind, written when the member joins; what it says is
decided when it is due, so a member who finished, stopped the reminders or left gets nothing
(nor a member who comes back after it fell due: a reminder more than a day late is dropped)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.context import Context
from bot.domain import Member, OutboxItem
from bot.features.welcome.checklist import MAX_BUTTONS, checklist, open_steps
from bot.identity import MemberTarget, Target
from bot.ports import UnitOfWork
from bot.reply import Button, Reply

DRIP = "onboarding_drip"
STOP_BUTTON = Button("Stop these reminders", "onboarding stop")
# A reminder this late (the bot was down, or the member was away when it fell due) is dropped.
STALE_AFTER = timedelta(days=1)


def drip_key(member_id: int, number: int, started_at: datetime) -> str:
    return f"drip:{member_id}:{number}:{started_at.isoformat()}"


def schedule_drips(ctx: Context, member: Member, started_at: datetime) -> None:
    for number, days in enumerate(ctx.settings.onboarding_drip_days, start=1):
        payload = {"member_id": member.id, "number": number, "started_at": started_at.isoformat()}
        ctx.uow.outbox.add(ctx.community.id, DRIP, payload, due_at=started_at + timedelta(days=days),
                           key=drip_key(member.id, number, started_at))


async def plan_drip(item: OutboxItem, uow: UnitOfWork, now: datetime) -> list[tuple[Target, Reply]]:
    community_id, member_id = item.community_id, item.payload["member_id"]
    community = await uow.communities.get(community_id)
    member = await uow.members.get(community_id, member_id)
    onboarding = await uow.onboarding.get(community_id, member_id)
    started_at = datetime.fromisoformat(item.payload["started_at"])
    if (now - item.due_at > STALE_AFTER or not community.settings.welcome_enabled or not member.active
            or onboarding is None
            or onboarding.drips_stopped_at is not None or onboarding.started_at != started_at):
        return []
    done = await uow.onboarding.steps_done(community_id, member_id)
    still_open = open_steps(community.settings, done)
    if not still_open:
        return []
    steps, buttons = checklist(community.settings, done, only_open=True)
    count = "one step is" if len(still_open) == 1 else f"{len(still_open)} steps are"
    text = (f"Hi {member.name}, a friendly nudge from {community.name}: {count} still open. "
            "Each takes a minute, and people here are glad to help.")
    reply = Reply.public(text, sections=(steps,), buttons=(*buttons[:MAX_BUTTONS - 1], STOP_BUTTON))
    member = (await uow.members.reached(community_id, [member]))[0]  # where they last acted
    return [(MemberTarget(member.ref), reply)]
