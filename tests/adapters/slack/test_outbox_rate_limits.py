"""Must-show (issue 10, defect 2): Slack answering 429 with a long Retry-After holds back only that channel.

The outbox goes through copbot's real SlackOutbound, on an AsyncWebClient with copbot's retry handlers, to
FakeSlack. A long Retry-After gives the message back to the outbox until then (no sleeping on it), other channels
keep flowing, and two dispatchers sharing one PostgreSQL still post every message once."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import timedelta

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select

from adapters.app.bootstrap import build
from adapters.slack.outbound import SlackOutbound, retry_handlers
from bot.clock import SystemClock
from bot.context import message_payload
from bot.dispatch import Dispatcher
from bot.identity import ChannelTarget
from bot.reply import Reply
from storage.models import OutboxRow
from tests.conftest import make_config, postgres_url, require_postgres
from tests.fakes.slack_fake import FakeSlack


def slack_outbound(fake: FakeSlack) -> SlackOutbound:
    """As SlackService builds it: one client, copbot's retry handlers."""
    client = AsyncWebClient(token="xoxb-test", base_url=fake.api_base)
    client.retry_handlers.extend(retry_handlers())
    return SlackOutbound(client)


async def queue(app, messages: list[tuple[str, str]], due_at) -> None:
    async with app.core.uow_factory() as uow:
        for channel, text in messages:
            uow.outbox.add(None, "message", message_payload(ChannelTarget("slack", "T1", channel), Reply.public(text)),
                           due_at=due_at)
        await uow.commit()


def posts(fake: FakeSlack, status: int | None = None) -> list[tuple[str, str]]:
    return [(c.params["channel"], c.params["text"]) for c in fake.calls_to("chat.postMessage")
            if status is None or c.status == status]


async def test_a_long_retry_after_gives_the_message_back_and_other_channels_keep_flowing(app, clock, fake_slack):
    app.outbound.add("slack", slack_outbound(fake_slack))
    await queue(app, [("C1", "first in C1"), ("C1", "second in C1"), ("C2", "in C2")], clock.now())
    fake_slack.rate_limit_next("chat.postMessage", retry_after=45)

    await app.dispatcher.run_due()
    # One refused attempt in C1, nothing more tried there, and C2 posted at once.
    assert posts(fake_slack) == [("C1", "first in C1"), ("C2", "in C2")]
    assert posts(fake_slack, 200) == [("C2", "in C2")]
    async with app.core.uow_factory() as uow:
        waiting = (await uow.session.execute(
            select(OutboxRow.due_at, OutboxRow.attempts).where(OutboxRow.sent_at.is_(None)))).all()
        assert await uow.outbox.next_due_at() == clock.now() + timedelta(seconds=45)
    assert waiting == [(clock.now() + timedelta(seconds=45), 0)] * 2  # no failed attempt counted

    clock.advance(seconds=44)
    await app.dispatcher.run_due()
    assert len(posts(fake_slack)) == 2  # Slack said 45 s
    clock.advance(seconds=1)
    await app.dispatcher.run_due()
    assert posts(fake_slack, 200) == [("C2", "in C2"), ("C1", "first in C1"), ("C1", "second in C1")]


async def test_a_short_retry_after_is_waited_out_inside_the_call(app, clock, fake_slack):
    app.outbound.add("slack", slack_outbound(fake_slack))
    await queue(app, [("C1", "hello")], clock.now())
    fake_slack.rate_limit_next("chat.postMessage", retry_after=1)
    await app.dispatcher.run_due()
    assert posts(fake_slack) == [("C1", "hello")] * 2 and posts(fake_slack, 200) == [("C1", "hello")]
    async with app.core.uow_factory() as uow:
        assert await uow.outbox.pending() == 0


@pytest.fixture
async def pg_url() -> str:
    await require_postgres()
    return await postgres_url()


@pytest.mark.postgres
async def test_two_dispatchers_on_postgres_post_each_message_once_through_a_long_rate_limit(pg_url):
    """Issue 10's case, scaled down: a channel answering 429 with a Retry-After longer than the lease, for
    longer than one Retry-After, and two copbot processes (two engines, two Slack clients) on one PostgreSQL."""
    async with FakeSlack() as fake:
        apps = [await build(make_config(pg_url)) for _ in range(2)]
        try:
            dispatchers = []
            for app in apps:
                app.outbound.add("slack", slack_outbound(fake))
                dispatchers.append(Dispatcher(app.core.uow_factory, app.outbound, SystemClock(), lease_seconds=1))
            messages = [(f"C{n % 4}", f"message {n}") for n in range(20)]
            await queue(apps[0], messages, SystemClock().now())
            fake.rate_limit_channel("C0", retry_after=2, seconds=2.5)  # longer than the lease, and than one wait

            async def keep_dispatching(dispatcher: Dispatcher) -> None:
                deadline = time.monotonic() + 20
                while len(posts(fake, 200)) < len(messages) and time.monotonic() < deadline:
                    await dispatcher.run_due()
                    await asyncio.sleep(0.05)

            started = time.monotonic()
            await asyncio.gather(*(keep_dispatching(d) for d in dispatchers))
            elapsed = time.monotonic() - started
            await asyncio.sleep(0.3)  # anything still in flight lands
        finally:
            for app in apps:
                await app.close()
    delivered = Counter(posts(fake, 200))
    assert sorted(delivered) == sorted(messages) and set(delivered.values()) == {1}
    refused = posts(fake, 429)
    assert refused and {channel for channel, _ in refused} == {"C0"}
    assert {channel for channel, _ in posts(fake, 200)[:15]} == {"C1", "C2", "C3"}  # they did not wait for C0
    print(f"\n20 messages, {len(refused)} refused with 429, all delivered once in {elapsed:.1f} s")
