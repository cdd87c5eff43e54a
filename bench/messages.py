"""Message events at a steady rate through Slack HTTP mode and the Discord gateway: acknowledgement latency and
the activity counters written (bot/features/activity).

    python bench/messages.py [--rate 200] [--seconds 10] [--pg postgresql+asyncpg://user@host/db] [--only slack]

Slack: FakeSlack (the mock Web API) and copbot (migrations, real core and store, its Bolt AsyncApp on an aiohttp
runner) share copbot's event loop, as in bench/slack_http.py; an open-loop client in a second thread sends signed
`message` event envelopes at `--rate`, each when due whatever the earlier ones did. Latency runs from the moment
a request was due to Slack's HTTP answer: Bolt answers after the core committed (process_before_response), so it
is the acknowledgement Slack waits for (3 s before it retries).

Discord: the fake gateway (tests/fakes/discord_fake.py) runs in a second thread with its own loop and sends
MESSAGE_CREATE dispatches at `--rate` over a loopback WebSocket to a real discord.Client (no message-content
intent). The gateway has no acknowledgement, so latency runs from the moment a dispatch was due to the moment
copbot's core committed it.

Both: `--people` members (400) take turns; before measuring each posts once, one at a time (their first
appearance: a member insert). Every 25th event is delivered twice with the same id (Slack: a retry with
X-Slack-Retry-Num; Discord: a replayed dispatch). Afterwards the counters are read back: the sum of messages must
equal the distinct events sent (retries count once). `--pg` runs on a scratch database made on that server
(dropped afterwards); the default is a SQLite file. Target (issue 14): 200 messages/s with p99 under 100 ms."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp  # noqa: E402
from sqlalchemy import text as sql  # noqa: E402

from adapters.app.bootstrap import build  # noqa: E402
from adapters.app.config import CommunityConfig, Config, DatabaseConfig, DiscordConfig, SlackConfig  # noqa: E402
from tests.fakes import discord_payloads as dp  # noqa: E402
from tests.fakes import slack_payloads as sp  # noqa: E402
from tests.fakes.discord_fake import FakeDiscord  # noqa: E402
from tests.fakes.postgres import create_database, drop_database  # noqa: E402
from tests.fakes.slack_fake import FakeSlack  # noqa: E402

SECRET = "bench-secret"
RETRY_EVERY = 25
PEOPLE = 400
USERS = 1_500_000_000_000_000_000  # Discord user ids
WITHOUT_ACTIVITY = False  # --without-activity: the same load with the activity feature taken out (the baseline)


def built(app):
    if WITHOUT_ACTIVITY:
        app.core.features = tuple(f for f in app.core.features if f.name != "activity")
    return app


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def report(name: str, seconds: list[float], sent: int, elapsed: float, failures: int) -> None:
    ms = [x * 1000 for x in seconds]
    print(f"{name}: {sent} deliveries in {elapsed:.1f} s ({sent / elapsed:.0f}/s), {failures} failures; latency ms "
          f"p50 {statistics.median(ms):.1f}  p95 {percentile(ms, 95):.1f}  p99 {percentile(ms, 99):.1f}  "
          f"max {max(ms):.1f}")


def cpu_note(cpu: float, deliveries: int, what: str) -> None:
    """CPU time is what a machine shared with other work inflates least: the capacity on free cores."""
    print(f"  process CPU {cpu * 1000 / deliveries:.2f} ms per delivery ({what}; {os.cpu_count()} cores)")


async def counters(app) -> tuple[int, int]:
    async with app.engine.connect() as connection:
        rows, messages = (await connection.execute(sql(
            "SELECT count(*), coalesce(sum(messages), 0) FROM member_day_activity"))).one()
    return int(rows), int(messages)


# -- Slack ---------------------------------------------------------------------------------------------------------

async def slack(url_db: str, rate: float, seconds: float) -> None:
    from adapters.slack.service import SlackService, SlackTokens

    async with FakeSlack() as fake:
        for i in range(PEOPLE):
            fake.add_user(f"U{i:05d}", f"p{i}")
        config = Config(database=DatabaseConfig(url=url_db),
                        slack=SlackConfig(enabled=True, mode="http", api_base_url=fake.api_base),
                        communities=[CommunityConfig(name="Bench", slack=[sp.TEAM_ID])])
        app = built(await build(config))
        service = SlackService(app.core, config.slack, SlackTokens("xoxb-bench", SECRET))
        await service.check_token()
        app.outbound.add("slack", service.outbound)
        port = await service.serve_http("127.0.0.1", 0)
        url = f"http://127.0.0.1:{port}{config.slack.path}"
        try:
            await asyncio.to_thread(asyncio.run, slack_load(url, PEOPLE, 0, 1, 0))  # first appearances
            before = await counters(app)
            cpu = time.process_time()
            latencies, failures, distinct, elapsed = await asyncio.to_thread(
                asyncio.run, slack_load(url, int(rate * seconds), rate, 200, PEOPLE))
            cpu = time.process_time() - cpu
            await service.background.drain(timeout=30)
            rows, messages = await counters(app)
            report(f"slack ({rate:.0f}/s)", latencies, len(latencies), elapsed, failures)
            cpu_note(cpu, len(latencies), "the load client included")
            print(f"  counted {messages - before[1]} messages for {distinct} distinct events "
                  f"({len(latencies) - distinct} retries); member-day rows {rows}")
        finally:
            await service.stop()
            await app.close()


async def slack_load(url: str, total: int, rate: float, in_flight: int, first: int):
    latencies: list[float] = []
    failures = 0
    bodies = []
    for n in range(total):
        event = sp.message(f"U{n % PEOPLE:05d}", "a message", ts=f"1700000000.{first + n:06d}")
        body = sp.event_body(event, event_id=f"Ev{first + n:08d}")
        bodies.append((body, {}))
        if rate and n % RETRY_EVERY == RETRY_EVERY - 1:
            bodies.append((body, sp.retry_headers(1)))
    connector = aiohttp.TCPConnector(limit=in_flight)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=10)) as http:

        async def one(body: bytes, extra: dict, due: float) -> None:
            nonlocal failures
            try:
                async with http.post(url, data=body, headers={**sp.sign(body, SECRET), **extra}) as resp:
                    await resp.read()
                    failures += resp.status != 200
            except Exception:  # noqa: BLE001 - a benchmark counts failures
                failures += 1
            latencies.append(time.perf_counter() - due)

        start = time.perf_counter()
        if not rate:  # one at a time
            for body, extra in bodies:
                await one(body, extra, time.perf_counter())
            return latencies, failures, total, time.perf_counter() - start
        tasks = []
        per = len(bodies) / total * rate  # the retries come on top of `rate` distinct events a second
        for i, (body, extra) in enumerate(bodies):
            due = start + i / per
            if (delay := due - time.perf_counter()) > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.ensure_future(one(body, extra, due)))
        await asyncio.wait_for(asyncio.gather(*tasks), 60)
        return latencies, failures, total, time.perf_counter() - start


# -- Discord -------------------------------------------------------------------------------------------------------

class Gateway:
    """The fake Discord on its own loop in a thread; copbot's loop asks it to send dispatches."""

    def __init__(self) -> None:
        self.ready = threading.Event()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.fake: FakeDiscord | None = None
        self.stopping: asyncio.Event | None = None

    def run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self.loop, self.stopping = asyncio.get_running_loop(), asyncio.Event()
        async with FakeDiscord() as fake:
            self.fake = fake
            self.ready.set()
            await self.stopping.wait()

    def call(self, coroutine):
        return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, self.loop))

    async def send_paced(self, messages: list[dict], rate: float, due: dict[str, float]) -> float:
        start = time.perf_counter()
        for i, message in enumerate(messages):
            when = start + i / rate
            if (delay := when - time.perf_counter()) > 0:
                await asyncio.sleep(delay)
            due.setdefault(message["id"], when)
            await self.fake.dispatch("MESSAGE_CREATE", message)
        return time.perf_counter() - start


