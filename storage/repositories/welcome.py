"""Welcome templates, onboardings, steps done, joins seen, and followed interests (member_tags)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import Member
from bot.features.welcome.records import Onboarding
from storage.models import MEMBERS_WITH_ROLE, MemberRow, MemberTagRow, TagRow
from storage.models_welcome import OnboardingRow, OnboardingStepRow, WelcomeJoinRow, WelcomeTemplateRow
from storage.repositories.communities import to_member


def to_onboarding(row: OnboardingRow) -> Onboarding:
    return Onboarding(row.member_id, row.started_at, row.drips_stopped_at, row.buddy_id, row.buddy_paired_at)


class SqlOnboarding:
    def __init__(self, session: AsyncSession):
        self.s = session

    # Templates ------------------------------------------------------------------------------

    async def template(self, community_id: int, kind: str) -> str | None:
        return await self.s.scalar(select(WelcomeTemplateRow.text).where(
            WelcomeTemplateRow.community_id == community_id, WelcomeTemplateRow.kind == kind))

    async def set_template(self, community_id: int, kind: str, text: str | None, *, by_id: int,
                           at: datetime) -> None:
        """Store a champion's wording; None goes back to the default."""
        await self.s.execute(delete(WelcomeTemplateRow).where(
            WelcomeTemplateRow.community_id == community_id, WelcomeTemplateRow.kind == kind))
        if text is not None:
            self.s.add(WelcomeTemplateRow(community_id=community_id, kind=kind, text=text,
                                          updated_by_id=by_id, updated_at=at))
        await self.s.flush()

    # Onboardings ----------------------------------------------------------------------------

    async def _row(self, community_id: int, member_id: int) -> OnboardingRow | None:
        return await self.s.scalar(select(OnboardingRow).where(
            OnboardingRow.community_id == community_id, OnboardingRow.member_id == member_id))

    async def get(self, community_id: int, member_id: int) -> Onboarding | None:
        row = await self._row(community_id, member_id)
        return to_onboarding(row) if row else None

    async def start(self, community_id: int, member_id: int, at: datetime) -> Onboarding:
        """Begin (or begin again) a member's onboarding; steps already done stay done."""
        row = await self._row(community_id, member_id) or await self._new(community_id, member_id, at)
        row.started_at, row.drips_stopped_at = at, None
        await self.s.flush()
        return to_onboarding(row)

    async def stop_drips(self, community_id: int, member_id: int, at: datetime) -> None:
        row = await self._row(community_id, member_id) or await self._new(community_id, member_id, at)
        row.drips_stopped_at = at
        await self.s.flush()

    async def _new(self, community_id: int, member_id: int, at: datetime) -> OnboardingRow:
        row = OnboardingRow(community_id=community_id, member_id=member_id, started_at=at)
        self.s.add(row)
        return row

    # Steps ----------------------------------------------------------------------------------

    async def steps_done(self, community_id: int, member_id: int) -> dict[str, datetime]:
        rows = await self.s.execute(select(OnboardingStepRow.step, OnboardingStepRow.done_at).where(
            OnboardingStepRow.community_id == community_id, OnboardingStepRow.member_id == member_id))
        return {step: done_at for step, done_at in rows}

    async def mark_step(self, community_id: int, member_id: int, step: str, at: datetime) -> bool:
        """Record a step as done; False if it already was."""
        if step in await self.steps_done(community_id, member_id):
            return False
        self.s.add(OnboardingStepRow(community_id=community_id, member_id=member_id, step=step, done_at=at))
        await self.s.flush()
        return True

    # Joins and greetings --------------------------------------------------------------------

    async def record_join(self, community_id: int, member_id: int, at: datetime, *, returning: bool,
                          greeting: str, greet_at: datetime | None) -> None:
        self.s.add(WelcomeJoinRow(community_id=community_id, member_id=member_id, joined_at=at,
                                  returning=returning, greeting=greeting, greet_at=greet_at))
        await self.s.flush()

    async def joins_since(self, community_id: int, since: datetime) -> int:
        return await self.s.scalar(select(func.count()).select_from(WelcomeJoinRow).where(
            WelcomeJoinRow.community_id == community_id, WelcomeJoinRow.joined_at > since)) or 0

    async def open_combined_greeting(self, community_id: int, now: datetime) -> datetime | None:
        """When the combined greeting still to come goes out, if one is waiting."""
        return await self.s.scalar(select(func.max(WelcomeJoinRow.greet_at)).where(
            WelcomeJoinRow.community_id == community_id, WelcomeJoinRow.greeting == "combined",
            WelcomeJoinRow.greet_at > now))

    async def combined_greeting(self, community_id: int, greet_at: datetime) -> list[Member]:
        """The members one combined greeting names, in the order they joined."""
        rows = await self.s.scalars(
            select(MemberRow).join(WelcomeJoinRow, WelcomeJoinRow.member_id == MemberRow.id)
            .where(WelcomeJoinRow.community_id == community_id, MemberRow.community_id == community_id,
                   WelcomeJoinRow.greeting == "combined", WelcomeJoinRow.greet_at == greet_at)
            .order_by(WelcomeJoinRow.id))
        return [to_member(r) for r in rows]

    # People -----------------------------------------------------------------------------------

    async def champions(self, community_id: int) -> list[Member]:
        """Active people with a champion role or above, whether granted here or by the platform."""
        rows = await self.s.scalars(select(MemberRow).where(
            MemberRow.community_id == community_id, MemberRow.is_bot.is_(False),
            MemberRow.left_at.is_(None), MemberRow.erased_at.is_(None), MEMBERS_WITH_ROLE).order_by(MemberRow.name))
        return [to_member(r) for r in rows]

    async def pair_buddy(self, community_id: int, member_id: int, buddy_id: int, at: datetime) -> None:
        row = await self._row(community_id, member_id) or await self._new(community_id, member_id, at)
        row.buddy_id, row.buddy_paired_at = buddy_id, at
        await self.s.flush()

    async def buddy_load(self, community_id: int, buddy_ids: Sequence[int], since: datetime) -> dict[int, int]:
        """How many newcomers each of these members was paired with since `since`."""
        rows = await self.s.execute(
            select(OnboardingRow.buddy_id, func.count()).where(
                OnboardingRow.community_id == community_id, OnboardingRow.buddy_id.in_(list(buddy_ids)),
                OnboardingRow.buddy_paired_at >= since).group_by(OnboardingRow.buddy_id))
        return {buddy_id: count for buddy_id, count in rows}

    async def merge(self, community_id: int, from_member_id: int, into_member_id: int, at: datetime) -> None:
        """One onboarding (the one kept by the member merged into, else theirs), every step either did, every join."""
        ours = OnboardingRow.community_id == community_id
        if await self._row(community_id, into_member_id) is not None:
            await self.s.execute(delete(OnboardingRow).where(ours, OnboardingRow.member_id == from_member_id))
        await self.s.execute(update(OnboardingRow).where(ours, OnboardingRow.member_id == from_member_id)
                             .values(member_id=into_member_id))
        await self.s.execute(update(OnboardingRow).where(ours, OnboardingRow.buddy_id == from_member_id)
                             .values(buddy_id=into_member_id))
        await self.s.execute(update(OnboardingRow).where(ours, OnboardingRow.buddy_id == OnboardingRow.member_id)
                             .values(buddy_id=None, buddy_paired_at=None))
        steps = OnboardingStepRow.community_id == community_id
        done = select(OnboardingStepRow.step).where(steps, OnboardingStepRow.member_id == into_member_id)
        await self.s.execute(delete(OnboardingStepRow).where(steps, OnboardingStepRow.member_id == from_member_id,
                                                             OnboardingStepRow.step.in_(done)))
        await self.s.execute(update(OnboardingStepRow).where(steps, OnboardingStepRow.member_id == from_member_id)
                             .values(member_id=into_member_id))
        await self.s.execute(update(WelcomeJoinRow).where(WelcomeJoinRow.community_id == community_id,
                                                          WelcomeJoinRow.member_id == from_member_id)
                             .values(member_id=into_member_id))
        await self.s.execute(update(WelcomeTemplateRow).where(WelcomeTemplateRow.community_id == community_id,
                                                              WelcomeTemplateRow.updated_by_id == from_member_id)
                             .values(updated_by_id=into_member_id))


