"""A copbot Slack adapter under test: signed requests in, Slack's answers and FakeSlack's records out."""

from __future__ import annotations

import json
from dataclasses import dataclass

import aiohttp

from adapters.app.config import CommunityConfig, Config, DatabaseConfig, SlackConfig
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_fake import FakeSlack

SECRET = "secret"
OWNER_ID = "U0OWNER"


def copbot_config(tmp_path, api_base: str, url: str | None = None, **slack) -> Config:
    return Config(
        database=DatabaseConfig(url=url or f"sqlite+aiosqlite:///{tmp_path}/copbot.db"),
        slack=SlackConfig(enabled=True, mode="http", api_base_url=api_base, **slack),
        communities=[CommunityConfig(name="Test community", slack=[sp.TEAM_ID],
                                     owners=[f"slack:{sp.TEAM_ID}:{OWNER_ID}"])],
    )


@dataclass
class SlackRig:
    app: object  # adapters.app.bootstrap.App
    service: object  # adapters.slack.service.SlackService
    fake: FakeSlack
    http: aiohttp.ClientSession
    url: str

    @property
    def core(self):
        return self.app.core

    async def post(self, body: bytes, headers: dict | None = None, **extra: str) -> tuple[int, str]:
        headers = headers or sp.sign(body, SECRET)
        async with self.http.post(self.url, data=body, headers={**headers, **extra}) as resp:
            return resp.status, await resp.text()

    async def command(self, command: str, text: str = "", **fields) -> dict:
        """A signed slash command; returns the acknowledgement's JSON body ({} for an empty ack)."""
        status, body = await self.post(sp.slash_command_body(command, text, **fields))
        assert status == 200, body
        return json.loads(body) if body.startswith("{") else ({"text": body} if body else {})

    async def line(self, line: str, **fields) -> dict:
        """`kudos <@U2> thanks` as /kudos with that text."""
        group, _, text = line.partition(" ")
        return await self.command(f"/{group}", text, **fields)

    async def event(self, event: dict, *, event_id: str | None = None, **headers: str) -> int:
        status, _ = await self.post(sp.event_body(event, event_id=event_id), **headers)
        return status

    async def interact(self, payload: dict) -> tuple[int, str]:
        return await self.post(sp.interactive_body(payload))

    async def drain(self) -> None:
        """Deliver what the outbox holds and what the adapter is posting in the background."""
        await self.app.dispatcher.run_due()
        await self.service.background.drain()

    def posted_texts(self, method: str = "chat.postMessage") -> list[str]:
        return [json.dumps(c.params.get("blocks")) + c.params.get("text", "") for c in self.fake.calls_to(method)]
