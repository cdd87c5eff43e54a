"""The topic taxonomy, merges of tags (every table that refers to tags.id) and helpers' pauses."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import Table, and_, delete, exists, func, literal, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.topics.escalation import Candidate
from bot.features.topics.ports import Topic
from storage.models import Base, MemberRow, MemberTagRow, TagRow
from storage.models_topics import EscalationRow, HelperPauseRow, TopicRow
from storage.repositories import kudos_totals
from storage.repositories.communities import to_member
from storage.repositories.dialect import by_ids, insert_or_ignore
from storage.repositories.kudos import received_in_tags

_TAGS = TagRow.__table__


def tag_references() -> list[tuple[Table, str]]:
    """Every (table, column) with a foreign key to tags.id, found in the models when asked: the tables of
    features added later (questions) are covered without a change here."""
    return [(table, column.name) for table in Base.metadata.sorted_tables for column in table.c
            if any(fk.column.table is _TAGS for fk in column.foreign_keys)]


def _keys_with(table: Table, column: str) -> list[list[str]]:
    """The primary key and unique constraints that hold `column`: moving a tag may collide on them."""
    keys = []
    for constraint in table.constraints:
        names = [c.name for c in getattr(constraint, "columns", ())]
        if column in names and constraint.__class__.__name__ in ("PrimaryKeyConstraint", "UniqueConstraint"):
            keys.append(names)
    keys += [[c.name for c in index.columns] for index in table.indexes
             if index.unique and column in [c.name for c in index.columns]]
    return keys


def _topic(row: TopicRow, name: str) -> Topic:
    return Topic(row.tag_id, name, tuple(str(k) for k in (row.keywords or ()) if isinstance(k, str)))


class SqlTopics:
    def __init__(self, session: AsyncSession):
        self.s = session

    async def taxonomy(self, community_id: int) -> list[Topic]:
        rows = await self.s.execute(select(TopicRow, TagRow.name).join(TagRow, TagRow.id == TopicRow.tag_id)
                                    .where(TopicRow.community_id == community_id).order_by(TagRow.name))
        return [_topic(row, name) for row, name in rows]

    async def add(self, community_id: int, name: str, keywords: Sequence[str], *, by_id: int,
                  at: datetime) -> Topic:
        await self.s.execute(insert_or_ignore(self.s, TagRow, community_id=community_id, name=name, created_at=at))
        tag_id = await self.s.scalar(select(TagRow.id).where(TagRow.community_id == community_id,
                                                             TagRow.name == name))
        row = await self.s.get(TopicRow, tag_id)
        if row is None:
            row = TopicRow(tag_id=tag_id, community_id=community_id, added_by_id=by_id, added_at=at)
            self.s.add(row)
        row.keywords = list(keywords)
        await self.s.flush()
        return _topic(row, name)

    async def remove(self, community_id: int, tag_id: int) -> None:
        await self.s.execute(delete(TopicRow).where(TopicRow.community_id == community_id, TopicRow.tag_id == tag_id))

    def _uses(self, community_id: int):
        """(tag_id) of every row that refers to a tag of this community, the taxonomy aside."""
        parts = [select(table.c[column].label("tag_id")).where(table.c.community_id == community_id)
                 for table, column in tag_references() if table is not TopicRow.__table__]
        return union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()

    async def uses(self, community_id: int, tag_id: int) -> int:
        used = self._uses(community_id)
        return await self.s.scalar(select(func.count()).select_from(used).where(used.c.tag_id == tag_id)) or 0

    async def unmanaged_in_use(self, community_id: int) -> list[tuple[str, int]]:
        used = self._uses(community_id)
        managed = select(TopicRow.tag_id).where(TopicRow.community_id == community_id)
        rows = await self.s.execute(
            select(TagRow.name, func.count()).join(used, used.c.tag_id == TagRow.id)
            .where(TagRow.community_id == community_id, TagRow.id.not_in(managed))
            .group_by(TagRow.name).order_by(func.count().desc(), TagRow.name))
        return [(name, n) for name, n in rows]

    async def merge(self, community_id: int, from_id: int, into_id: int, *, zone: str, now: datetime) -> None:
        for table, column in tag_references():
            col = table.c[column]
            mine = and_(table.c.community_id == community_id, col == from_id)
            for key in _keys_with(table, column):
                twin = table.alias("twin")
                same = [twin.c[k] == table.c[k] for k in key if k != column]
                if table.c.community_id.key not in key:
                    same.append(twin.c.community_id == community_id)
                # A row the target already has (bob follows both tags) would collide: the source's copy goes.
                await self.s.execute(delete(table).where(mine, exists(select(literal(1)).select_from(twin).where(
                    twin.c[column] == into_id, *same))))
            await self.s.execute(update(table).where(mine).values({column: into_id}))
        await kudos_totals.rebuild(self.s, community_id, zone, now)

    async def pause(self, community_id: int, member_id: int, until: datetime | None) -> None:
        await self.s.execute(delete(HelperPauseRow).where(HelperPauseRow.community_id == community_id,
                                                          HelperPauseRow.member_id == member_id))
        if until is not None:
            self.s.add(HelperPauseRow(community_id=community_id, member_id=member_id, until=until))
            await self.s.flush()

    async def merge_member(self, community_id: int, from_id: int, into_id: int) -> None:
        """One person behind two identities: the later pause holds, and escalations count toward one weekly cap."""
        pauses = [u for u in (await self.paused_until(community_id, from_id),
                              await self.paused_until(community_id, into_id)) if u is not None]
        await self.pause(community_id, from_id, None)
        await self.pause(community_id, into_id, max(pauses) if pauses else None)
        await self.s.execute(update(EscalationRow).where(EscalationRow.community_id == community_id,
                                                         EscalationRow.member_id == from_id)
                             .values(member_id=into_id))

    async def paused_until(self, community_id: int, member_id: int) -> datetime | None:
        return await self.s.scalar(select(HelperPauseRow.until).where(HelperPauseRow.community_id == community_id,
                                                                      HelperPauseRow.member_id == member_id))

    async def helper_candidates(self, community_id: int, tag_ids: Sequence[int], accepted: Mapping[int, int], *,
                                since: datetime, week_start: datetime, now: datetime) -> list[Candidate]:
        tags = list(tag_ids)
        kudos = await received_in_tags(self.s, community_id, tags, since)
        followers = set(await self.s.scalars(select(MemberTagRow.member_id).where(
            MemberTagRow.community_id == community_id, MemberTagRow.tag_id.in_(tags))))
        ids = sorted(set(kudos) | followers | {m for m, n in accepted.items() if n > 0})
        if not ids:
            return []
        members = await self.s.scalars(select(MemberRow).where(
            *by_ids(self.s, MemberRow, community_id, ids), MemberRow.is_bot.is_(False),
            MemberRow.left_at.is_(None), MemberRow.erased_at.is_(None)))
        pauses = dict((await self.s.execute(select(HelperPauseRow.member_id, HelperPauseRow.until).where(
            HelperPauseRow.community_id == community_id, HelperPauseRow.member_id.in_(ids),
            HelperPauseRow.until > now))).all())
        asked = dict((await self.s.execute(
            select(EscalationRow.member_id, func.count()).where(
                EscalationRow.community_id == community_id, EscalationRow.member_id.in_(ids),
                EscalationRow.level == "helpers", EscalationRow.sent_at >= week_start)
            .group_by(EscalationRow.member_id))).all())
        return [Candidate(to_member(row), accepted_answers=accepted.get(row.id, 0), kudos=kudos.get(row.id, 0),
                          follows=row.id in followers, paused_until=pauses.get(row.id),
                          escalations_this_week=asked.get(row.id, 0)) for row in members]

    async def record_escalation(self, community_id: int, question_id: int, member_id: int, level: str,
                                at: datetime) -> None:
        self.s.add(EscalationRow(community_id=community_id, question_id=question_id, member_id=member_id,
                                 level=level, sent_at=at))
        await self.s.flush()
