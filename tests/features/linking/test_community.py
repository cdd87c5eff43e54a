"""/community: owners see and change which workspaces and servers a community is bound to."""

from __future__ import annotations

from bot.identity import MemberRef, Person, Place, Role
from tests.features.linking.helpers import code_in, say, slack

OWNER_S = slack("U0", "olga", role=Role.OWNER)
NEW_GUILD = Place("discord", "G7", "700")
OWNER_G7 = Person(MemberRef("discord", "G7", "70"), "gus", platform_role=Role.OWNER)
MEMBER_G7 = Person(MemberRef("discord", "G7", "71"), "mo")


async def community_of(app, platform: str, workspace_id: str):
    async with app.core.uow_factory() as uow:
        found = await uow.communities.by_binding(platform, workspace_id)
        return found.name if found else None


async def test_owners_see_the_bindings(both):
    shown = await say(both, OWNER_S, "community")
    assert {(f.name, f.value) for f in shown.sections[0].fields} == {("slack", "T1"), ("discord", "G1")}
    assert (await say(both, slack("U5", "eve"), "community")).refused


async def test_a_bind_code_typed_in_another_server_binds_it(both):
    code = code_in(await say(both, OWNER_S, "community bind"))
    assert (await say(both, MEMBER_G7, f"community bind {code}", place=NEW_GUILD)).refused  # owners only
    assert await community_of(both, "discord", "G7") != "Both"
    await say(both, OWNER_G7, f"community bind {code}", place=NEW_GUILD)
    assert await community_of(both, "discord", "G7") == "Both"


async def test_unbind_lets_a_workspace_go_but_not_the_one_you_are_in(both):
    assert (await say(both, OWNER_S, "community unbind slack:T1")).refused
    assert (await say(both, OWNER_S, "community unbind discord:G9")).refused
    assert not (await say(both, OWNER_S, "community unbind discord:G1")).refused
    assert await community_of(both, "discord", "G1") is None
