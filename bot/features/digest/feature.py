"""/digest and the weekly scheduled digest."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from bot.commands import CommandSpec, Kind, Param
from bot.context import Context, Feature, Plan, erases_nothing, merges_nothing
from bot.domain import Community, OutboxItem
from bot.errors import Refusal
from bot.features.digest.actions import plan_actions
from bot.features.digest.chart import chart_png
from bot.features.digest.metrics import History, read_history, series
from bot.features.digest.ports import DigestRepo
from bot.features.digest.render import digest_reply
from bot.features.digest.settings import DigestSettings
from bot.features.digest.weeks import Week, containing, parse_week, shifted
from bot.identity import ChannelTarget, Role
from bot.ports import UnitOfWork
from bot.reply import Attachment, Reply, Visibility
from bot.schedules import Schedule
from bot.settings import channels_everywhere

PRIVATE = "private"


@dataclass(frozen=True)
class BuildDigest:
    options: str | None = None  # this | last | 2026-W48, and/or "private"
    tags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Digest:
    reply: Reply
    history: History
    week: Week


async def build_digest(uow: UnitOfWork, community: Community, week: Week, now: datetime, *,
                       tag: str | None = None, chart: bool = True) -> Digest:
    steps = len(getattr(community.settings, "onboarding_steps", ()) or ())
    history = await read_history(uow, community.id, week, community.zone, required_steps=steps, tag=tag)
    # drawn in the chart thread while the actions are read: off the event loop, and in the time SQL takes
    drawn = asyncio.get_running_loop().run_in_executor(CHART_THREAD, chart_attachment, history) if chart else None
    try:
        actions = await plan_actions(uow, community.id, history, now)
    finally:
        attachments = (await drawn,) if drawn else ()
    reply = replace(digest_reply(community.name, history, actions, tag=tag), attachments=attachments)
    return Digest(reply, history, week)


# One thread draws every chart, one at a time: matplotlib is not thread-safe, and a drawing (~90 ms of Python)
# on the event loop would hold every other command's acknowledgement.
CHART_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="copbot-chart")


def chart_attachment(history: History) -> Attachment:
    labels = [w.week.label for w in history.weeks[-len(series(history)):]]
    png = chart_png(labels, series(history), f"Last {len(labels)} weeks to {labels[-1]}")
    return Attachment(f"digest-{labels[-1]}.png", png, "image/png")


async def pull_digest(cmd: BuildDigest, ctx: Context) -> Reply:
    if ctx.role < Role.MANAGER and not ctx.settings.digest_champions:
        raise Refusal("Only managers may pull the digest here (a manager can let champions:"
                      " `/settings digest_champions true`).")
    words = (cmd.options or "").split()
    private = PRIVATE in [w.lower() for w in words]
    weeks = [w for w in words if w.lower() != PRIVATE]
    if len(weeks) > 1:
        raise Refusal("Give one week: this, last or a week like 2026-W48.", field="options")
    week = parse_week(weeks[0] if weeks else None, ctx.now, ctx.zone)
    if week.start > ctx.now:
        raise Refusal(f"{week.label} has not started yet.", field="options")
    tag = cmd.tags[0] if cmd.tags else None
    digest = await build_digest(ctx.uow, ctx.community, week, ctx.now, tag=tag)
    return replace(digest.reply, visibility=Visibility.EPHEMERAL if private else Visibility.PUBLIC)


class DigestSchedule(Schedule):
    """Weekly at the community's `digest_day` `digest_time`: the rule is read from its settings when planned."""

    def rule_for(self, community: Community) -> str:
        s = community.settings
        return f"weekly {getattr(s, 'digest_day', 'MO')} {getattr(s, 'digest_time', '09:00')}"

    def plan_next(self, uow: UnitOfWork, community: Community, after: datetime) -> datetime:
        return Schedule.plan_next(replace(self, rule=self.rule_for(community)), uow, community, after)


async def post_scheduled(item: OutboxItem, uow: UnitOfWork, now: datetime) -> Plan:
    """The occurrence's digest (of the last full week before it) to the configured channel on every platform the
    community is bound to. An occurrence planned before its time was changed sends nothing."""
    community = await uow.communities.get(item.community_id)
    at = datetime.fromisoformat(item.payload["at"])
    if replace(SCHEDULE, rule=SCHEDULE.rule_for(community)).next_after(at - _EPSILON, community.zone) != at:
        return []
    targets = [ChannelTarget(*place) for place in
               channels_everywhere(community.settings.digest_channel, await uow.communities.bindings(community.id))]
    if not targets:
        return []
    week = shifted(containing(at, community.zone), -1, community.zone)
    digest = await build_digest(uow, community, week, now)
    return [(target, digest.reply) for target in targets]


_EPSILON = timedelta(seconds=1)
SCHEDULE = DigestSchedule("digest", "weekly MO 09:00", post_scheduled)

COMMANDS = (
    CommandSpec("digest", "The week's engagement digest: numbers, people and next actions", BuildDigest, pull_digest,
                params=(Param("options", Kind.TEXT, "this, last or a week like 2026-W48; add private to see it alone",
                              optional=True, max_len=40),
                        Param("tags", Kind.TAGS, "a topic tag", optional=True)),
                role=Role.CHAMPION,
                examples=("/digest", "/digest last", "/digest 2026-W48 #seo private")),
)

FEATURE = Feature(
    name="digest",
    commands=COMMANDS,
    schedules=(SCHEDULE,),
    settings=DigestSettings,
    erase=erases_nothing,  # the digest stores nothing of its own
    merge=merges_nothing,
    repositories={"digest": DigestRepo},
)
