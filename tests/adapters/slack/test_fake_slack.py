"""The Slack test harness proven against a bare, real slack_bolt AsyncApp (no copbot code involved).

HTTP mode: signed bodies in Slack's formats are posted to Bolt's own aiohttp Application, served in the test's loop.
Socket Mode: Bolt's AsyncSocketModeHandler connects to the fake's WebSocket via apps.connections.open.
"""

from __future__ import annotations

import asyncio
import json
import time

import aiohttp
import pytest
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes import slack_payloads as sp
from tests.fakes.patience import PATIENCE
from tests.fakes.slack_fake import FakeSlack

SECRET = "secret"


async def post(http: aiohttp.ClientSession, url: str, body: bytes, **headers: str) -> tuple[int, str, str]:
    """Post a body signed as Slack signs it; returns (status, content type, body text)."""
    async with http.post(url, data=body, headers={**sp.sign(body, SECRET), **headers}) as resp:
        return resp.status, resp.content_type, await resp.text()


def retry_num(request) -> int:
    """How a listener reads Slack's retry number, the same in HTTP and Socket Mode."""
    return int(request.headers.get("x-slack-retry-num", ["0"])[0])


# ---------------------------------------------------------------- HTTP mode


async def test_fake_slash_command_is_acked_with_the_listeners_text_and_auth_test_is_lazy(
    bolt_app: AsyncApp, bolt_url: str, fake_slack: FakeSlack, http
):
    seen = []

    @bolt_app.command("/kudos")
    async def kudos(ack, command, context):
        seen.append((command["text"], context.bot_user_id))
        await ack(text=f"thanks for: {command['text']}")

    assert fake_slack.calls_to("auth.test") == []  # constructing and serving the app calls nothing
    for _ in range(2):
        status, ctype, text = await post(http, bolt_url, sp.slash_command_body("/kudos", "<@U0BOB|bob> the audit"))
        assert (status, ctype, text) == (200, "text/plain", "thanks for: <@U0BOB|bob> the audit")

    assert seen == [("<@U0BOB|bob> the audit", fake_slack.bot_user_id)] * 2
    [auth] = fake_slack.calls_to("auth.test")  # once, on the first request, then cached
    assert auth.token == "xoxb-test" and auth.headers["authorization"] == "Bearer xoxb-test"


async def test_fake_ack_shapes_blocks_response_type_and_empty(bolt_app: AsyncApp, bolt_url: str, http):
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hi*"}}]

    @bolt_app.command("/digest")
    async def digest(ack):
        await ack(text="fallback", blocks=blocks, response_type="in_channel")

    @bolt_app.command("/quiet")
    async def quiet(ack):
        await ack()

    status, ctype, text = await post(http, bolt_url, sp.slash_command_body("/digest"))
    assert (status, ctype) == (200, "application/json")
    assert json.loads(text) == {"text": "fallback", "response_type": "in_channel", "blocks": blocks}
    assert await post(http, bolt_url, sp.slash_command_body("/quiet")) == (200, "text/plain", "")


@pytest.mark.parametrize("tamper", ["bad_signature", "stale_timestamp"])
async def test_fake_unsigned_or_stale_requests_get_401_and_never_reach_the_listener(
    bolt_app: AsyncApp, bolt_url: str, fake_slack: FakeSlack, http, tamper: str
):
    ran = []

    @bolt_app.command("/kudos")
    async def kudos(ack):
        ran.append(True)
        await ack()

    body = sp.slash_command_body("/kudos", "x")
    if tamper == "bad_signature":
        headers = sp.sign(body, "not-the-secret")
    else:
        headers = sp.sign(body, SECRET, timestamp=int(time.time()) - 6 * 60)
    async with http.post(bolt_url, data=body, headers=headers) as resp:
        assert resp.status == 401
        assert await resp.json() == {"error": "invalid request"}
    assert ran == [] and fake_slack.calls == []


async def test_fake_event_envelope_reaches_the_event_listener_with_its_retry_number(
    bolt_app: AsyncApp, bolt_url: str, http
):
    got = []

    @bolt_app.event("reaction_added")
    async def on_reaction(event, body, request, context):
        got.append((event["reaction"], event["item"]["ts"], body["event_id"], retry_num(request),
                    request.headers.get("x-slack-retry-reason"), context.team_id))

    event = sp.reaction_added("U0ALICE", "white_check_mark", "U0BOB", "C0GENERAL", "1700000000.000100")
    first = sp.event_body(event, event_id="Ev001")
    assert await post(http, bolt_url, first) == (200, "text/plain", "")
    assert await post(http, bolt_url, first, **sp.retry_headers(1)) == (200, "text/plain", "")
    assert got == [
        ("white_check_mark", "1700000000.000100", "Ev001", 0, None, sp.TEAM_ID),
        ("white_check_mark", "1700000000.000100", "Ev001", 1, ["http_timeout"], sp.TEAM_ID),
    ]


