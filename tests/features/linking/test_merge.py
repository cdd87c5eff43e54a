"""Merging two members who both have history: kudos, leaderboards, roles, interests and RSVPs count one person,
nothing lost, nothing counted twice; /unlink separates them again."""

from __future__ import annotations

from bot.identity import Role
from tests.features.linking.helpers import board, discord, kudos, link, member_of, say, scalar, slack

ANN_S, ANN_D = slack("U1", "ann"), discord("42", "ann_d")
BOB_S, CAROL_D, DAN_D = slack("U2", "bob"), discord("44", "carol"), discord("45", "dan")


async def live_kudos(app) -> int:
    return await scalar(app, "SELECT count(*) FROM kudos WHERE revoked_at IS NULL")


async def test_kudos_on_slack_and_on_discord_make_one_leaderboard_line(both):
    await kudos(both, BOB_S, ANN_S)
    await kudos(both, CAROL_D, ANN_D)
    await kudos(both, DAN_D, ANN_D)
    assert await board(both) == {"ann": 1, "ann_d": 2}
    await link(both, ANN_S, ANN_D)
    assert await board(both) == {"ann": 3}
    await kudos(both, DAN_D, ANN_D, "again")  # after the link, a Discord kudos lands on the same line
    assert await board(both) == {"ann": 4}


async def test_a_merge_of_two_members_with_history_loses_and_doubles_nothing(both):
    for giver, receiver in ((BOB_S, ANN_S), (ANN_S, BOB_S), (CAROL_D, ANN_D), (ANN_D, DAN_D), (ANN_D, CAROL_D)):
        await kudos(both, giver, receiver)
    received, given, live = await board(both), await board(both, given=True), await live_kudos(both)
    await link(both, ANN_D, ANN_S)
    assert await board(both) == {"ann": received["ann"] + received["ann_d"], "bob": 1, "dan": 1, "carol": 1}
    assert sum((await board(both, given=True)).values()) == sum(given.values())
    assert (await board(both, given=True))["ann"] == given["ann"] + given["ann_d"]
    assert await live_kudos(both) == live
    ann = await member_of(both, ANN_S)
    async with both.core.uow_factory() as uow:
        counts = await uow.kudos.counts(ann.community_id, ann.id, since=ann.joined_at or both.core.clock.now())
    assert (counts.received_all, counts.given_all) == (2, 3)


async def test_a_kudos_one_identity_gave_the_other_stays_in_the_audit_out_of_counts(both):
    ann_again = slack("U7", "ann2")  # a second Slack account: one identity can mention the other
    await kudos(both, ANN_S, ann_again, "from me to me")
    await kudos(both, BOB_S, ANN_S)
    assert await board(both) == {"ann": 1, "ann2": 1}
    await link(both, ANN_S, ann_again)
    assert await board(both) == {"ann": 1} and await board(both, given=True) == {"bob": 1}
    assert await scalar(both, "SELECT count(*) FROM kudos") == 2
    assert await scalar(both, "SELECT revoke_kind FROM kudos WHERE reason = 'from me to me'") == "merge"


async def test_the_highest_role_of_both_and_the_profile_count_one_person(both):
    owner = slack("U0", "olga", role=Role.OWNER)
    await say(both, owner, f"role grant <@{ANN_S.ref.user_id}|ann> manager")
    assert (await say(both, ANN_D, f"member show <@{CAROL_D.ref.user_id}>")).refused  # a member on Discord
    await link(both, ANN_S, ANN_D)
    shown = await say(both, ANN_D, f"member show <@{CAROL_D.ref.user_id}>")
    assert not shown.refused


async def test_interests_and_rsvps_of_both_are_kept_once(both):
    owner = slack("U0", "olga", role=Role.OWNER)
    await say(both, owner, 'meetup create "Sunday run" tomorrow 18:00')
    await kudos(both, owner, BOB_S, "for the topics #seo #analytics #design")  # the community's topics
    await say(both, ANN_S, "interests pick seo analytics")
    await say(both, ANN_D, "interests pick seo design")
    await say(both, ANN_S, "meetup rsvp 1 yes")
    await say(both, ANN_D, "meetup rsvp 1 maybe")
    await link(both, ANN_S, ANN_D)
    ann = await member_of(both, ANN_D)
    async with both.core.uow_factory() as uow:
        assert sorted(await uow.interests.followed(ann.community_id, ann.id)) == ["analytics", "design", "seo"]
    assert await scalar(both, "SELECT count(*) FROM meetup_rsvps") == 1
    assert await scalar(both, "SELECT status FROM meetup_rsvps") == "yes"
    assert await scalar(both, "SELECT member_id FROM meetup_rsvps") == ann.id


