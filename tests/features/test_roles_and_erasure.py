"""Role precedence (a grant never lowers a platform role; a champion is not a manager) and erasure, asserted on the
rows of the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select, text

from adapters.app.bootstrap import build
from adapters.app.config import CommunityConfig
from bot.core import Invocation
from bot.identity import MemberRef, Person, Place, Role
from bot.reply import Visibility
from storage.models import Base
from tests.conftest import make_config

TEAM = "T1"


def slack_person(user: str, role: Role = Role.MEMBER) -> Person:
    return Person(MemberRef("slack", TEAM, user), user.lower(), platform_role=role)


async def run(app, person: Person, line: str):
    return await app.core.handle(Invocation(person, Place("slack", TEAM, "C1", workspace_name="Team"), line))


async def scalar(app, sql: str, **params):
    async with app.engine.connect() as connection:
        return (await connection.execute(text(sql), params)).scalar()


async def live_kudos(app) -> int:
    return await scalar(app, "SELECT count(*) FROM kudos WHERE revoked_at IS NULL")


async def allowance(app) -> int:
    settings = await scalar(app, "SELECT settings FROM communities")
    return (json.loads(settings) if isinstance(settings, str) else settings)["kudos_daily_allowance"]


async def slack_app(store_url, clock):
    config = make_config(store_url, communities=[CommunityConfig(name="SEO", slack=[TEAM],
                                                                  owners=[f"slack:{TEAM}:UOWNER"])])
    return await build(config, clock=clock)


# A grant never lowers a platform role ---------------------------------------------------------------------


async def test_a_slack_admin_granted_champion_stays_a_manager(store_url, clock):
    app = await slack_app(store_url, clock)
    try:
        owner, admin = slack_person("UOWNER"), slack_person("UADMIN", Role.MANAGER)
        await run(app, slack_person("UALICE"), "kudos <@UBOB|bob> thanks")
        await run(app, owner, "role grant <@UADMIN> champion")
        assert await scalar(app, "SELECT granted_role FROM members WHERE user_id = 'UADMIN'") == Role.CHAMPION
        # Still a manager: the admin voids a kudos and changes a setting, and both take effect.
        await run(app, admin, "kudos void 1 spam")
        await run(app, admin, "settings kudos_daily_allowance 3")
        assert await live_kudos(app) == 0
        assert await allowance(app) == 3
    finally:
        await app.close()


async def test_a_workspace_owner_granted_manager_stays_an_owner(store_url, clock):
    app = await slack_app(store_url, clock)
    try:
        boss, manager = slack_person("UBOSS", Role.OWNER), slack_person("UMGR")
        await run(app, boss, "help")  # the store learns the platform role from the member's own events
        await run(app, slack_person("UOWNER"), "role grant <@UMGR> manager")
        await run(app, manager, "role grant <@UBOSS> manager")
        # A manager cannot erase an owner; the workspace owner can still erase a manager.
        await run(app, manager, "member erase <@UBOSS>")
        assert await scalar(app, "SELECT erased_at FROM members WHERE user_id = 'UBOSS'") is None
        await run(app, boss, "member erase <@UMGR>")
        assert await scalar(app, "SELECT count(*) FROM members WHERE erased_at IS NOT NULL") == 1
    finally:
        await app.close()


async def test_an_owner_by_config_is_an_owner_whatever_the_platform_says(store_url, clock):
    app = await slack_app(store_url, clock)
    try:
        await run(app, slack_person("UMGR", Role.MANAGER), "help")
        await run(app, slack_person("UOWNER"), "member erase <@UMGR>")  # a plain member on Slack, owner by config
        assert await scalar(app, "SELECT count(*) FROM members WHERE erased_at IS NOT NULL") == 1
    finally:
        await app.close()


# A champion is not a manager ------------------------------------------------------------------------------


async def test_a_champion_cannot_void_a_kudos_and_it_still_counts(store_url, clock):
    app = await slack_app(store_url, clock)
    try:
        champion = slack_person("UCHAMP")
        await run(app, slack_person("UALICE"), "kudos <@UBOB|bob> thanks")
        await run(app, slack_person("UOWNER"), "role grant <@UCHAMP> champion")
        reply = await run(app, champion, "kudos void 1 spam")
        assert reply.visibility is Visibility.EPHEMERAL
        assert await scalar(app, "SELECT revoked_at FROM kudos WHERE id = 1") is None
        assert await scalar(app, "SELECT count(*) FROM audit_log WHERE action = 'kudos.void'") == 0
        board = (await run(app, champion, "leaderboard")).text
        assert "1. bob — 1" in board
        # Nor grant roles, nor change settings.
        await run(app, champion, "role grant <@UALICE> manager")
        await run(app, champion, "settings kudos_daily_allowance 1")
        assert await scalar(app, "SELECT granted_role FROM members WHERE user_id = 'UALICE'") == Role.MEMBER
        assert await allowance(app) == 5
    finally:
        await app.close()


async def test_a_revoked_manager_is_a_member_again(store_url, clock):
    app = await slack_app(store_url, clock)
    try:
        owner, mia = slack_person("UOWNER"), slack_person("UMIA")
        await run(app, slack_person("UALICE"), "kudos <@UBOB|bob> thanks")
        await run(app, owner, "role grant <@UMIA> manager")
        await run(app, owner, "role revoke <@UMIA> manager")
        await run(app, mia, "kudos void 1 spam")
        assert await live_kudos(app) == 1
    finally:
        await app.close()


# Erasure ---------------------------------------------------------------------------------------------------

SECRETS = ("zebedee", "Europe/Berlin", "zeb-reason-command", "zeb-reason-plusplus", "zeb-reason-void")


async def every_stored_value(app) -> str:
    """Every row of every table, one line each, to search."""
    lines = []
    async with app.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            lines += [f"{table.name}: {tuple(row)!r}" for row in await connection.execute(select(table))]
    return "\n".join(lines)


async def test_erasure_removes_every_trace_and_keeps_anonymous_counts(console):
    app = console.app
    await console.say(":as owner", "/help", ":as zebedee", "/help", ":as owner", "/role grant @zebedee manager",
                      ":as zebedee", "/timezone Europe/Berlin",
                      "/kudos @carol zeb-reason-command #seo", "@dan++ for zeb-reason-plusplus",
                      ":as alice", "/kudos @zebedee thanks alice-reason", "/kudos @frank alice-again",
                      ":as zebedee", "/kudos void 4 zeb-reason-void")
    await console.say(":as erin", "my checklist")
    checklist = console.last.split("]")[0].lstrip("[")
    await console.say(":as zebedee", f":react tada {checklist}")
    zebedee_id = await scalar(app, "SELECT id FROM members WHERE user_id = 'zebedee'")
    before = await every_stored_value(app)
    assert all(secret in before for secret in SECRETS)  # so the search below can find them

    await console.say(":as owner", "/member erase @zebedee")

    after = await every_stored_value(app)
    assert [line for line in after.splitlines() if any(secret in line for secret in SECRETS)] == []
    assert "alice-reason" in after and "alice-again" in after  # what others wrote stays
    # Anonymous counts: every kudos row stays, the erased member's given and received alike.
    assert await scalar(app, "SELECT count(*) FROM kudos WHERE giver_id = :m", m=zebedee_id) == 3
    assert await scalar(app, "SELECT count(*) FROM kudos WHERE receiver_id = :m", m=zebedee_id) == 1
    assert await scalar(app, "SELECT count(*) FROM kudos WHERE revoked_at IS NULL") == 4
    board = await console.say("/leaderboard all")
    assert "carol — 1" in board and "dan — 1" in board and "erin — 1" in board and "frank" not in board


async def test_a_message_not_yet_sent_about_an_erased_member_never_goes_out(console, clock):
    from bot.context import message_payload
    from bot.identity import ChannelTarget
    from bot.reply import Reply

    await console.say(":as owner", "/help", ":as zebedee", "/help")
    general = ChannelTarget("console", "local", "general")
    async with console.app.core.uow_factory() as uow:  # due in a minute: still pending at erasure
        community = (await uow.communities.all())[0]
        for words in ("zebedee gave kudos to dan", "zebedeex is someone else"):
            uow.outbox.add(community.id, "message", message_payload(general, Reply.public(words)),
                           due_at=clock.now() + timedelta(minutes=1))
        await uow.commit()
    await console.say(":as owner", "/member erase @zebedee")
    clock.advance(minutes=2)
    out = await console.say("/help")
    assert "zebedeex is someone else" in out
    assert "zebedee gave kudos" not in out
