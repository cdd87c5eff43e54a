"""A community on Slack (T1) and two Discord servers (G1, G2): a meetup's posts reach the meetups channel of every
bound workspace once (G2 has none: skipped), and a linked person's reminder DM goes once, to the identity they
last acted through."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from adapters.app.bootstrap import build
from adapters.app.config import CommunityConfig
from bot.core import Invocation
from bot.dispatch import Dispatcher
from bot.identity import ChannelTarget, MemberRef, MemberTarget, Person, Place, Role
from storage.transfer_ids import IdMaps, remap_dedupe_key
from tests.conftest import make_config
from tests.features.linking.helpers import PLACES, discord, link, say, scalar, slack

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday; the meetup is Thursday 26th, 18:00 Berlin
DAY_BEFORE, HOUR_BEFORE = datetime(2026, 11, 25, 17, 0, tzinfo=UTC), datetime(2026, 11, 26, 16, 0, tzinfo=UTC)
AFTER = datetime(2026, 11, 26, 19, 0, tzinfo=UTC)
OLGA = slack("U0", "olga", role=Role.OWNER)
ANN_S, ANN_D, BOB_D = slack("U1", "ann"), discord("42", "ann_d"), discord("43", "bob")
SLACK_HERE = ("slack", "T1", "C1")  # where the meetup is scheduled
DISCORD_MEETUPS = ("discord", "G1", "500")


@dataclass
class Recorder:
    """Every platform's Outbound: what was sent where."""

    sent: list = field(default_factory=list)

    async def send(self, target, reply, *, key):
        self.sent.append((target, reply))

    def take(self) -> list:
        taken, self.sent = self.sent, []
        return taken


def channels(sent) -> list[tuple[str, str, str]]:
    return sorted((t.platform, t.workspace_id, t.channel_id) for t, _ in sent if isinstance(t, ChannelTarget))


def dms(sent) -> list[str]:
    return [str(t.member) for t, _ in sent if isinstance(t, MemberTarget)]


@pytest.fixture
async def three(store_url, clock):
    clock.set(NOW)
    app = await build(make_config(store_url, zone="Europe/Berlin", communities=[CommunityConfig(
        name="Both", zone="Europe/Berlin", slack=["T1"], discord=["G1", "G2"])]), clock=clock)
    app.recorder = Recorder()
    for platform in ("slack", "discord"):
        app.outbound.add(platform, app.recorder)
    yield app
    await app.close()


async def step(app, clock, moment: datetime | None = None) -> list:
    if moment:
        clock.set(moment)
    await app.dispatcher.run_due()
    return app.recorder.take()


async def schedule(app) -> None:
    assert not (await say(app, OLGA, 'meetup create "SEO clinic" 2026-11-26 18:00')).refused


async def test_announcement_reminders_changes_and_follow_up_reach_every_meetups_channel_once(three, clock):
    assert not (await say(three, OLGA, "settings meetups_channel discord:G1:500")).refused
    await schedule(three)
    assert channels(await step(three, clock)) == [DISCORD_MEETUPS]  # Slack's C1 has the command's reply; G2: none
    for moment in (DAY_BEFORE, HOUR_BEFORE, AFTER):
        assert channels(await step(three, clock, moment)) == sorted([SLACK_HERE, DISCORD_MEETUPS]), moment
    # A change typed on Discord: its reply is there; Slack's channel and Discord's meetups channel get a copy.
    await say(three, OLGA, 'meetup create "Study group" 2026-12-03 18:00')
    three.recorder.take()
    await step(three, clock)
    assert not (await say(three, OLGA, "meetup cancel 2", PLACES["discord"])).refused
    assert channels(await step(three, clock)) == sorted([SLACK_HERE, DISCORD_MEETUPS])


async def test_without_a_meetups_channel_only_the_meetups_own_channel_gets_its_posts(three, clock):
    await schedule(three)
    assert channels(await step(three, clock)) == []
    assert channels(await step(three, clock, DAY_BEFORE)) == [SLACK_HERE]


async def test_a_second_dispatcher_and_a_restart_send_each_copy_once(three, store_url, clock):
    assert not (await say(three, OLGA, "settings meetups_channel discord:G1:500 slack:T1:C9")).refused
    await schedule(three)
    await say(three, ANN_S, "meetup rsvp 1 yes")
    await step(three, clock)
    other = Dispatcher(three.core.uow_factory, three.outbound, clock, three.core.features)
    clock.set(DAY_BEFORE)
    await other.run_due()
    await three.dispatcher.run_due()
    again = await build(make_config(store_url, zone="Europe/Berlin"), clock=clock)  # a restart: planning again
    try:
        await again.core.communities.plan_schedules()
        again.outbound.add("slack", three.recorder)
        again.outbound.add("discord", three.recorder)
        await again.dispatcher.run_due()
    finally:
        await again.close()
    sent = three.recorder.take()
    assert channels(sent) == sorted([SLACK_HERE, DISCORD_MEETUPS]) and dms(sent) == ["slack:T1:U1"]