async def test_fake_block_actions_reach_the_action_listener_and_respond_uses_the_response_url(
    bolt_app: AsyncApp, bolt_url: str, fake_slack: FakeSlack, http
):
    @bolt_app.action("rsvp_yes")
    async def rsvp(ack, action, body, respond):
        await ack()
        await respond(text=f"going: {action['value']} ({body['user']['id']})", replace_original=False)

    body = sp.block_actions_body("rsvp_yes", "meetup-7", response_url=fake_slack.response_url("rsvp"))
    assert await post(http, bolt_url, body) == (200, "text/plain", "")
    assert fake_slack.responses["rsvp"] == [{"text": "going: meetup-7 (U0ALICE)", "replace_original": False}]


async def test_fake_view_submission_reaches_the_view_listener_and_errors_ack_is_json(
    bolt_app: AsyncApp, bolt_url: str, http
):
    got = []

    @bolt_app.view("ask_question")
    async def submitted(ack, view):
        got.append((view["state"]["values"]["title"]["title_input"]["value"], view["private_metadata"]))
        await ack(response_action="errors", errors={"title": "Too short"})

    body = sp.view_submission_body("ask_question", {"title": {"title_input": "Hi"}}, private_metadata="C0GENERAL")
    status, ctype, text = await post(http, bolt_url, body)
    assert (status, ctype) == (200, "application/json")
    assert json.loads(text) == {"response_action": "errors", "errors": {"title": "Too short"}}
    assert got == [("Hi", "C0GENERAL")]


# ---------------------------------------------------------------- Socket Mode


@pytest.fixture
async def socket_handler(bolt_app: AsyncApp, fake_slack: FakeSlack):
    # Built inside the loop: SocketModeClient creates an aiohttp session and a task in its constructor.
    handler = AsyncSocketModeHandler(bolt_app, "xapp-test")
    await asyncio.wait_for(handler.connect_async(), PATIENCE)  # connect() retries forever on failure: bound it
    await fake_slack.wait_for_socket_client()
    yield handler
    await handler.close_async()  # before the fake stops, or the client starts reconnecting


async def test_fake_socket_mode_connects_through_app_client_base_url_and_acks_with_payload(
    bolt_app: AsyncApp, fake_slack: FakeSlack, socket_handler
):
    [opened] = fake_slack.calls_to("apps.connections.open")
    assert opened.token == "xapp-test"  # the app-level token, sent to app.client's base_url

    @bolt_app.command("/kudos")
    async def kudos(ack, command):
        await ack(text=f"thanks for: {command['text']}")

    @bolt_app.command("/digest")
    async def digest(ack):
        await ack(text="fallback", blocks=[{"type": "divider"}], response_type="in_channel")

    @bolt_app.command("/quiet")
    async def quiet(ack):
        await ack()

    acks = []
    for command, text in [("/kudos", "the audit"), ("/digest", ""), ("/quiet", "")]:
        env = sp.socket_envelope("slash_commands", sp.slash_command(command, text))
        acks.append(await fake_slack.wait_for_ack(await fake_slack.socket_send(env)))
    assert [a.get("payload") for a in acks] == [
        {"text": "thanks for: the audit"},  # a text-only ack travels as {"text": ...}
        {"text": "fallback", "response_type": "in_channel", "blocks": [{"type": "divider"}]},
        None,  # an empty ack is {"envelope_id": ...} with no payload
    ]
    assert [c.method for c in fake_slack.calls] == ["apps.connections.open", "auth.test"]


async def test_fake_socket_mode_events_carry_the_retry_number_as_http_headers(
    bolt_app: AsyncApp, fake_slack: FakeSlack, socket_handler
):
    got = asyncio.Queue()

    @bolt_app.event("reaction_added")
    async def on_reaction(body, request):
        await got.put((body["event_id"], retry_num(request), request.headers.get("x-slack-retry-reason")))

    event = sp.reaction_added("U0ALICE", "tada", "U0BOB", "C0GENERAL", "1700000000.000100")
    env = sp.socket_envelope("events_api", sp.event_envelope(event, event_id="Ev009"),
                             retry_attempt=1, retry_reason="timeout")
    ack = await fake_slack.wait_for_ack(await fake_slack.socket_send(env))
    assert ack == {"envelope_id": env["envelope_id"]}
    assert await asyncio.wait_for(got.get(), PATIENCE) == ("Ev009", 1, ["timeout"])


async def test_fake_socket_mode_interactive_view_submission(bolt_app: AsyncApp, fake_slack: FakeSlack, socket_handler):
    @bolt_app.view("ask_question")
    async def submitted(ack):
        await ack(response_action="clear")

    env = sp.socket_envelope("interactive", sp.view_submission("ask_question", {"t": {"i": "x"}}))
    assert env["accepts_response_payload"] is True
    ack = await fake_slack.wait_for_ack(await fake_slack.socket_send(env))
    assert ack["payload"] == {"response_action": "clear"}


