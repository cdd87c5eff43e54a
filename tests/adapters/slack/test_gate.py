"""What a malformed, oversized or never-finished request gets from copbot's Slack HTTP mode (issue 10, defect 5):
400, 401, 408 or 413 and one log line, never a 500 or a traceback, and nothing run."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from urllib.parse import urlsplit

import pytest

from adapters.slack import gate
from adapters.slack.forms import form_view
from tests.adapters.slack.rig import SECRET, SlackRig
from tests.fakes import slack_payloads as sp


def slack_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith(("copbot", "slack_bolt", "aiohttp"))]


def assert_one_line(caplog) -> None:
    lines = slack_lines(caplog)
    assert len(lines) == 1 and lines[0].exc_info is None and lines[0].levelno == logging.WARNING, \
        [r.getMessage() for r in lines]


async def assert_nothing_ran(rig: SlackRig) -> None:
    assert [c.method for c in rig.fake.calls if c.method != "auth.test"] == []


async def test_a_timestamp_that_is_not_a_number_gets_401_and_one_line(rig: SlackRig, caplog):
    body = sp.slash_command_body("/kudos", "<@U0BOB|bob> thanks")
    headers = {**sp.sign(body, SECRET), "X-Slack-Request-Timestamp": "abc"}
    caplog.set_level(logging.INFO)
    assert (await rig.post(body, headers))[0] == 401
    assert_one_line(caplog)
    await assert_nothing_ran(rig)


def signed_bodies() -> dict[str, tuple[bytes, str]]:
    command = sp.slash_command("/kudos", "<@U0BOB|bob> thanks")
    no_team = {k: v for k, v in command.items() if k != "team_id"}
    no_user = {**command, "user_id": ""}
    press = sp.block_actions("copbot.run.0", "kudos <@U0BOB|bob> thanks")
    press_no_user = {**press, "user": {"name": "x"}}
    event = sp.event_envelope(sp.reaction_added("U0ALICE", "tada", "U0BOB", sp.CHANNEL_ID, sp.new_ts()))
    form = "application/x-www-form-urlencoded"
    return {
        "not a form": (b"this is not a form", form),
        "not UTF-8": (b"team_id=\xff\xfe&user_id=U1", form),
        "bad JSON in payload": (sp.form_body({"payload": "{not json"}), form),
        "payload not an object": (sp.form_body({"payload": "[1, 2]"}), form),
        "command without team_id": (sp.form_body(no_team), form),
        "command with an empty user_id": (sp.form_body(no_user), form),
        "command with an impossible trigger_id": (sp.form_body({**command, "trigger_id": "x" * 500}), form),
        "button without a user": (sp.interactive_body(press_no_user), form),
        "bad JSON event": (b'{"type": "event_callback", ', "application/json"),
        "event without event_id": (sp.json_body({k: v for k, v in event.items() if k != "event_id"}),
                                   "application/json"),
        "reaction without its user": (sp.json_body({**event, "event": {**event["event"], "user": None}}),
                                      "application/json"),
    }


@pytest.mark.parametrize("case", list(signed_bodies()))
async def test_a_signed_but_malformed_body_gets_400_and_one_line(rig: SlackRig, caplog, case):
    body, content_type = signed_bodies()[case]
    caplog.set_level(logging.INFO)
    status, _ = await rig.post(body, sp.sign(body, SECRET, content_type=content_type))
    assert status == 400
    assert_one_line(caplog)
    await assert_nothing_ran(rig)


async def test_a_body_declared_over_the_limit_is_refused_before_it_is_read(rig: SlackRig, caplog):
    body = b"x" * (gate.FORM_LIMIT + 1)
    caplog.set_level(logging.INFO)
    assert (await rig.post(body, sp.sign(body, SECRET, content_type="application/x-www-form-urlencoded")))[0] == 413
    assert_one_line(caplog)


async def test_a_chunked_body_is_cut_at_the_limit(rig: SlackRig):
    async def chunks():
        for _ in range(gate.EVENT_LIMIT // 1024 + 2):
            yield b" " * 1024

    headers = sp.sign(b"", SECRET, content_type="application/json")
    async with rig.http.post(rig.url, data=chunks(), headers=headers) as resp:
        assert resp.status == 413


async def test_a_body_that_never_finishes_gets_408_and_the_connection_closes(rig: SlackRig, monkeypatch):
    monkeypatch.setattr(gate, "READ_TIMEOUT", 0.3)
    reader, writer = await raw_connection(rig)
    head = sp.sign(b"whatever", SECRET, content_type="application/x-www-form-urlencoded")
    writer.write(request_head(rig, {**head, "Content-Length": "1000"}) + b"team_id=T")
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 3)  # read() returns when the server closes the connection
    assert answer.startswith(b"HTTP/1.1 408")
    writer.close()


async def test_bodies_read_before_their_signature_is_checked_share_one_budget(rig: SlackRig, monkeypatch):
    monkeypatch.setattr(gate, "UNVERIFIED_BUDGET", 1000)
    monkeypatch.setattr(gate, "READ_TIMEOUT", 1.0)
    reader, writer = await raw_connection(rig)  # holds 900 of the 1,000 bytes while its body trickles
    head = sp.sign(b"whatever", SECRET, content_type="application/x-www-form-urlencoded")
    writer.write(request_head(rig, {**head, "Content-Length": "900"}) + b"team_id=T")
    await writer.drain()
    await asyncio.sleep(0.1)  # let the server start reading it
    kudos = asyncio.ensure_future(rig.post(sp.slash_command_body("/kudos", "<@U0BOB|bob> thanks")))
    done, _ = await asyncio.wait({kudos}, timeout=0.5)
    assert not done  # a command takes milliseconds: this one waits for room
    assert (await asyncio.wait_for(reader.read(), 3)).startswith(b"HTTP/1.1 408")
    assert (await kudos)[0] == 200  # the trickling body timed out, and its room went to the command
    writer.close()


async def test_a_connection_stuck_in_its_headers_is_closed(make_rig, monkeypatch):
    monkeypatch.setattr("adapters.slack.service.IDLE_TIMEOUT", 0.3)
    rig = await make_rig()
    reader, writer = await raw_connection(rig)
    writer.write(b"POST " + urlsplit(rig.url).path.encode() + b" HTTP/1.1\r\nHost: x\r\n")  # never finished
    await writer.drain()
    assert await asyncio.wait_for(reader.read(), 3) == b""
    writer.close()


async def test_a_stale_or_missing_signature_is_refused_before_the_body_is_read(rig: SlackRig):
    body = sp.slash_command_body("/kudos", "<@U0BOB|bob> thanks")
    stale = sp.sign(body, SECRET, timestamp=int(time.time()) - 3600)
    unsigned = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": str(int(time.time()))}
    assert [(await rig.post(body, h))[0] for h in (stale, unsigned)] == [401, 401]
    await assert_nothing_ran(rig)


async def test_the_largest_form_our_commands_open_fits_the_limit_even_in_escaped_emoji(rig: SlackRig):
    """Slack sends a view's non-ASCII text as \\u escapes, then urlencodes the payload: 8 bytes a UTF-16 unit."""
    biggest = 0
    for spec in (s for s in rig.core.book.specs.values() if s.opens_form):
        view = form_view(spec, channel_id=sp.CHANNEL_ID, response_url="https://hooks.slack.com/commands/" + "x" * 80)
        values = {b["block_id"]: {"value": {"type": "plain_text_input",
                                            "value": "\U0001F600" * (b["element"].get("max_length", 3000) // 2)}}
                  for b in view["blocks"]}
        payload = sp.view_submission(view["callback_id"], values, view["private_metadata"])
        payload["view"]["blocks"] = view["blocks"]
        biggest = max(biggest, len(sp.form_body({"payload": json.dumps(payload)})))
    assert 0 < biggest < gate.FORM_LIMIT  # a larger form needs a larger limit: this test says so


async def raw_connection(rig: SlackRig):
    where = urlsplit(rig.url)
    return await asyncio.open_connection(where.hostname, where.port)


def request_head(rig: SlackRig, headers: dict) -> bytes:
    lines = [f"POST {urlsplit(rig.url).path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()