async def test_rsvp_buttons_on_the_discord_copy_answer_for_the_meetup(three, clock):
    assert not (await say(three, OLGA, "settings meetups_channel discord:G1:500")).refused
    await schedule(three)
    [(target, copy)] = await step(three, clock)
    going = next(b.command for b in copy.buttons if b.command.endswith(" yes"))
    place = Place("discord", "G1", target.channel_id)
    reply = await three.core.handle(Invocation(BOB_D, place, going, (BOB_D,)))
    assert not reply.refused
    assert await scalar(three, "SELECT count(*) FROM meetup_rsvps WHERE status = 'yes'") == 1


async def test_a_linked_persons_reminder_dm_goes_where_they_last_acted(three, clock):
    await link(three, ANN_S, ANN_D)  # typed on Discord: ann last acted there
    await schedule(three)
    await say(three, ANN_S, "meetup rsvp 1 yes")  # ... then on Slack
    await say(three, ANN_D, "meetup list")  # ... then on Discord
    await step(three, clock)
    assert dms(await step(three, clock, DAY_BEFORE)) == ["discord:G1:42"]
    await say(three, ANN_S, "meetup list")
    assert dms(await step(three, clock, HOUR_BEFORE)) == ["slack:T1:U1"]


async def test_linking_between_planning_and_sending_leaves_one_dm_on_the_last_used_identity(three, clock):
    await schedule(three)
    await say(three, ANN_S, "meetup rsvp 1 yes")
    await say(three, ANN_D, "meetup rsvp 1 yes")  # two members, two answers, reminders planned for both
    await link(three, ANN_S, ANN_D)  # typed on Discord, by the identity whose member merges into the older one
    await step(three, clock)
    assert dms(await step(three, clock, DAY_BEFORE)) == ["discord:G1:42"]


async def test_unlinked_members_get_their_dm_where_they_are_and_are_never_written_for_it(three, clock):
    await link(three, ANN_S, ANN_D)
    await say(three, ANN_S, "meetup list")
    assert await scalar(three, "SELECT user_id FROM members WHERE NOT dm_here") == "42"  # ann's DMs: on Slack
    await say(three, ANN_D, "unlink")
    assert await scalar(three, "SELECT count(*) FROM members WHERE NOT dm_here") == 0  # each their own again
    await schedule(three)
    await say(three, ANN_S, "meetup rsvp 1 yes")
    await say(three, ANN_D, "meetup rsvp 1 yes")
    await say(three, BOB_D, "meetup rsvp 1 yes")
    await step(three, clock)
    assert sorted(dms(await step(three, clock, DAY_BEFORE))) == ["discord:G1:42", "discord:G1:43", "slack:T1:U1"]
    assert await scalar(three, "SELECT count(*) FROM members WHERE NOT dm_here") == 0


async def test_a_merge_leaves_one_identity_per_person_for_their_dms(three, clock):
    async with three.core.uow_factory() as uow:
        community = await uow.communities.by_name("Both")
        ann, ann_d, ann_g2 = [await uow.members.upsert(community.id, p, now=NOW)
                              for p in (ANN_S, ANN_D, Person(MemberRef("discord", "G2", "42"), "ann_g2"))]
        await uow.members.merge(community.id, ann_g2.id, ann_d.id, at=NOW)
        await uow.members.acted_through(community.id, await uow.members.get(community.id, ann_g2.id))
        await uow.members.merge(community.id, ann_d.id, ann.id, at=NOW)  # each side had one: the kept one stays
        reached = await uow.members.reached(community.id, [await uow.members.get(community.id, ann.id)])
        await uow.commit()
    assert await scalar(three, "SELECT count(*) FROM members WHERE dm_here") == 1
    assert await scalar(three, "SELECT user_id FROM members WHERE dm_here") == "U1"
    assert [m.ref for m in reached] == [ANN_S.ref]


def test_the_copies_keys_name_their_meetup_or_occurrence_so_an_import_translates_them():
    maps = IdMaps({"meetups": {7: 70}, "meetup_occurrences": {9: 90}})
    for old, new in (("meetup-post:7:cancel:2026-11-26:discord:G1", "meetup-post:70:cancel:2026-11-26:discord:G1"),
                     ("reminder-post:9@1764176400:1d:discord:G1", "reminder-post:90@1764176400:1d:discord:G1"),
                     ("followup-post:9@1764176400:discord:G1", "followup-post:90@1764176400:discord:G1")):
        assert remap_dedupe_key(old, maps, 1) == new
