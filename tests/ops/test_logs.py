"""Structured logs: one JSON object a line, the request id and community on every line written while a
command or event is handled, never a token, a password or what a member wrote."""

from __future__ import annotations

import io
import json
import logging
import re
from dataclasses import replace

import pytest
from sqlalchemy import text

from adapters.app.logs import JsonFormatter, RequestContext, TextFormatter, mask_secrets, wants_json
from tests.fakes.console import ConsoleDriver

SECRET_WORDS = "my-private-reason-words"


@pytest.fixture
def log_lines():
    """What the copbot loggers write, through the handler `copbot run` installs (JSON)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContext())
    logger = logging.getLogger("copbot")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(old_level)


async def test_a_failing_command_logs_its_request_id_and_community_but_not_what_was_typed(app, log_lines):
    async def broken(cmd, ctx):
        raise RuntimeError("a bug in the handler")

    console = ConsoleDriver(app)
    await console.say(":as alice", "/help")  # the community exists from here on
    app.core.book.specs["kudos"] = replace(app.core.book.specs["kudos"], handler=broken)
    out = await console.say(f"/kudos @bob {SECRET_WORDS}")

    reference = re.search(r"reference ([0-9a-f]{8})", out)[1]
    failure = [line for line in log_lines() if line["message"].startswith("command failed")]
    assert len(failure) == 1
    line = failure[0]
    assert line["request_id"] == reference  # the person's reference finds the log line
    async with app.core.uow_factory() as uow:
        community = await uow.communities.by_binding("console", "local")
    assert line["community"] == community.id
    assert line["level"] == "ERROR" and "RuntimeError" in line["exception"]
    assert SECRET_WORDS not in json.dumps(log_lines())


async def test_lines_outside_a_request_carry_no_request_id(app, log_lines):
    logging.getLogger("copbot.test").info("starting")
    (line,) = log_lines()
    assert line["message"] == "starting" and "request_id" not in line and "community" not in line


async def test_a_failing_statement_never_logs_its_parameters(app):
    """SQLAlchemy puts a failing statement's parameters in its error (which a traceback logs): the engine
    is built with hide_parameters, so what a member wrote stays out."""
    with pytest.raises(Exception) as error:  # noqa: B017,PT011 - each driver raises its own
        async with app.engine.connect() as connection:
            await connection.execute(text("SELECT * FROM no_such_table WHERE reason = :reason"),
                                     {"reason": SECRET_WORDS})
    assert SECRET_WORDS not in str(error.value) and "hidden" in str(error.value)


@pytest.mark.parametrize("leaked, kept", [
    ("token xoxb-1234-5678-abcdefABCDEF refused", "token xox?-*** refused"),
    ("app token xapp-1-A0123-456-abcdef", "app token xapp-***"),
    ("postgresql+asyncpg://copbot:s3cret@db:5432/copbot", "postgresql+asyncpg://copbot:***@db:5432/copbot"),
    ("discord MTA4NjEyMzQ1Njc4OTAxMjM0NQ.GaBcDe.abcdefghijklmnopqrstuvwxyz0123 bad",
     "discord *** bad"),
])
def test_tokens_and_passwords_are_masked_in_any_format(leaked, kept):
    assert mask_secrets(leaked) == kept
    record = logging.LogRecord("copbot", logging.ERROR, __file__, 1, "failed: %s", (leaked,), None)
    RequestContext().filter(record)
    assert kept in json.loads(JsonFormatter().format(record))["message"]
    assert TextFormatter().format(record).endswith(f"failed: {kept}")


def test_json_unless_stderr_is_a_terminal_or_chosen(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("COPBOT_LOG_FORMAT", raising=False)
    assert wants_json(io.StringIO()) and not wants_json(Terminal())
    monkeypatch.setenv("COPBOT_LOG_FORMAT", "json")
    assert wants_json(Terminal())
    monkeypatch.setenv("COPBOT_LOG_FORMAT", "text")
    assert not wants_json(io.StringIO())
