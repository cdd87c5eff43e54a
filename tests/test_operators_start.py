"""Start-up against the world outside copbot, as the real process meets it: a database that comes up late or refuses
the password, a Slack HTTP port already taken, Slack rate-limiting the start-up token check; and the operator
commands that print what to paste (the Slack manifest, the Discord invite URL)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys
from pathlib import Path

import pytest
import yaml
from sqlalchemy.engine import make_url

from adapters.app.config import StartupError
from adapters.app.database import check_sqlite_folder
from adapters.slack.manifest import declared_commands
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_fake import FakeSlack
from tests.test_cli import copbot
from tests.test_operators import one_line_error

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Finished:
    """What `subprocess.run` returns, for `one_line_error`."""

    def __init__(self, returncode: int, stdout: str, stderr: str):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


async def run_copbot(*args: str, env: dict, until_in_stderr: str | None = None, then=None) -> Finished:
    """Run the real CLI while this test's event loop serves fakes; call `then()` once stderr shows a marker."""
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | env
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "adapters.app.cli", *args, cwd=ROOT, env=environment,
                                                stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    stderr: list[str] = []

    async def read_stderr() -> None:
        async for raw in proc.stderr:
            stderr.append(raw.decode())
            if until_in_stderr and until_in_stderr in stderr[-1] and then is not None:
                await then()

    try:
        stdout, _ = await asyncio.wait_for(asyncio.gather(proc.stdout.read(), read_stderr()), TIMEOUT)
        return Finished(await proc.wait(), stdout.decode(), "".join(stderr))
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def answer_postgres_error(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, sqlstate: str,
                                message: str) -> None:
    """The server side of a PostgreSQL start-up that fails: decline TLS, then send one ErrorResponse."""
    while True:
        length = int.from_bytes(await reader.readexactly(4), "big")
        body = await reader.readexactly(length - 4)
        if body[:4] not in ((80877103).to_bytes(4, "big"), (80877104).to_bytes(4, "big")):  # SSL / GSS requests
            break
        writer.write(b"N")
    fields = b"SFATAL\0VFATAL\0C" + sqlstate.encode() + b"\0M" + message.encode() + b"\0\0"
    writer.write(b"E" + (len(fields) + 4).to_bytes(4, "big") + fields)
    await writer.drain()
    writer.close()


async def forward(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, port: int) -> None:
    upstream_reader, upstream_writer = await asyncio.open_connection(host, port)

    async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        sink.close()

    await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))


def config_file(tmp_path, text: str) -> str:
    path = tmp_path / "copbot.toml"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("store_url", ["postgres"], indirect=True)
async def test_a_database_that_comes_up_within_the_retry_window_is_used(tmp_path, store_url):
    """Containers start together: the database still refuses connections (nothing listens), then says it is
    starting up, then accepts. copbot waits for it instead of crashing."""
    real = make_url(store_url)
    port = free_port()
    url = real.set(drivername="postgresql", host="127.0.0.1", port=port).render_as_string(hide_password=False)
    servers: list[asyncio.Server] = []
    starting = {"left": 1}

    async def late_database(reader, writer) -> None:
        if starting["left"]:
            starting["left"] -= 1
            await answer_postgres_error(reader, writer, "57P03", "the database system is starting up")
        else:
            await forward(reader, writer, real.host, real.port or 5432)

    async def database_comes_up() -> None:
        if not servers:
            servers.append(await asyncio.start_server(late_database, "127.0.0.1", port))

    config = config_file(tmp_path, "[database]\nconnect_retry_seconds = 30\n")
    try:
        result = await run_copbot("db", "upgrade", "--config", config, env={"DATABASE_URL": url},
                                  until_in_stderr="trying again for up to 30 s", then=database_comes_up)
    finally:
        for server in servers:
            server.close()
    assert result.returncode == 0 and "schema up to date" in result.stdout, result.stderr
    assert starting["left"] == 0  # the "starting up" answer was retried too
    assert f"cannot reach the database at 127.0.0.1:{port} (connection refused)" in result.stderr


def test_the_retry_window_ends_in_one_line_saying_how_long_it_tried(tmp_path):
    url = f"postgresql://copbot@127.0.0.1:{free_port()}/copbot"
    result = copbot("db", "upgrade", "--config", config_file(tmp_path, "[database]\nconnect_retry_seconds = 2\n"),
                    env={"DATABASE_URL": url})
    one_line_error(result, 1, "cannot reach the database", "(tried for 2 s)")
    assert "trying again for up to 2 s" in result.stderr


