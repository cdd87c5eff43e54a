"""copbot's own Slack user (from auth.test at start-up) is a bot member: a 🎉 on its message gives no kudos."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import KudosRow, MemberRow
from tests.adapters.slack.rig import SlackRig
from tests.fakes import slack_payloads as sp


async def test_a_reaction_on_the_bots_own_message_gives_no_kudos(rig: SlackRig):
    async with rig.app.engine.connect() as connection:
        [is_bot] = (await connection.execute(select(MemberRow.is_bot).where(
            MemberRow.workspace_id == sp.TEAM_ID, MemberRow.user_id == sp.BOT_USER_ID))).one()
    assert is_bot  # recorded when the adapter started, before any event named it

    event = sp.reaction_added("U0ALICE", "tada", sp.BOT_USER_ID, sp.CHANNEL_ID, sp.new_ts())
    assert await rig.event(event) == 200
    await rig.drain()

    assert rig.fake.calls_to("chat.postMessage") == []  # no announcement
    [refusal] = rig.fake.calls_to("chat.postEphemeral")
    assert refusal.params["user"] == "U0ALICE"
    async with rig.app.engine.connect() as connection:
        assert await connection.scalar(select(func.count()).select_from(KudosRow)) == 0
