"""At most 5 actions under the numbers, each naming the people involved and the command that acts on it.
Every action comes from the data: no data, no action."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.features.digest.metrics import History, top_helpers
from bot.ports import UnitOfWork
from bot.reply import TimeStyle, stamp

MAX_ACTIONS = 5
WAITING = timedelta(hours=48)
NAMED = 5  # people named in one action, at most
HELPERS_SINCE = timedelta(days=90)  # who helps now: the window escalation ranks helpers over (topics)


@dataclass(frozen=True)
class Action:
    kind: str  # unanswered | not_activated | unthanked | no_show
    text: str
    people: tuple[int, ...]  # member ids involved
    label: str = ""
    command: str = ""  # a core command line a button runs


async def plan_actions(uow: UnitOfWork, community_id: int, history: History, now: datetime) -> list[Action]:
    actions: list[Action] = []
    questions = getattr(uow, "question_metrics", None)
    if questions is not None:
        waiting_questions = await questions.unanswered_since(community_id, now - WAITING, 2)
        helpers = await questions.suggested_helpers(community_id, [(q.tags, (q.asker_id,)) for q in waiting_questions],
                                                    now - HELPERS_SINCE)
        for q, helper in zip(waiting_questions, helpers, strict=True):
            who = await _names(uow, community_id, [helper] if helper else [])
            ask = f": ask {who[0]}" if who else ""
            listing = "questions unanswered" + (f" #{q.tags[0]}" if q.tags else "")
            actions.append(Action("unanswered", f"Question #{q.number} “{q.title[:80]}” has had no answer since"
                                  f" {stamp(q.asked_at, TimeStyle.DATETIME)}{ask}.", (q.asker_id, *([helper] if helper else [])),
                                  f"Unanswered (#{q.number})", listing))
    waiting = await uow.digest.newcomers(community_id, history.weeks[-2].week.start, history.weeks[-1].week.end,
                                         waiting_steps=history.required_steps, limit=NAMED)
    if waiting:
        lines, champions = [], {}
        for m in waiting:
            buddy = await _buddy(uow, community_id, m.id, champions)
            lines.append(f"{m.name} (buddy: {buddy})" if buddy else m.name)
        actions.append(Action("not_activated", "Not active yet after joining: " + ", ".join(lines)
                              + ". A hello from their buddy helps.", tuple(m.id for m in waiting)))
    unthanked = [m for m, _ in top_helpers(history) if history.helpers_thanked.get(m, 0) == 0]
    if unthanked:
        names = [history.names.get(m, "?") for m in unthanked]
        actions.append(Action("unthanked", "Helped a lot, thanked by nobody this week: " + ", ".join(names)
                              + ". `/kudos` them?", tuple(unthanked), "Give kudos", "kudos"))
    no_shows = history.weeks[-1].meetups.no_shows
    if no_shows:
        names = await _names(uow, community_id, list(no_shows[:NAMED]))
        actions.append(Action("no_show", "Said yes and did not come: " + ", ".join(names)
                              + ". Invite them to the next one.", tuple(no_shows[:NAMED]), "Meetups", "meetup list"))
    return actions[:MAX_ACTIONS]


async def _names(uow: UnitOfWork, community_id: int, ids: list[int]) -> list[str]:
    found = await uow.members.many(community_id, ids)
    return [found[i].name for i in ids if i in found]


async def _buddy(uow: UnitOfWork, community_id: int, member_id: int, champions: dict) -> str | None:
    """Their paired buddy, else someone active who follows one of their interests, else a champion (read once
    for all the members named: `champions`)."""
    onboarding = await uow.onboarding.get(community_id, member_id)
    if onboarding is not None and onboarding.buddy_id is not None:
        return (await _names(uow, community_id, [onboarding.buddy_id]) or [None])[0]
    tags = [t for name in await uow.interests.followed(community_id, member_id)
            if (t := await uow.tags.find(community_id, name)) is not None]
    sharing = [m for m in await uow.interests.followers(community_id, tags) if m.id != member_id
               and m.first_message_at is not None] if tags else []
    if not sharing and "all" not in champions:
        champions["all"] = await uow.onboarding.champions(community_id)
    pick = (sharing or [m for m in champions.get("all", ()) if m.id != member_id] or [None])[0]
    return pick.name if pick else None
