"""Must-show: the real `copbot run` process, in HTTP mode and in Socket Mode, against FakeSlack.

A signed /kudos from a plain HTTP client (or over the Socket Mode WebSocket) is acknowledged with the thanks, and
the announcement for the kudos channel goes out through the outbox to FakeSlack's Web API."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from pathlib import Path

import pytest

from tests.fakes import slack_payloads as sp
from tests.fakes.slack_fake import FakeSlack

COPBOT = str(Path(sys.executable).with_name("copbot"))
ROOT = str(Path(__file__).resolve().parents[3])
SECRET = "process-secret"
KUDOS_CHANNEL = "C0KUDOS"
START_TIMEOUT = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Copbot:
    """`copbot run` as a child process; its log lines are read as they come, so the pipe never fills."""

    def __init__(self, proc: asyncio.subprocess.Process):
        self.proc = proc
        self.lines: list[str] = []
        self._changed = asyncio.Event()
        self._reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        async for raw in self.proc.stderr:
            self.lines.append(raw.decode(errors="replace").rstrip())
            self._changed.set()
        self._changed.set()

    async def wait_for_line(self, marker: str, timeout: float = START_TIMEOUT) -> None:  # noqa: ASYNC109
        async def wait() -> None:
            while not any(marker in line for line in self.lines):
                if self.proc.returncode is not None or self._reader.done():
                    raise AssertionError("copbot exited:\n" + "\n".join(self.lines[-30:]))
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(wait(), timeout)

    async def stop(self) -> int:
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(self.proc.wait(), 15)
        except TimeoutError:
            self.proc.kill()
            code = await self.proc.wait()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._reader, 5)
        return code


async def start_copbot(tmp_path, fake: FakeSlack, mode: str, *, env_overrides: dict | None = None,
                       port: int | None = None) -> Copbot:
    config = tmp_path / "copbot.toml"
    config.write_text(f"""
[slack]
enabled = true
mode = "{mode}"
port = {port or free_port()}
path = "/slack/events"
api_base_url = "{fake.api_base}"

[[communities]]
name = "Process test"
slack = ["{sp.TEAM_ID}"]
settings = {{ kudos_channel = "{KUDOS_CHANNEL}" }}
""")
    env = {**os.environ, "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET,
           "SLACK_APP_TOKEN": "xapp-test", "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/copbot.db",
           "COPBOT_LOG_LEVEL": "INFO", "PYTHONPATH": ROOT}
    env.update(env_overrides or {})
    env = {k: v for k, v in env.items() if v is not None}
    proc = await asyncio.create_subprocess_exec(COPBOT, "run", "--config", str(config), env=env,
                                                stdin=asyncio.subprocess.DEVNULL,
                                                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    return Copbot(proc)


def assert_announced(fake: FakeSlack, post) -> None:
    assert post.params["channel"] == KUDOS_CHANNEL and "gave kudos to bob" in post.params["text"]
    assert post.token == "xoxb-test"


async def test_http_mode_serves_a_signed_slash_command_and_posts_to_the_api_base(tmp_path, fake_slack, http):
    port = free_port()
    copbot = await start_copbot(tmp_path, fake_slack, "http", port=port)
    try:
        await copbot.wait_for_line("copbot is running")
        body = sp.slash_command_body("/kudos", "<@U0BOB|bob> thanks for the audit")
        async with http.post(f"http://127.0.0.1:{port}/slack/events", data=body,
                             headers=sp.sign(body, SECRET)) as resp:
            assert resp.status == 200
            ack = await resp.json()
        assert ack["response_type"] == "ephemeral" and "announced in the kudos channel" in ack["text"]
        assert_announced(fake_slack, await fake_slack.wait_for_call("chat.postMessage", timeout=15))
        async with http.post(f"http://127.0.0.1:{port}/slack/events", data=body,
                             headers=sp.sign(body, "forged")) as resp:
            assert resp.status == 401
    finally:
        assert await copbot.stop() == 0


async def test_socket_mode_serves_a_slash_command_over_the_websocket(tmp_path, fake_slack):
    copbot = await start_copbot(tmp_path, fake_slack, "socket")
    try:
        await copbot.wait_for_line("copbot is running")
        await fake_slack.wait_for_socket_client(timeout=5)
        env = sp.socket_envelope("slash_commands", sp.slash_command("/kudos", "<@U0BOB|bob> thanks"))
        ack = await fake_slack.wait_for_ack(await fake_slack.socket_send(env), timeout=10)
        assert "announced in the kudos channel" in ack["payload"]["text"]
        assert_announced(fake_slack, await fake_slack.wait_for_call("chat.postMessage", timeout=15))
        assert fake_slack.calls_to("apps.connections.open")[0].token == "xapp-test"
    finally:
        assert await copbot.stop() == 0


@pytest.mark.parametrize(("mode", "missing"), [("http", "SLACK_SIGNING_SECRET"), ("socket", "SLACK_APP_TOKEN")])
async def test_a_missing_token_stops_start_up_with_one_line_naming_it(tmp_path, fake_slack, mode, missing):
    copbot = await start_copbot(tmp_path, fake_slack, mode, env_overrides={missing: None})
    code = await asyncio.wait_for(copbot.proc.wait(), START_TIMEOUT)
    await asyncio.wait_for(copbot._reader, 5)
    assert code == 2
    errors = [line for line in copbot.lines if line.startswith("copbot:")]
    assert errors == [f'copbot: config error: [slack] mode = "{mode}" needs the environment variable {missing}']
    assert not any("xoxb-test" in line for line in copbot.lines)
