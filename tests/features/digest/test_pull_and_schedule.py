"""/digest for managers (champions when allowed), in the channel or privately; the weekly digest is sent once
per occurrence across a restart and across two processes, and caught up once after downtime."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from adapters.app.bootstrap import build
from adapters.console.adapter import PLATFORM
from bot.identity import ChannelTarget
from storage.models import OutboxRow
from tests.conftest import make_config
from tests.fakes.console import ConsoleDriver

KIND = "schedule:digest"


@dataclass
class Recorder:
    sent: list = field(default_factory=list)

    async def send(self, target, reply, *, key):
        self.sent.append((target, reply))

    async def edit(self, posted, reply):
        pass


async def _community(console, clock):
    clock.set(datetime(2026, 12, 1, 15, tzinfo=UTC))
    await console.say(":as alice", "/settings zone America/New_York", ":as bob", "/help", ":as carol", "/help",
                      ":as alice", "/role grant @carol champion")


def _digests(printed: str) -> list[str]:
    return [line for line in printed.splitlines() if "Weekly digest" in line]


async def test_only_managers_pull_the_digest_unless_champions_are_allowed(console, clock):
    await _community(console, clock)
    assert _digests(await console.say(":as bob", "/digest")) == []
    assert _digests(await console.say(":as carol", "/digest")) == []
    await console.say(":as alice", "/settings digest_champions true")
    assert len(_digests(await console.say(":as carol", "/digest last"))) == 1
    assert _digests(await console.say(":as bob", "/digest")) == []


async def test_the_digest_is_posted_in_the_channel_or_only_to_the_asker(console, clock):
    await _community(console, clock)
    public = _digests(await console.say(":as alice", "/digest 2026-W48"))
    private = _digests(await console.say(":as alice", "/digest last private"))
    assert len(public) == 1 and "only" not in public[0].split(":")[0]
    assert len(private) == 1 and "only alice sees this" in private[0]
    printed = await console.say(":as alice", "/digest this")
    assert "digest-2026-W49.png" in printed


@pytest.mark.parametrize("typed", ["2026-W60", "someday", "2027-W02", "last this", "0001-W01", "9999-W52"])
async def test_a_week_that_is_not_one_is_refused(console, clock, typed):
    await _community(console, clock)
    printed = await console.say(":as alice", f"/digest {typed}")
    assert _digests(printed) == [] and "only alice sees this" in printed


async def _app(store_url, clock):
    app = await build(make_config(store_url, zone="America/New_York"), clock=clock)
    recorder = Recorder()
    app.outbound.add(PLATFORM, recorder)
    return app, recorder


async def _pending(app) -> list[datetime]:
    async with app.core.uow_factory() as uow:
        rows = await uow.session.scalars(select(OutboxRow.due_at).where(OutboxRow.kind == KIND,
                                                                        OutboxRow.sent_at.is_(None)))
        return sorted(rows)


async def test_the_weekly_digest_is_sent_once_across_a_restart_and_two_processes(store_url, clock):
    first, _ = await _app(store_url, clock)
    console = ConsoleDriver(first)
    await _community(console, clock)
    await console.say(":as alice", "/settings digest_channel #digests")
    await first.close()  # a restart: two processes start on the same store
    (one, sent_one), (two, sent_two) = await _app(store_url, clock), await _app(store_url, clock)
    monday = datetime(2026, 12, 7, 14, tzinfo=UTC)  # 09:00 in New York
    assert await _pending(one) == [monday]

    clock.set(monday)
    await asyncio.gather(one.dispatcher.run_due(), two.dispatcher.run_due())
    sent = sent_one.sent + sent_two.sent
    assert [target for target, _ in sent] == [ChannelTarget(PLATFORM, "local", "digests")]
    assert "2026-W49" in sent[0][1].text and sent[0][1].attachments[0].content[:4] == b"\x89PNG"
    assert await _pending(one) == [datetime(2026, 12, 14, 14, tzinfo=UTC)]

    clock.set(datetime(2026, 12, 30, 12, tzinfo=UTC))  # both were down for two occurrences: one catch-up
    for _ in range(2):
        await asyncio.gather(one.dispatcher.run_due(), two.dispatcher.run_due())
    assert len(sent_one.sent + sent_two.sent) == 2
    assert await _pending(two) == [datetime(2027, 1, 4, 14, tzinfo=UTC)]
    await one.close()
    await two.close()


async def test_a_changed_time_moves_the_digest_and_the_old_occurrence_sends_nothing(store_url, clock):
    app, recorder = await _app(store_url, clock)
    console = ConsoleDriver(app)
    app.outbound.add(PLATFORM, recorder)  # after the console's own, which it replaces
    await _community(console, clock)
    await console.say(":as alice", "/settings digest_channel #digests", "/settings digest_day FR",
                      "/settings digest_time 17:30")
    clock.set(datetime(2026, 12, 7, 14, tzinfo=UTC))  # the Monday row planned before the change
    await app.dispatcher.run_due()
    assert recorder.sent == []
    assert await _pending(app) == [datetime(2026, 12, 11, 22, 30, tzinfo=UTC)]  # Friday 17:30 in New York
    clock.set(datetime(2026, 12, 11, 22, 30, tzinfo=UTC))
    await app.dispatcher.run_due()
    assert len(recorder.sent) == 1
    await app.close()


async def test_the_console_says_where_it_wrote_the_chart(console, clock, tmp_path):
    await _community(console, clock)
    console.adapter.files_dir = str(tmp_path)
    printed = await console.say(":as alice", "/digest last")
    chart = tmp_path / "digest-2026-W48.png"
    assert f"written to {chart}" in printed and chart.read_bytes()[:4] == b"\x89PNG"
