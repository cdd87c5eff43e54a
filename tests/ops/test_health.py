"""GET /healthz: 200 when the process, the database and every chat adapter are fine; 503 naming what is not."""

from __future__ import annotations

import asyncio
import os

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.app.bootstrap import build
from adapters.metrics import PrometheusObserver
from tests.conftest import PG_URL, make_config, require_postgres
from tests.fakes.console import ConsoleDriver
from tests.fakes.postgres import create_database, drop_database
from tests.ops.conftest import serve


async def test_healthy_bot_answers_200_naming_each_part(served):
    status, body = await served.healthz()
    assert status == 200
    assert body == {"status": "ok", "failing": [], "checks": {"process": "ok", "database": "ok"}}


@pytest.mark.postgres
async def test_healthz_turns_503_while_postgres_refuses_connections_and_200_when_it_is_back(http, clock):
    await require_postgres()
    name = f"copbot_ops_health_{os.getpid()}"
    admin = create_async_engine(PG_URL, isolation_level="AUTOCOMMIT")

    async def allow_connections(allowed: bool) -> None:
        async with admin.connect() as connection:
            await connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}'))
            if not allowed:  # and drop the ones copbot's pool holds, as a server restart would
                await connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                              "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})

    app = await build(make_config(await create_database(PG_URL, name)), clock=clock,
                      observer=PrometheusObserver())
    served = await serve(app, http)
    try:
        await ConsoleDriver(app).say(":as alice", "/kudos @bob thanks")
        assert (await served.healthz())[0] == 200

        await allow_connections(False)
        status, body = await served.healthz()
        assert status == 503, body
        assert body["status"] == "failing" and body["failing"] == ["database"]
        assert body["checks"]["process"] == "ok" and body["checks"]["database"].startswith("failing")
        # /metrics still answers (the backlog cannot be read; the counters are still worth having)
        samples = await served.metrics()
        assert samples[("copbot_commands_total", (("command", "kudos"), ("outcome", "handled"),
                                                  ("platform", "console")))] == 1

        await allow_connections(True)
        status, body = await served.healthz()
        assert status == 200 and body["failing"] == [], body
    finally:
        await allow_connections(True)
        await served.health.stop()
        await app.close()
        await admin.dispose()
        await drop_database(PG_URL, name)


async def test_a_disconnected_adapter_is_named(served):
    connected = {"slack": True, "discord": True}

    def check(name):
        async def is_connected() -> bool:
            return connected[name]
        return is_connected

    for name in connected:
        served.health.watch(name, check(name))
    assert (await served.healthz())[0] == 200
    connected["discord"] = False
    status, body = await served.healthz()
    assert status == 503 and body["failing"] == ["discord"] and body["checks"]["slack"] == "ok"


async def test_a_probe_that_hangs_is_reported_and_not_piled_up(served):
    """A stuck database must not make every scrape open one more connection: the probe in flight is
    awaited again rather than started anew, and never cancelled."""
    release = asyncio.Event()
    calls = []

    async def stuck() -> bool:
        calls.append(1)
        await release.wait()
        return True

    served.health.timeout = 0.2
    served.health.watch("database", stuck)
    for _ in range(3):
        status, body = await served.healthz()
        assert status == 503 and body["failing"] == ["database"] and "no answer" in body["checks"]["database"]
    assert len(calls) == 1
    release.set()
    assert (await served.healthz())[0] == 200


async def test_a_stopping_process_says_so(served):
    served.health.stopping = True
    status, body = await served.healthz()
    assert status == 503 and body["failing"] == ["process"] and body["checks"]["process"] == "stopping"


async def test_slack_socket_mode_dropping_its_connection_turns_healthz_503(served, clock):
    """The real Slack adapter's probe: connected over FakeSlack's Socket Mode WebSocket, then the far end
    goes away (and reconnecting fails)."""
    from adapters.app.config import SlackConfig
    from adapters.slack.service import SlackService, SlackTokens
    from tests.fakes.slack_fake import FakeSlack

    fake = await FakeSlack().start()
    service = SlackService(served.app.core, SlackConfig(enabled=True, api_base_url=fake.api_base),
                           SlackTokens("xoxb-test", None, "xapp-test"))
    served.health.watch("slack", service.connected)
    try:
        await service.connect_socket()
        await fake.wait_for_socket_client()
        status, body = await served.healthz()
        assert status == 200 and body["checks"]["slack"] == "ok"

        await fake.stop()
        for _ in range(50):
            status, body = await served.healthz()
            if status == 503:
                break
            await asyncio.sleep(0.1)
        assert status == 503 and body["failing"] == ["slack"], body
    finally:
        await service.stop()
        await fake.stop()
