"""Where discord.py talks to: the REST API base, the gateway URL, and the intents copbot asks for.

discord.py 2.7 keeps both addresses in class attributes, so they are process-wide: one process talks to one Discord.

* REST: every ``discord.http.Route`` builds its URL from ``Route.BASE`` when it is constructed.
* Gateway: a plain ``discord.Client`` never asks ``GET /gateway``; ``Client.connect`` calls
  ``DiscordWebSocket.from_client`` without a URL, which falls back to ``DiscordWebSocket.DEFAULT_GATEWAY``
  (``wss://gateway.discord.gg/``).  Only ``AutoShardedClient`` without a shard count looks the URL up
  (``GET /gateway/bot``).  Later the client reconnects to READY's ``resume_gateway_url``, and after an invalidated
  session it falls back to ``DEFAULT_GATEWAY`` again.

The seam chosen here is therefore to *look the gateway up* (``GET {api_base}/gateway``, as Discord documents it) and
set ``DEFAULT_GATEWAY`` to the answer before ``connect``.  Why not something else: ``Client`` has no gateway
parameter; overriding ``Client.connect`` would copy its whole reconnect loop; the module-level ``DiscordWebSocket``
name is looked up inside ``discord.client``, so a subclass of it would need monkeypatching a module; whereas
``DEFAULT_GATEWAY`` is the class attribute discord.py itself reads on every fresh IDENTIFY, the same kind of knob as
``Route.BASE``.  :class:`ApiBaseMixin` wires both into the public ``login``/``connect`` coroutines that ``start``
calls, so a bot only passes ``api_base=...``; without it (production) nothing is changed.
"""

from __future__ import annotations

from typing import Any

import aiohttp
import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import HTTPClient, Route

DISCORD_API_BASE = "https://discord.com/api/v10"
DISCORD_GATEWAY = "wss://gateway.discord.gg/"


def point_at(api_base: str) -> None:
    """Send every later discord.py REST request to ``api_base`` (e.g. ``http://127.0.0.1:8080/api/v10``).

    Routes built before the call keep the old base, so call this before ``login``.
    """
    Route.BASE = api_base.rstrip("/")


def use_gateway(url: str) -> None:
    """Connect fresh gateway sessions to ``url`` instead of ``wss://gateway.discord.gg/``."""
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)


def reset() -> None:
    """Back to the real Discord (tests call this when they are done with a fake)."""
    Route.BASE = DISCORD_API_BASE
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(DISCORD_GATEWAY)


async def lookup_gateway(http: HTTPClient | aiohttp.ClientSession | None, api_base: str) -> str:
    """``GET {api_base}/gateway`` and return its ``url``.

    ``http`` may be the client's ``discord.http.HTTPClient`` (``client.http``: its session, rate limits and
    retries), an ``aiohttp.ClientSession``, or ``None`` for a short-lived session.  The endpoint needs no token.
    """
    url = f"{api_base.rstrip('/')}/gateway"
    if isinstance(http, HTTPClient):
        route = Route("GET", "/gateway")
        route.url = url  # independent of Route.BASE at call time
        data: Any = await http.request(route)
    elif http is not None:
        async with http.get(url) as response:
            response.raise_for_status()
            data = await response.json()
    else:
        async with aiohttp.ClientSession() as session:
            return await lookup_gateway(session, api_base)
    try:
        return data["url"]
    except (KeyError, TypeError):
        raise discord.GatewayNotFound() from None


class ApiBaseMixin:
    """Mix into a ``discord.Client`` (or ``commands.Bot``) to run it against another API base.

        class CopClient(ApiBaseMixin, discord.Client): ...
        client = CopClient(intents=intents_for(False), api_base=fake.api_base)
        await client.start(token)

    ``api_base=None`` (the default) leaves discord.py pointed at the real Discord.
    """

    def __init__(self, *args: Any, api_base: str | None = None, **kwargs: Any) -> None:
        self.api_base = api_base
        super().__init__(*args, **kwargs)

    async def login(self, token: str) -> None:
        if self.api_base is not None:
            point_at(self.api_base)
        await super().login(token)  # type: ignore[misc]

    async def connect(self, *, reconnect: bool = True) -> None:
        if self.api_base is not None:
            use_gateway(await lookup_gateway(self.http, self.api_base))  # type: ignore[attr-defined]
        await super().connect(reconnect=reconnect)  # type: ignore[misc]


def intents_for(message_content: bool) -> discord.Intents:
    """The gateway intents copbot needs.

    guilds (channels, roles), members (privileged: joins for welcomes, member lookups), guild messages (threads,
    answers) and guild reactions (solutions, kudos by emoji).  ``message_content`` is privileged too and only asked
    for when a community enables features that read message text: a privileged intent that is not switched on in
    the Developer Portal makes the gateway close with 4014 and the bot does not start.
    """
    intents = discord.Intents.none()
    intents.guilds = True
    intents.members = True
    intents.guild_messages = True
    intents.guild_reactions = True
    intents.message_content = message_content
    return intents
