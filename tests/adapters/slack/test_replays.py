"""A captured signed request sent again within Slack's 5 minutes runs once (issue 10, defect 4).

The same bytes with the same signature headers, as an attacker (or a retrying client) would resend them: slash
commands, button presses, modal submissions and slow commands. On SQLite and PostgreSQL: the trigger_id is
recorded in the same transaction as the effect."""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import text

from tests.adapters.slack.rig import OWNER_ID, SECRET, SlackRig
from tests.fakes import slack_payloads as sp


async def kudos_rows(rig: SlackRig) -> int:
    async with rig.app.engine.connect() as connection:
        return await connection.scalar(text("SELECT count(*) FROM kudos"))


async def test_a_replayed_slash_command_runs_once_and_gets_a_short_private_answer(make_rig, store_url):
    rig = await make_rig(url=store_url)
    body = sp.slash_command_body("/kudos", "<@U0BOB|bob> thanks for the audit")
    headers = sp.sign(body, SECRET)
    first, again = [await rig.post(body, headers) for _ in range(2)]
    assert first[0] == again[0] == 200
    assert json.loads(first[1])["response_type"] == "in_channel"
    assert json.loads(again[1])["response_type"] == "ephemeral"
    assert await kudos_rows(rig) == 1


async def test_replays_sent_all_at_once_still_run_once(make_rig, store_url):
    rig = await make_rig(url=store_url)
    body = sp.slash_command_body("/kudos", "<@U0BOB|bob> thanks")
    headers = sp.sign(body, SECRET)
    answers = await asyncio.gather(*(rig.post(body, headers) for _ in range(5)))
    assert [status for status, _ in answers] == [200] * 5
    assert sorted(json.loads(a)["response_type"] for _, a in answers) == ["ephemeral"] * 4 + ["in_channel"]
    assert await kudos_rows(rig) == 1


async def test_a_replayed_button_press_runs_once(make_rig, store_url):
    rig = await make_rig(url=store_url)
    body = sp.block_actions_body("copbot.run.0", "kudos <@U0BOB|bob> thanks",
                                 response_url=rig.fake.response_url("press"))
    headers = sp.sign(body, SECRET)
    assert [(await rig.post(body, headers))[0] for _ in range(2)] == [200, 200]
    answers = [await rig.fake.wait_for_response("press", n) for n in (1, 2)]
    assert sorted(a["response_type"] for a in answers) == ["ephemeral", "in_channel"]
    assert await kudos_rows(rig) == 1


async def test_a_replayed_form_submission_creates_one_meetup(make_rig, store_url):
    rig = await make_rig(url=store_url)
    await rig.command("/meetup", "create", user_id=OWNER_ID, user_name="olga", response_url=rig.fake.response_url("m"))
    view = rig.fake.calls_to("views.open")[-1].params["view"]
    body = sp.view_submission_body(view["callback_id"], {"title": {"value": "Run"}, "start": {"value": "tomorrow 18:00"}},
                                   view["private_metadata"], user=OWNER_ID, user_name="olga")
    headers = sp.sign(body, SECRET)
    assert [await rig.post(body, headers) for _ in range(2)] == [(200, ""), (200, "")]
    await rig.fake.wait_for_response("m", 2)
    async with rig.app.engine.connect() as connection:
        assert await connection.scalar(text("SELECT count(*) FROM meetups")) == 1