class SqlInterests:
    """Tags members follow, in the shared `member_tags` table."""

    def __init__(self, session: AsyncSession):
        self.s = session

    async def follow(self, community_id: int, member_id: int, tag_ids: Sequence[int]) -> list[int]:
        """Follow these tags; returns the ids that were new."""
        have = set(await self._followed_ids(community_id, member_id))
        new = [t for t in dict.fromkeys(tag_ids) if t not in have]
        self.s.add_all(MemberTagRow(community_id=community_id, member_id=member_id, tag_id=t) for t in new)
        await self.s.flush()
        return new

    async def unfollow(self, community_id: int, member_id: int, tag_ids: Sequence[int]) -> None:
        await self.s.execute(delete(MemberTagRow).where(
            MemberTagRow.community_id == community_id, MemberTagRow.member_id == member_id,
            MemberTagRow.tag_id.in_(list(tag_ids))))

    async def _followed_ids(self, community_id: int, member_id: int) -> list[int]:
        return list(await self.s.scalars(select(MemberTagRow.tag_id).where(
            MemberTagRow.community_id == community_id, MemberTagRow.member_id == member_id)))

    async def followed(self, community_id: int, member_id: int) -> list[str]:
        return list(await self.s.scalars(
            select(TagRow.name).join(MemberTagRow, MemberTagRow.tag_id == TagRow.id)
            .where(MemberTagRow.community_id == community_id, TagRow.community_id == community_id,
                   MemberTagRow.member_id == member_id).order_by(TagRow.name)))

    async def followers(self, community_id: int, tag_ids: Sequence[int]) -> list[Member]:
        """Active people following any of these tags (for routing questions, meetups, buddies)."""
        rows = await self.s.scalars(
            select(MemberRow).where(
                MemberRow.community_id == community_id, MemberRow.is_bot.is_(False),
                MemberRow.left_at.is_(None), MemberRow.erased_at.is_(None),
                MemberRow.id.in_(select(MemberTagRow.member_id).where(
                    MemberTagRow.community_id == community_id, MemberTagRow.tag_id.in_(list(tag_ids)))))
            .order_by(MemberRow.id))
        return [to_member(r) for r in rows]

    async def merge(self, community_id: int, from_member_id: int, into_member_id: int, at: datetime) -> None:
        """Every tag either followed, once."""
        ours = MemberTagRow.community_id == community_id
        followed = select(MemberTagRow.tag_id).where(ours, MemberTagRow.member_id == into_member_id)
        await self.s.execute(delete(MemberTagRow).where(ours, MemberTagRow.member_id == from_member_id,
                                                        MemberTagRow.tag_id.in_(followed)))
        await self.s.execute(update(MemberTagRow).where(ours, MemberTagRow.member_id == from_member_id)
                             .values(member_id=into_member_id))
