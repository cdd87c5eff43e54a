"""Outbox leases belong to one dispatcher, and old rows are pruned (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.retention import Pruner, Retention
from storage.models import OutboxRow, ProcessedEventRow


async def add_rows(app, count: int, due_at) -> None:
    async with app.core.uow_factory() as uow:
        for n in range(count):
            uow.outbox.add(None, "message", {"n": n}, due_at=due_at)
        await uow.commit()


async def rows(app) -> dict:
    """Outbox rows by id, as plain column tuples."""
    async with app.core.uow_factory() as uow:
        return {row.id: row for row in (await uow.session.execute(select(OutboxRow.__table__))).all()}


async def test_only_the_holder_of_a_lease_renews_retries_or_releases_the_row(app, clock):
    await add_rows(app, 2, clock.now())
    async with app.core.uow_factory() as uow:
        first = [i.id for i in await uow.outbox.claim_due(clock.now(), 30, 10, owner="A")]
        await uow.commit()
    clock.advance(seconds=31)  # A stalled past its lease; B takes the rows over
    async with app.core.uow_factory() as uow:
        assert [i.id for i in await uow.outbox.claim_due(clock.now(), 30, 10, owner="B")] == first
        await uow.commit()
    b_lease = clock.now() + timedelta(seconds=30)

    async with app.core.uow_factory() as uow:
        assert await uow.outbox.extend_lease(first, clock.now() + timedelta(seconds=60), owner="A") == set()
        await uow.outbox.retry_later(first[0], "late failure", clock.now(), give_up=True, owner="A")
        await uow.outbox.release(first[1], clock.now(), "late rate limit", owner="A")
        await uow.commit()
    after = await rows(app)
    assert all(after[i].lease_owner == "B" and after[i].lease_until == b_lease for i in first)
    assert all(after[i].failed_at is None and after[i].last_error is None for i in first)

    async with app.core.uow_factory() as uow:
        assert await uow.outbox.extend_lease(first, clock.now() + timedelta(seconds=60), owner="B") == set(first)
        await uow.commit()


async def test_a_released_row_is_due_again_later_and_its_attempt_is_not_counted(app, clock):
    await add_rows(app, 1, clock.now())
    async with app.core.uow_factory() as uow:
        [item] = await uow.outbox.claim_due(clock.now(), 60, 10, owner="A")
        await uow.outbox.release(item.id, clock.now() + timedelta(seconds=45), "RateLimited", owner="A")
        await uow.commit()
    async with app.core.uow_factory() as uow:
        assert await uow.outbox.claim_due(clock.now() + timedelta(seconds=44), 60, 10, owner="B") == []
        [again] = await uow.outbox.claim_due(clock.now() + timedelta(seconds=45), 60, 10, owner="B")
    assert again.id == item.id and again.attempts == 1  # this is its first real attempt


async def count(app, model) -> int:
    async with app.core.uow_factory() as uow:
        return await uow.session.scalar(select(func.count()).select_from(model))


async def test_pruning_deletes_old_event_ids_and_old_sent_rows_in_batches_and_keeps_the_rest(app, clock):
    now = clock.now()
    async with app.core.uow_factory() as uow:
        for n in range(7):
            await uow.events.first_time("slack", f"old{n}", now - timedelta(hours=25))
        await uow.events.first_time("slack", "recent", now - timedelta(hours=23))
        await uow.commit()
    await add_rows(app, 10, now - timedelta(days=9))
    ids = sorted(await rows(app))
    old_sent, recent_sent, unsent, failed = ids[:5], ids[5:7], ids[7:9], ids[9:]
    async with app.core.uow_factory() as uow:
        await uow.outbox.mark_sent_many(old_sent, now - timedelta(days=8))
        await uow.outbox.mark_sent_many(recent_sent, now - timedelta(days=6))
        claimed = await uow.outbox.claim_due(now, 60, 10, owner="A")
        assert failed[0] in {i.id for i in claimed}
        await uow.outbox.retry_later(failed[0], "gone", now - timedelta(days=8), give_up=True, owner="A")
        await uow.commit()

    pruner = Pruner(app.core.uow_factory, clock, Retention(timedelta(days=1), timedelta(days=7), batch=2))
    assert await pruner.prune() == {"processed_events": 7, "outbox": 5}

    assert sorted(await rows(app)) == recent_sent + unsent + failed
    assert await count(app, ProcessedEventRow) == 1
    async with app.core.uow_factory() as uow:
        assert await uow.events.first_time("slack", "recent", now) is False  # still deduplicated
        assert await uow.events.first_time("slack", "old0", now) is True  # forgotten
    assert await pruner.prune() == {"processed_events": 0, "outbox": 0}
