"""Starting and stopping the Slack adapter inside copbot's event loop.

HTTP mode serves Bolt behind copbot's gate (adapters/slack/gate.py: limits, timeouts, early refusals) on our own
AppRunner (`[slack] port` and `path`), never the blocking `app.start()`, so Slack, Discord and the clock share one
loop. Socket Mode connects with the app-level
token through `app.client`, so `[slack] api_base_url` applies to `apps.connections.open` as well.
Tokens come from the environment only and are never logged."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.app.config import ConfigError, SlackConfig, StartupError, secret
from adapters.slack.background import Background
from adapters.slack.events import SlackEvents
from adapters.slack.gate import IDLE_TIMEOUT, LINGER, SlackGate
from adapters.slack.interactions import SlackInteractions
from adapters.slack.listeners import register
from adapters.slack.outbound import SlackOutbound, retry_handlers
from adapters.slack.people import PLATFORM, SlackPeople
from bot.core import Core
from bot.identity import BotIdentity

log = logging.getLogger("copbot.slack")

BOT_TOKEN, SIGNING_SECRET, APP_TOKEN = "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"
CONNECT_TIMEOUT = 30.0
LOOKUP_TIMEOUT = 10.0  # one profile lookup in the background, at most (answers never wait for it past the budget)


@dataclass(frozen=True)
class SlackTokens:
    bot: str
    signing_secret: str | None = None
    app: str | None = None

    def __repr__(self) -> str:  # never print a token by accident
        return "SlackTokens(***)"

    @classmethod
    def from_env(cls, mode: str) -> SlackTokens:
        needed = [BOT_TOKEN, SIGNING_SECRET if mode == "http" else APP_TOKEN]
        for name in needed:
            if not secret(name):
                raise ConfigError(f"[slack] mode = \"{mode}\" needs the environment variable {name}")
        return cls(secret(BOT_TOKEN), secret(SIGNING_SECRET), secret(APP_TOKEN))


class SlackService:
    """The running adapter: the Bolt app, its outbound port, and whichever transport serves it."""

    def __init__(self, core: Core, config: SlackConfig, tokens: SlackTokens):
        self.core = core
        self.config = config
        self.tokens = tokens
        self.client = AsyncWebClient(token=tokens.bot, base_url=config.api_base_url)
        self.client.retry_handlers.extend(retry_handlers())
        self.bolt = AsyncApp(client=self.client, signing_secret=tokens.signing_secret or "",
                             process_before_response=True)
        self.session = aiohttp.ClientSession()
        self.background = Background()
        # Profile lookups happen before Slack is answered: their own client has a timeout and no rate-limit
        # retry handler (a 429 pauses lookups instead of sleeping through Retry-After).
        self.lookups = AsyncWebClient(token=tokens.bot, base_url=config.api_base_url, timeout=LOOKUP_TIMEOUT)
        self.people = SlackPeople(self.lookups)
        self.outbound = SlackOutbound(self.client, self.session)
        register(self.bolt, core, SlackInteractions(core, self.people, self.outbound, self.background),
                 SlackEvents(core, self.people, self.outbound, self.background))
        self._runner: web.AppRunner | None = None
        self._socket: AsyncSocketModeHandler | None = None

    async def check_token(self) -> None:
        try:
            auth = await self.client.auth_test()
        except SlackApiError as error:
            if error.response.status_code == 429:
                wait = error.response.headers.get("Retry-After", "a few")
                raise StartupError(f"Slack rate-limited copbot's start-up check of {BOT_TOKEN} (HTTP 429, retry "
                                   f"after {wait} s); the token was not refused: start again in a minute") from None
            raise ConfigError(f"Slack refused {BOT_TOKEN}: {error.response.get('error')}") from None
        self.people.bot_user_id = auth.get("user_id")
        if auth.get("user_id"):
            await self.core.communities.know_bot(BotIdentity(PLATFORM, auth["user_id"], auth.get("user") or "copbot"))
        log.info("Slack: connected to workspace %s as %s", auth.get("team"), auth.get("user"))

    async def serve_http(self, host: str = "0.0.0.0", port: int | None = None,
                         routes: Sequence[web.RouteDef] = ()) -> int:
        """Serve Bolt's aiohttp app (and `routes`: /healthz, /metrics); returns the bound port (pass port=0
        for any free one)."""
        path = self.config.path
        port = self.config.port if port is None else port
        gate = SlackGate(self.bolt, self.tokens.signing_secret or "")
        web_app = gate.web_app(path)
        web_app.add_routes(routes)
        self._runner = web.AppRunner(web_app, access_log=None, keepalive_timeout=IDLE_TIMEOUT,
                                     lingering_time=LINGER)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        bound = self._runner.addresses[0][1]
        log.info("Slack HTTP mode: listening on %s:%s%s", host, bound, path)
        return bound

    async def connect_socket(self) -> None:
        self._socket = AsyncSocketModeHandler(self.bolt, self.tokens.app)
        try:
            await asyncio.wait_for(self._socket.connect_async(), CONNECT_TIMEOUT)
        except TimeoutError:
            raise ConfigError(f"could not open a Slack Socket Mode connection in {CONNECT_TIMEOUT:.0f} s "
                              f"(check {APP_TOKEN} and [slack] api_base_url)") from None
        log.info("Slack Socket Mode: connected")

    async def connected(self) -> bool:
        """For /healthz: Socket Mode's WebSocket is open, or HTTP mode is serving."""
        if self._socket is not None:
            return await self._socket.client.is_connected()
        return self._runner is not None

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close_async()
        if self._runner is not None:
            await self._runner.cleanup()
        await self.background.drain()
        await self.people.close()
        await self.session.close()


async def start_slack(app, config, routes: Sequence[web.RouteDef] = ()) -> SlackService:
    """Called by adapters.app.runner: returns the running service (it has `async stop()`). HTTP mode also
    serves `routes`."""
    tokens = SlackTokens.from_env(config.slack.mode)
    service = SlackService(app.core, config.slack, tokens)
    try:
        await service.check_token()
        app.outbound.add(PLATFORM, service.outbound)
        if config.slack.mode == "http":
            await service.serve_http(routes=routes)
        else:
            await service.connect_socket()
    except BaseException:
        await service.stop()
        raise
    return service