async def discord(url_db: str, rate: float, seconds: float) -> None:
    from adapters.discord import gateway as discord_gateway
    from adapters.discord.client import make_client

    gateway = Gateway()
    thread = threading.Thread(target=gateway.run, daemon=True)
    thread.start()
    gateway.ready.wait(10)
    config = Config(database=DatabaseConfig(url=url_db), discord=DiscordConfig(enabled=True, guild_ids=[dp.GUILD_ID]),
                    communities=[CommunityConfig(name="Bench", discord=[dp.GUILD_ID])])
    app = built(await build(config))
    with tempfile.TemporaryDirectory() as tmp:
        client = make_client(app.core, api_base=gateway.fake.api_base, guild_ids=[dp.GUILD_ID],
                             sync_state=Path(tmp) / "sync.json", guild_ready_timeout=0.05)
        app.outbound.add("discord", client.outbound)
        done: dict[str, float] = {}
        waiting: dict[str, asyncio.Future] = {}
        expected, finished = [0], asyncio.Event()
        original = client.gateway_events._run

        async def timed(event) -> None:
            await original(event)
            message_id = event.place.message_id
            done.setdefault(str(message_id), time.perf_counter())
            if (future := waiting.pop(str(message_id), None)) is not None and not future.done():
                future.set_result(None)
            if expected[0] and len(done) >= expected[0]:
                finished.set()

        client.gateway_events._run = timed
        running = asyncio.create_task(client.start("bench-token"))
        try:
            await asyncio.wait_for(client.wait_until_ready(), 10)
            people = [dp.user(str(USERS + i), f"member{i}") for i in range(PEOPLE)]
            for person in people:  # first appearances, one at a time
                message = dp.message_create("", author=person)
                waiting[message["id"]] = asyncio.get_running_loop().create_future()
                await gateway.call(gateway.fake.dispatch("MESSAGE_CREATE", message))
                await asyncio.wait_for(waiting[message["id"]], 10)
            before = await counters(app)
            total = int(rate * seconds)
            messages = []
            for n in range(total):
                message = dp.message_create("", author=people[n % PEOPLE])
                messages.append(message)
                if n % RETRY_EVERY == RETRY_EVERY - 1:
                    messages.append(message)  # a replayed dispatch: the same message id
            due: dict[str, float] = {}
            done.clear()
            expected[0] = total
            cpu = time.process_time()
            elapsed = await gateway.call(gateway.send_paced(messages, len(messages) / total * rate, due))
            try:
                await asyncio.wait_for(finished.wait(), 30)
            except TimeoutError:
                pass  # reported as failures: messages never committed
            cpu = time.process_time() - cpu
            latencies = [done[i] - due[i] for i in due if i in done]
            rows, counted = await counters(app)
            report(f"discord ({rate:.0f}/s)", latencies, len(messages), elapsed, total - len(latencies))
            cpu_note(cpu, len(messages), "the fake gateway included")
            print(f"  counted {counted - before[1]} messages for {total} distinct messages "
                  f"({len(messages) - total} replays); member-day rows {rows}")
        finally:
            await client.close()
            await asyncio.wait_for(running, 5)
            await app.close()
            discord_gateway.reset()
            gateway.loop.call_soon_threadsafe(gateway.stopping.set)
            thread.join(5)


