"""Fixtures for Slack adapter tests: a local FakeSlack, a real Bolt AsyncApp wired to it, and Bolt served over HTTP
inside the test's own event loop."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

# tests/ has no __init__.py files; make `tests.fakes` importable when pytest is run as a script.
_ROOT = str(Path(__file__).resolve().parents[3])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tests.fakes.patience import PATIENCE  # noqa: E402
from tests.fakes.slack_fake import FakeSlack  # noqa: E402

SIGNING_SECRET = "secret"
BOT_TOKEN = "xoxb-test"


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
async def bolt_app(fake_slack: FakeSlack) -> AsyncApp:
    client = AsyncWebClient(token=BOT_TOKEN, base_url=fake_slack.api_base)
    # token= is not passed as well: with client= given, Bolt would ignore it and log a warning.
    return AsyncApp(client=client, signing_secret=SIGNING_SECRET, process_before_response=True)


@pytest.fixture
async def bolt_url(bolt_app: AsyncApp) -> AsyncIterator[str]:
    """Serve the app the way copbot does: Bolt's aiohttp Application on our own runner, in our loop.

    ``app.web_app(path, port)`` only builds (and caches) an ``aiohttp.web.Application`` whose single route is
    ``POST path``; ``port`` is bookkeeping, nothing is bound. Binding is ours: AppRunner + TCPSite, port 0.
    """
    runner = web.AppRunner(bolt_app.web_app(path="/slack/events"))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}/slack/events"
    finally:
        await runner.cleanup()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=PATIENCE)) as session:
        yield session


# ---------------------------------------------------------------- copbot's own Slack adapter on a real store

from tests.adapters.slack.rig import SlackRig, copbot_config  # noqa: E402


@pytest.fixture
async def make_rig(tmp_path, fake_slack: FakeSlack, http):
    """`await make_rig(extra_specs=(...))`: copbot built on a SQLite file (or the store at `url`), its Slack
    adapter served over HTTP. Two rigs made in one test share the store, like a restarted process."""
    from adapters.app.bootstrap import build
    from adapters.slack.service import SlackService, SlackTokens

    started: list = []

    async def make(extra_specs=(), socket: bool = False, url: str | None = None, features=()) -> SlackRig:
        config = copbot_config(tmp_path, fake_slack.api_base, url)
        app = await build(config)
        for spec in extra_specs:
            app.core.book.add(spec)
        # before the service registers its listeners; a test feature stands in for one declaring the same action
        taken = {a for f in features for a in f.message_actions}
        kept = tuple(f for f in app.core.features if not taken & set(f.message_actions))
        app.core.features = (*kept, *features)
        service = SlackService(app.core, config.slack, SlackTokens(BOT_TOKEN, SIGNING_SECRET, "xapp-test"))
        started.append((app, service))
        await service.check_token()
        app.outbound.add("slack", service.outbound)
        if socket:
            await service.connect_socket()
            await fake_slack.wait_for_socket_client()
            return SlackRig(app, service, fake_slack, http, "")
        port = await service.serve_http("127.0.0.1", 0)
        return SlackRig(app, service, fake_slack, http, f"http://127.0.0.1:{port}{config.slack.path}")

    yield make
    for app, service in reversed(started):
        await service.stop()
        await app.close()


@pytest.fixture
async def rig(make_rig) -> SlackRig:
    return await make_rig()