async def test_unlink_separates_them_and_history_stays_with_the_first_identity(both):
    await kudos(both, BOB_S, ANN_S)
    await kudos(both, CAROL_D, ANN_D)
    await link(both, ANN_S, ANN_D)
    assert not (await say(both, ANN_D, "unlink")).refused
    assert (await member_of(both, ANN_S)).id != (await member_of(both, ANN_D)).id
    assert await board(both) == {"ann": 2}  # the Discord identity starts afresh
    await kudos(both, DAN_D, ANN_D)
    assert await board(both) == {"ann": 2, "ann_d": 1}
    assert (await say(both, ANN_D, "unlink")).refused  # nothing linked any more


async def test_a_manager_sees_links_and_undoes_one(both):
    owner = slack("U0", "olga", role=Role.OWNER)
    await link(both, ANN_S, ANN_D)
    shown = await say(both, owner, f"member show <@{ANN_S.ref.user_id}|ann>")
    identities = shown.sections[0].fields[1].value
    assert "slack" in identities and "discord" in identities
    assert (await say(both, BOB_S, f"member unlink <@{ANN_S.ref.user_id}|ann>")).refused
    assert await scalar(both, "SELECT count(*) FROM member_links") == 1
    assert not (await say(both, owner, f"member unlink <@{ANN_S.ref.user_id}|ann>")).refused
    assert await scalar(both, "SELECT count(*) FROM member_links") == 0


async def test_linking_is_refused_while_a_feature_declares_no_merge_step(both, clock):
    from bot.context import Feature, erases_nothing
    from bot.core import Core
    from bot.features.catalog import all_features
    from bot.settings import Settings

    late = Feature(name="late", settings=Settings, erase=erases_nothing, repositories={})
    core = Core(both.core.uow_factory, clock, [*all_features(), late])
    both.core = core
    reply = await link(both, ANN_S, ANN_D)
    assert reply.refused and "late" in reply.text
    assert await scalar(both, "SELECT count(*) FROM member_links") == 0


async def test_a_third_identity_joins_the_member_the_first_two_became(both):
    ann_again = slack("U7", "ann2")
    await kudos(both, BOB_S, ann_again)
    await link(both, ANN_S, ANN_D)
    await link(both, ann_again, ANN_D)  # a code of the Slack account, used as the linked Discord identity
    ids = {(await member_of(both, person)).id for person in (ANN_S, ANN_D, ann_again)}
    assert len(ids) == 1 and await board(both) == {"ann2": 1}  # the oldest identity leads
    assert await scalar(both, "SELECT count(*) FROM member_links") == 2
    assert not (await say(both, ANN_S, "unlink")).refused
    assert len({(await member_of(both, person)).id for person in (ANN_S, ANN_D, ann_again)}) == 3


async def test_erasing_a_linked_member_erases_every_identity(both):
    owner = slack("U0", "olga", role=Role.OWNER)
    await link(both, ANN_S, ANN_D)
    await say(both, owner, f"member erase <@{ANN_S.ref.user_id}|ann>")
    assert await scalar(both, "SELECT count(*) FROM members WHERE name IN ('ann', 'ann_d')") == 0
    assert await scalar(both, "SELECT count(*) FROM members WHERE erased_at IS NOT NULL") == 2


async def totals(app, now) -> list:
    """The running totals of the periods running now (older ones are never shown, and a recount drops them)."""
    from sqlalchemy import select

    from storage.models import KudosTotalRow as T
    from storage.repositories.kudos_totals import period_key

    async with app.engine.connect() as connection:
        rows = (await connection.execute(select(T.direction, T.period, T.period_start, T.tag_id, T.member_id,
                                                T.count))).all()
    return sorted(tuple(r) for r in rows if r.period_start == period_key(r.period, now, "UTC"))


async def test_the_merge_recounts_the_two_members_totals_as_a_full_recount_would(both, clock):
    for giver, receiver, reason in ((BOB_S, ANN_S, "a #seo"), (ANN_S, BOB_S, "b"), (CAROL_D, ANN_D, "c #seo"),
                                    (ANN_D, DAN_D, "d"), (DAN_D, ANN_D, "e #ops")):
        await kudos(both, giver, receiver, reason)
        clock.advance(days=3)
    await link(both, ANN_S, ANN_D)
    merged = await totals(both, clock.now())
    async with both.core.uow_factory() as uow:
        community = await uow.communities.by_name("Both")
        await uow.kudos.rebuild_totals(community.id, community.zone, clock.now())
        await uow.commit()
    assert merged and merged == await totals(both, clock.now())
