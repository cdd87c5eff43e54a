"""The outbox, the processed-event log and the audit log."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import OutboxItem
from storage.models import AuditRow, OutboxRow, ProcessedEventRow
from storage.repositories.dialect import insert_or_ignore


class SqlOutbox:
    def __init__(self, session: AsyncSession):
        self.s = session
        self._if_absent: list[dict] = []

    def add(self, community_id: int | None, kind: str, payload: dict, *, due_at: datetime,
            key: str | None = None, if_absent: bool = False) -> None:
        row = dict(community_id=community_id, kind=kind, payload=payload, due_at=due_at, dedupe_key=key,
                   attempts=0, created_at=datetime.now(UTC))
        if if_absent and key is not None:
            self._if_absent.append(row)  # written by flush(), which the unit of work runs before it commits
        else:
            self.s.add(OutboxRow(**row))

    def discard(self) -> None:
        self._if_absent.clear()

    async def flush(self) -> None:
        """Write the `if_absent` rows: INSERT ... ON CONFLICT DO NOTHING, so a key already planned (by this
        process or another one, even at the same moment) stays one row."""
        rows, self._if_absent = self._if_absent, []
        for row in rows:
            await self.s.execute(insert_or_ignore(self.s, OutboxRow, **row))

    async def claim_due(self, now: datetime, lease_seconds: float, limit: int, *,
                        owner: str = "unnamed") -> list[OutboxItem]:
        """Lease up to `limit` due rows to `owner`, atomically.

        PostgreSQL: FOR UPDATE SKIP LOCKED lets several processes claim disjoint rows at once.
        SQLite: writers are serialised, so the UPDATE ... WHERE id IN (SELECT ...) is atomic as is."""
        due = (select(OutboxRow.id)
               .where(OutboxRow.sent_at.is_(None), OutboxRow.failed_at.is_(None), OutboxRow.due_at <= now,
                      (OutboxRow.lease_until.is_(None)) | (OutboxRow.lease_until < now))
               .order_by(OutboxRow.due_at, OutboxRow.id).limit(limit)
               .with_for_update(skip_locked=True))
        rows = await self.s.execute(
            update(OutboxRow).where(OutboxRow.id.in_(due.scalar_subquery()))
            .values(lease_until=now + timedelta(seconds=lease_seconds), lease_owner=owner,
                    attempts=OutboxRow.attempts + 1)
            .returning(OutboxRow.id, OutboxRow.community_id, OutboxRow.kind, OutboxRow.payload,
                       OutboxRow.due_at, OutboxRow.attempts))
        items = [OutboxItem(*row) for row in rows]
        return sorted(items, key=lambda i: (i.due_at, i.id))

    def _held(self, item_ids: list[int], owner: str):
        return update(OutboxRow).where(OutboxRow.id.in_(item_ids), OutboxRow.lease_owner == owner,
                                       OutboxRow.sent_at.is_(None))

    async def extend_lease(self, item_ids: list[int], until: datetime, *, owner: str) -> set[int]:
        rows = await self.s.execute(self._held(item_ids, owner).values(lease_until=until)
                                    .returning(OutboxRow.id))
        return {row[0] for row in rows}

    async def mark_sent_many(self, item_ids: list[int], at: datetime) -> None:
        # No owner check: these messages did go out, whoever holds the rows now, and recording it stops a
        # dispatcher that took them over from sending them again. The first sent_at is kept.
        await self.s.execute(update(OutboxRow).where(OutboxRow.id.in_(item_ids), OutboxRow.sent_at.is_(None))
                             .values(sent_at=at, lease_until=None, lease_owner=None, last_error=None))

    async def retry_later(self, item_id: int, error: str, due_at: datetime, *, give_up: bool,
                          owner: str) -> None:
        values: dict = {"last_error": error, "lease_until": None, "lease_owner": None, "due_at": due_at}
        if give_up:
            values["failed_at"] = datetime.now(UTC)
        await self.s.execute(self._held([item_id], owner).values(**values))

    async def release(self, item_id: int, due_at: datetime, note: str, *, owner: str) -> None:
        await self.s.execute(self._held([item_id], owner).values(
            due_at=due_at, lease_until=None, lease_owner=None, last_error=note,
            attempts=OutboxRow.attempts - 1))  # the claim counted an attempt that was never made

    async def next_due_at(self) -> datetime | None:
        """When the next row can be claimed: its due time, or when its lease runs out if another pass holds it."""
        claimable = case((OutboxRow.lease_until > OutboxRow.due_at, OutboxRow.lease_until), else_=OutboxRow.due_at)
        return await self.s.scalar(select(func.min(claimable)).where(
            OutboxRow.sent_at.is_(None), OutboxRow.failed_at.is_(None)))

    async def pending(self) -> int:
        return await self.s.scalar(select(func.count()).select_from(OutboxRow).where(
            OutboxRow.sent_at.is_(None), OutboxRow.failed_at.is_(None))) or 0

    async def due_backlog(self, now: datetime) -> tuple[int, datetime | None]:
        count, oldest = (await self.s.execute(select(func.count(), func.min(OutboxRow.due_at)).where(
            OutboxRow.sent_at.is_(None), OutboxRow.failed_at.is_(None), OutboxRow.due_at <= now))).one()
        return count or 0, oldest

    async def prune_sent(self, sent_before: datetime, limit: int) -> int:
        """Rows that never went out (failed_at) are kept: they are the record of what was lost."""
        return await _delete_some(self.s, OutboxRow, OutboxRow.sent_at < sent_before, limit)


async def forget_in_outbox(session: AsyncSession, community_id: int, *, words: Sequence[str],
                           texts: Sequence[str]) -> None:
    """For erasure: no outbox row may keep a member's name (a whole word), platform id or the reasons they
    wrote. A sent (or abandoned) row keeps only its bookkeeping; a pending one is dropped, since nothing should
    go out to or about an erased member. Erasure is rare, so the community's rows are searched here rather than
    indexing who each message names."""
    patterns = [rf"(?<!\w){re.escape(w)}(?!\w)" for w in words if w] + [re.escape(t) for t in texts if t]
    if not patterns:
        return
    mentions = re.compile("|".join(patterns))
    rows = await session.execute(select(OutboxRow.id, OutboxRow.payload, OutboxRow.sent_at, OutboxRow.failed_at)
                                 .where(OutboxRow.community_id == community_id))
    done, pending = [], []
    for row_id, payload, sent_at, failed_at in rows:
        if any(mentions.search(value) for value in _strings(payload)):
            (done if sent_at or failed_at else pending).append(row_id)
    if done:
        await session.execute(update(OutboxRow).where(OutboxRow.id.in_(done)).values(payload={}, last_error=None))
    if pending:
        await session.execute(delete(OutboxRow).where(OutboxRow.id.in_(pending)))


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    return [s for item in value for s in _strings(item)] if isinstance(value, list) else []


class SqlEventLog:
    def __init__(self, session: AsyncSession):
        self.s = session

    async def first_time(self, platform: str, event_id: str, at: datetime) -> bool:
        result = await self.s.execute(
            insert_or_ignore(self.s, ProcessedEventRow, platform=platform, event_id=event_id, received_at=at))
        return result.rowcount == 1

    async def prune(self, received_before: datetime, limit: int) -> int:
        return await _delete_some(self.s, ProcessedEventRow, ProcessedEventRow.received_at < received_before, limit)


async def _delete_some(session: AsyncSession, model, condition, limit: int) -> int:
    """DELETE ... WHERE id IN (SELECT id ... LIMIT n): a bounded batch, one short transaction each."""
    batch = select(model.id).where(condition).limit(limit).scalar_subquery()
    result = await session.execute(delete(model).where(model.id.in_(batch))
                                   .execution_options(synchronize_session=False))
    return result.rowcount


class SqlAudit:
    def __init__(self, session: AsyncSession):
        self.s = session

    def record(self, community_id: int, actor_id: int | None, action: str, detail: dict, at: datetime) -> None:
        self.s.add(AuditRow(community_id=community_id, actor_id=actor_id, action=action, detail=detail,
                            created_at=at))