# -- the core alone: what one message costs, with and without the counter ----------------------------------------

async def core_cost(url_db: str, rate: float, seconds: float) -> None:
    """MessagePosted straight into Core.handle_event, one at a time: wall and CPU time per message (the CPU time is
    what a loaded machine does not inflate much), with the activity counter and with the activity feature removed."""
    from bot.events import MessagePosted
    from bot.identity import MemberRef, Person, Place

    app = await build(Config(database=DatabaseConfig(url=url_db),
                             communities=[CommunityConfig(name="Bench", slack=[sp.TEAM_ID])]))
    people = [Person(MemberRef("slack", sp.TEAM_ID, f"U{i:05d}"), f"p{i}") for i in range(PEOPLE)]
    place = Place("slack", sp.TEAM_ID, sp.CHANNEL_ID)
    serial = iter(range(10**9))

    async def run(n: int) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        for i in range(n):
            await app.core.handle_event(MessagePosted(people[i % PEOPLE], place, f"Ev{next(serial)}", text="hi"))
        return (time.perf_counter() - wall) / n * 1000, (time.process_time() - cpu) / n * 1000

    try:
        await run(PEOPLE)  # first appearances
        everything = app.core.features
        n = int(rate * seconds) // 2
        for label, features in (("with the activity counter", everything),
                                ("without the activity feature", tuple(f for f in everything
                                                                       if f.name != "activity")),
                                ("with the activity counter (again)", everything)):
            app.core.features = features
            wall, cpu = await run(n)
            print(f"  core, one at a time, {label}: {wall:.2f} ms wall, {cpu:.2f} ms CPU per message "
                  f"(= {1000 / cpu:.0f}/s on one free core)")
        app.core.features = everything
        print(f"  member-day rows {(await counters(app))[0]}")
    finally:
        await app.close()


async def main(rate: float, seconds: float, pg: str | None, only: str | None) -> None:
    for name, run in (("slack", slack), ("discord", discord), ("core", core_cost)):
        if only and only != name:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            url = await create_database(pg, f"copbot_bench_messages_{name}") if pg else f"sqlite+aiosqlite:///{tmp}/b.db"
            try:
                print(f"[{'PostgreSQL' if pg else 'SQLite'}] {name}")
                await run(url, rate, seconds)
            finally:
                if pg:
                    await drop_database(pg, f"copbot_bench_messages_{name}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=200.0, help="distinct messages per second (default 200)")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long to send (default 10)")
    parser.add_argument("--pg", help="a PostgreSQL server URL (a scratch database is made there)")
    parser.add_argument("--without-activity", action="store_true",
                        help="the baseline: the same load with the activity feature taken out")
    parser.add_argument("--only", choices=("slack", "discord", "core"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("discord").setLevel(logging.ERROR)
    logging.getLogger("tests.fakes.discord_fake").setLevel(logging.ERROR)
    WITHOUT_ACTIVITY = args.without_activity
    asyncio.run(main(args.rate, args.seconds, args.pg, args.only))
