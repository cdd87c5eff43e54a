"""GET /metrics: what an operator graphs. Commands by name, platform and outcome, handler latency, errors,
events deduplicated, the outbox backlog and how late messages went out, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from adapters.app.bootstrap import build
from adapters.app.config import SlackConfig
from adapters.metrics import PrometheusObserver
from adapters.slack.service import SlackService, SlackTokens
from bot.context import message_payload
from bot.events import MessagePosted
from bot.identity import ChannelTarget, MemberRef, Person, Place
from bot.reply import Reply
from tests.conftest import make_config
from tests.fakes import slack_payloads as sp
from tests.fakes.console import ConsoleDriver
from tests.fakes.slack_fake import FakeSlack

HANDLED = ("copbot_commands_total", (("command", "kudos"), ("outcome", "handled"), ("platform", "console")))
REFUSED = ("copbot_commands_total", (("command", "kudos"), ("outcome", "refused"), ("platform", "console")))
LATENCY_COUNT = ("copbot_command_seconds_count", (("command", "kudos"),))


async def test_a_command_through_the_console_is_counted_by_name_platform_and_outcome(served):
    console = ConsoleDriver(served.app)
    before = await served.metrics()
    assert HANDLED not in before and LATENCY_COUNT not in before

    await console.say(":as alice", "/kudos @bob thanks for the audit", "/kudos @alice me again")  # self-kudos

    after = await served.metrics()
    assert after[HANDLED] == 1 and after[REFUSED] == 1
    assert after[LATENCY_COUNT] == 2
    assert 0 < after[("copbot_command_seconds_sum", (("command", "kudos"),))] < 10


async def test_an_unknown_command_is_counted_under_unknown_never_what_was_typed(served):
    console = ConsoleDriver(served.app)
    await console.say("/frobnicate-secret-plans now")
    samples = await served.metrics()
    assert samples[("copbot_commands_total", (("command", "unknown"), ("outcome", "refused"),
                                              ("platform", "console")))] == 1
    assert not any("frobnicate" in str(key) for key in samples)


async def test_a_failing_command_counts_an_error(served):
    async def broken(cmd, ctx):
        raise RuntimeError("a bug")

    book = served.app.core.book
    book.specs["leaderboard"] = replace(book.specs["leaderboard"], handler=broken)
    await ConsoleDriver(served.app).say("/leaderboard")
    samples = await served.metrics()
    assert samples[("copbot_errors_total", (("where", "command"),))] == 1
    assert samples[("copbot_commands_total", (("command", "leaderboard"), ("outcome", "error"),
                                              ("platform", "console")))] == 1


async def test_a_retried_platform_event_is_counted_as_deduplicated(served):
    alice = Person(MemberRef("console", "local", "alice"), "alice")
    event = MessagePosted(alice, Place("console", "local", "general", "m1"), "Ev0001", text="hello")
    await served.app.core.handle_event(event)
    assert ("copbot_events_deduplicated_total", (("platform", "console"),)) not in await served.metrics()
    await served.app.core.handle_event(event)
    samples = await served.metrics()
    assert samples[("copbot_events_deduplicated_total", (("platform", "console"),))] == 1


async def test_outbox_backlog_oldest_due_age_and_dispatch_lag(served, clock):
    console = ConsoleDriver(served.app)  # the console is the outbound the dispatcher sends through
    async with served.app.core.uow_factory() as uow:
        for minutes in (5, 2):
            uow.outbox.add(None, "message", message_payload(ChannelTarget("console", "local", "general"),
                                                            Reply.public(f"due {minutes} min ago")),
                           due_at=clock.now() - timedelta(minutes=minutes))
        uow.outbox.add(None, "message", message_payload(ChannelTarget("console", "local", "general"),
                                                        Reply.public("not due yet")),
                       due_at=clock.now() + timedelta(hours=1))
        await uow.commit()

    samples = await served.metrics()
    assert samples[("copbot_outbox_due", ())] == 2
    assert samples[("copbot_outbox_oldest_due_age_seconds", ())] == 300

    await served.app.dispatcher.run_due()
    assert len(console.printed) == 2
    samples = await served.metrics()
    assert samples[("copbot_outbox_due", ())] == 0 and samples[("copbot_outbox_oldest_due_age_seconds", ())] == 0
    lag = (("kind", "message"),)
    assert samples[("copbot_dispatch_lag_seconds_count", lag)] == 2
    assert samples[("copbot_dispatch_lag_seconds_sum", lag)] == 420
    assert samples[("copbot_dispatch_lag_seconds_bucket", (*lag, ("le", "60.0")))] == 0
    assert samples[("copbot_dispatch_lag_seconds_bucket", (*lag, ("le", "300.0")))] == 2


async def test_each_app_counts_on_its_own_registry(served, sqlite_url, clock):
    other = await build(make_config(sqlite_url), clock=clock, observer=PrometheusObserver())
    try:
        await ConsoleDriver(other).say(":as carol", "/kudos @dan thanks")
        assert HANDLED not in await served.metrics()
    finally:
        await other.close()


async def test_slack_http_mode_serves_healthz_and_metrics_on_its_own_port(tmp_path, http, clock):
    """One port behind the load balancer: Bolt's routes and ours on the same aiohttp server."""
    from adapters.app.runner import health_server

    async with FakeSlack() as fake:
        config = make_config(f"sqlite+aiosqlite:///{tmp_path}/slack.db",
                             slack=SlackConfig(enabled=True, mode="http", api_base_url=fake.api_base))
        app = await build(config, clock=clock, observer=PrometheusObserver())
        service = SlackService(app.core, config.slack, SlackTokens("xoxb-test", "secret"))
        health = health_server(app, app.observer)
        health.watch("slack", service.connected)
        try:
            await service.check_token()
            port = await service.serve_http("127.0.0.1", 0, routes=health.routes())
            base = f"http://127.0.0.1:{port}"
            body = sp.slash_command_body("/kudos", "<@U0BOB|bob> thanks for the audit")
            async with http.post(f"{base}/slack/events", data=body, headers=sp.sign(body, "secret")) as response:
                assert response.status == 200
            async with http.get(f"{base}/healthz") as response:
                assert response.status == 200
                assert (await response.json())["checks"] == {"process": "ok", "database": "ok", "slack": "ok"}
            async with http.get(f"{base}/metrics") as response:
                text = await response.text()
            assert 'copbot_commands_total{command="kudos",outcome="handled",platform="slack"} 1.0' in text
        finally:
            await service.stop()
            await app.close()
