"""copbot's own Discord user (client.user, known at login) is a bot member of each guild's community, even of one
created by the very event: a 🎉 on its message gives no kudos."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import KudosRow, MemberRow
from tests.adapters.discord.test_events import ALICE, track
from tests.fakes import discord_payloads as p


async def test_a_reaction_on_the_bots_own_message_gives_no_kudos(app, fake, copbot, running):
    client = copbot()
    processed = track(client)
    reaction = p.reaction_add("🎉", user_id=ALICE["id"], message_id="1400000000000000009",
                              message_author_id=p.BOT_USER_ID, member_payload=p.member(ALICE))
    async with running(client):
        await fake.dispatch("MESSAGE_REACTION_ADD", reaction)  # the first event: it creates the community
        await processed(1)
        await app.dispatcher.run_due()
    assert not any("gave kudos" in (m.get("content") or "") for m in fake.messages)
    async with app.engine.connect() as connection:
        assert await connection.scalar(select(func.count()).select_from(KudosRow)) == 0
        [is_bot] = (await connection.execute(select(MemberRow.is_bot).where(
            MemberRow.workspace_id == p.GUILD_ID, MemberRow.user_id == p.BOT_USER_ID))).one()
    assert is_bot