async def test_a_refused_password_is_one_line_naming_the_user(tmp_path):
    async def refuse(reader, writer) -> None:
        await answer_postgres_error(reader, writer, "28P01", 'password authentication failed for user "copbot"')

    server = await asyncio.start_server(refuse, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    url = f"postgres://copbot:wrong-pass@127.0.0.1:{port}/copbot"
    try:
        result = await run_copbot("run", "--config", config_file(tmp_path, "[database]\nconnect_retry_seconds = 5\n"),
                                  env={"DATABASE_URL": url})
    finally:
        server.close()
    line = one_line_error(result, 1, "the database refused the password for user copbot")
    assert "wrong-pass" not in result.stderr and "trying again" not in result.stderr, line  # not retried


def test_an_unwritable_sqlite_folder_is_one_line_naming_it(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "access", lambda *_: False)  # the test may run as root, who may write anywhere
    with pytest.raises(StartupError, match=f"may not write the SQLite database .* in {tmp_path}"):
        check_sqlite_folder(make_url(f"sqlite+aiosqlite:///{tmp_path}/x.db"))


def slack_config(tmp_path, fake: FakeSlack, port: int) -> str:
    return config_file(tmp_path, f"""[slack]
enabled = true
mode = "http"
port = {port}
api_base_url = "{fake.api_base}"

[[communities]]
name = "Ops"
slack = ["{sp.TEAM_ID}"]
""")


SLACK_ENV = {"SLACK_BOT_TOKEN": "xoxb-ops", "SLACK_SIGNING_SECRET": "s"}


async def test_a_taken_slack_port_is_one_line_naming_it(tmp_path):
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with FakeSlack() as fake:
            result = await run_copbot("run", "--config", slack_config(tmp_path, fake, port),
                                      env=SLACK_ENV | {"DATABASE_URL": f"{tmp_path}/x.db"})
    one_line_error(result, 1, f"port {port} is already in use ([slack] port)")


async def test_a_rate_limited_token_check_says_rate_limited_not_refused(tmp_path):
    async with FakeSlack() as fake:
        for _ in range(3):  # the first answer and both retries of the rate-limit retry handler
            fake.rate_limit_next("auth.test", retry_after=0)
        result = await run_copbot("run", "--config", slack_config(tmp_path, fake, free_port()),
                                  env=SLACK_ENV | {"DATABASE_URL": f"{tmp_path}/x.db"})
    line = one_line_error(result, 1, "Slack rate-limited", "SLACK_BOT_TOKEN", "(HTTP 429")
    assert "refused SLACK_BOT_TOKEN" not in line


def test_an_http_mode_manifest_needs_the_public_url(tmp_path):
    http = config_file(tmp_path, '[slack]\nmode = "http"\n')
    one_line_error(copbot("slack", "manifest", "--config", http), 2, "--url PUBLIC_URL")
    one_line_error(copbot("slack", "manifest", "--config", http, "--url", "bot.example.org"), 2, "https://")
    manifest = yaml.safe_load(copbot("slack", "manifest", "--config", http, "--url", "https://bot.example.org").stdout)
    assert manifest["settings"]["event_subscriptions"]["request_url"] == "https://bot.example.org/slack/events"
    socket_mode = yaml.safe_load(copbot("slack", "manifest").stdout)  # Socket Mode needs no URL
    assert socket_mode["settings"]["socket_mode_enabled"] is True


def test_the_manifest_promises_only_commands_copbot_has():
    description = yaml.safe_load(copbot("slack", "manifest").stdout)["display_information"]["description"].lower()
    groups = set(declared_commands().groups())
    for word, command in (("question", "ask"), ("digest", "digest"), ("kudos", "kudos"), ("meetup", "meetup")):
        assert (word in description) <= (command in groups), (word, description, groups)


@pytest.mark.parametrize("client_id", ["abc", "12ab34", "-1", ""])
def test_invite_url_refuses_a_client_id_that_is_not_a_snowflake(client_id):
    one_line_error(copbot("discord", "invite-url", "--client-id", client_id, env={"DISCORD_TOKEN": ""}), 2,
                   "not a Discord application id (digits only")


def test_invite_url_takes_a_snowflake():
    result = copbot("discord", "invite-url", "--client-id", "123456789012345678")
    assert result.returncode == 0 and "client_id=123456789012345678" in result.stdout, result.stderr