# ---------------------------------------------------------------- Web API


@pytest.fixture
def client(fake_slack: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-test", base_url=fake_slack.api_base)


async def test_fake_rate_limited_call_is_retried_after_retry_after_when_the_handler_is_installed(
    fake_slack: FakeSlack, client: AsyncWebClient
):
    fake_slack.rate_limit_next("chat.postMessage", retry_after=0)  # the handler sleeps int(Retry-After) + rand()
    with pytest.raises(SlackApiError) as refused:  # slack_sdk's default handlers do not retry a 429
        await client.chat_postMessage(channel="C0GENERAL", text="hi")
    assert refused.value.response.status_code == 429
    assert refused.value.response.headers["Retry-After"] == "0"

    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=1))
    fake_slack.rate_limit_next("chat.postMessage", retry_after=0)
    resp = await client.chat_postMessage(channel="C0GENERAL", text="hi")
    assert resp["ok"] and resp["channel"] == "C0GENERAL"
    assert len(fake_slack.calls_to("chat.postMessage")) == 3


async def test_fake_files_upload_v2_works_against_the_fake(fake_slack: FakeSlack, client: AsyncWebClient):
    ics = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    resp = await client.files_upload_v2(channel="C0GENERAL", filename="meetup.ics", content=ics,
                                        title="Meetup", initial_comment="See you there")
    file = fake_slack.files[resp["file"]["id"]]
    assert (file["content"], file["title"], file["channels"]) == (ics.encode(), "Meetup", ["C0GENERAL"])
    assert file["initial_comment"] == "See you there"


async def test_fake_web_api_answers_in_slacks_shapes(fake_slack: FakeSlack, client: AsyncWebClient):
    fake_slack.add_user("U0ALICE", "alice", real_name="Alice A", display_name="ali", tz="Europe/Berlin",
                        is_admin=True)
    user = (await client.users_info(user="U0ALICE"))["user"]
    assert (user["name"], user["real_name"], user["profile"]["display_name"], user["tz"]) == (
        "alice", "Alice A", "ali", "Europe/Berlin")
    assert user["is_admin"] and not user["is_owner"] and not user["is_bot"] and not user["deleted"]
    with pytest.raises(SlackApiError, match="user_not_found"):
        await client.users_info(user="U0NOBODY")

    dm = (await client.conversations_open(users="U0ALICE"))["channel"]["id"]
    assert dm.startswith("D") and (await client.conversations_open(users="U0ALICE"))["channel"]["id"] == dm
    posted = await client.chat_postMessage(channel=dm, text="welcome", blocks=[{"type": "divider"}])
    assert posted["message"]["blocks"] == [{"type": "divider"}]
    assert fake_slack.calls_to("chat.postMessage")[0].params["blocks"] == [{"type": "divider"}]
    updated = await client.chat_update(channel=dm, ts=posted["ts"], text="edited")
    assert (updated["ts"], updated["text"]) == (posted["ts"], "edited")
    assert (await client.chat_postEphemeral(channel="C0GENERAL", user="U0ALICE", text="psst"))["message_ts"]
    view = {"type": "modal", "callback_id": "ask", "title": {"type": "plain_text", "text": "Ask"}, "blocks": []}
    opened = (await client.views_open(trigger_id="t", view=view))["view"]
    assert opened["id"].startswith("V") and opened["callback_id"] == "ask"
    assert (await client.views_update(view_id=opened["id"], view=view))["view"]["id"] == opened["id"]
    assert (await client.views_publish(user_id="U0ALICE", view={"type": "home", "blocks": []}))["ok"]
    assert (await client.team_info())["team"]["domain"] == fake_slack.team_domain


async def test_fake_injected_failures_and_unknown_methods(fake_slack: FakeSlack, client: AsyncWebClient):
    fake_slack.not_in_channel.add("C999")
    for call in (client.chat_postMessage(channel="C999", text="x"),
                 client.chat_postEphemeral(channel="C999", user="U0ALICE", text="x")):
        with pytest.raises(SlackApiError) as failed:
            await call
        assert failed.value.response["error"] == "not_in_channel"

    fake_slack.fail_next("views.open", "expired_trigger_id")
    with pytest.raises(SlackApiError, match="expired_trigger_id"):
        await client.views_open(trigger_id="t", view={"type": "modal"})
    assert (await client.views_open(trigger_id="t", view={"type": "modal"}))["ok"]

    with pytest.raises(SlackApiError, match="unknown_method"):
        await client.api_call("bookmarks.add", params={"channel_id": "C0GENERAL"})
    assert fake_slack.calls_to("bookmarks.add")[0].params == {"channel_id": "C0GENERAL"}

    with pytest.raises(SlackApiError, match="not_allowed_token_type"):
        await AsyncWebClient(token="xapp-test", base_url=fake_slack.api_base).chat_postMessage(
            channel="C0GENERAL", text="x")
