"""One community on Slack and on Discord, through both adapters' fakes: a person with kudos on each side, a link,
one leaderboard line with the sum; a question asked on Discord, mirrored to Slack, answered there, solved from the
answer's copy on Discord and found once by /search on each side. The Slack adapter is served over HTTP against FakeSlack; discord.py runs against FakeDiscord;
both drive one copbot on one store, for one community bound to both."""

from __future__ import annotations

import json
import re
from contextlib import asynccontextmanager

import aiohttp

from adapters.app.bootstrap import build
from adapters.app.config import CommunityConfig, Config, DatabaseConfig, DiscordConfig, SlackConfig
from adapters.discord.client import make_client
from adapters.discord.tree import discord_names, option_names
from adapters.slack.service import SlackService, SlackTokens
from tests.adapters.slack.rig import SlackRig
from tests.fakes import discord_payloads as p
from tests.fakes import slack_payloads as sp
from tests.fakes.patience import PATIENCE
from tests.fakes.slack_fake import FakeSlack
from tests.features.questions.conftest import answers, kudos, questions

ANN_D = p.user("1300000000000000021", "ann")
CAROL_D = p.user("1300000000000000022", "carol")
MARK = "Mark as solution"
JUMP = "https://discord.com/channels/{}/{}/{}"
CODE = re.compile(r"\b[A-Z2-9]{8}\b")


def discord_command(app, name: str, user: dict, **values) -> dict:
    spec = app.core.book.specs[name]
    group, sub = discord_names(app.core.book)[name]
    options = []
    for param in spec.params:
        if param.name in values:
            value = values[param.name]
            option = option_names(param, spec)[0]
            options.append(p.user_option(option, value, p.member(value)) if isinstance(value, dict)
                           else p.option(option, value))
    return p.slash_command(group, options, subcommand=sub, command_guild_id=p.GUILD_ID, user=user)


@asynccontextmanager
async def both_platforms(fake, running, tmp_path):
    """(app, the Slack rig) with the Slack service serving HTTP and copbot's Discord client running."""
    async with FakeSlack() as slack, aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=PATIENCE)) as http:
        for user, name in (("U0ANN", "ann"), ("U0BOB", "bob")):
            slack.add_user(user, name)
        config = Config(database=DatabaseConfig(url=f"sqlite+aiosqlite:///{tmp_path}/copbot.db"),
                        slack=SlackConfig(enabled=True, mode="http", api_base_url=slack.api_base),
                        discord=DiscordConfig(enabled=True, guild_ids=[p.GUILD_ID]),
                        communities=[CommunityConfig(name="Both", slack=[sp.TEAM_ID], discord=[p.GUILD_ID])])
        app = await build(config)
        service = SlackService(app.core, config.slack, SlackTokens("xoxb-test", "secret", "xapp-test"))
        try:
            await service.check_token()
            app.outbound.add("slack", service.outbound)
            port = await service.serve_http("127.0.0.1", 0)
            rig = SlackRig(app, service, slack, http, f"http://127.0.0.1:{port}{config.slack.path}")
            client = make_client(app.core, api_base=fake.api_base, guild_ids=[p.GUILD_ID],
                                 sync_state=tmp_path / "discord-commands.json", guild_ready_timeout=0.05)
            app.outbound.add("discord", client.outbound)
            async with running(client):
                yield app, rig
        finally:
            await service.stop()
            await app.close()


async def test_a_member_linked_across_platforms_has_one_leaderboard_line(fake, running, answer, tmp_path):
    async with both_platforms(fake, running, tmp_path) as (app, rig):
        ack = await rig.command("/kudos", "<@U0ANN|ann> thanks for the audit", user_id="U0BOB", user_name="bob")
        assert "gave kudos" in ack["text"]
        given = await answer(discord_command(app, "kudos", CAROL_D, receivers=ANN_D, reason="great talk"))
        assert "gave kudos" in given["data"]["content"]
        before = await answer(discord_command(app, "leaderboard", CAROL_D))
        assert len(re.findall(r"^\d+\. .+ — 1$", before["data"]["content"], flags=re.MULTILINE)) == 2

        offered = await rig.command("/link", "", user_id="U0ANN", user_name="ann")
        assert offered["response_type"] == "ephemeral"
        code = CODE.search(offered["text"]).group(0)
        linked = await answer(discord_command(app, "link", ANN_D, code=code))
        assert linked["data"]["flags"] & 64 and "Linked" in linked["data"]["content"]

        on_discord = (await answer(discord_command(app, "leaderboard", CAROL_D)))["data"]["content"]
        on_slack = (await rig.command("/leaderboard", "", user_id="U0BOB", user_name="bob"))["text"]
    for board in (on_discord, on_slack):
        assert re.findall(r"^\d+\. (.+) — (\d+)$", board, flags=re.MULTILINE) == [("ann", "2")], board


async def mirror_questions(app) -> None:
    async with app.core.uow_factory() as uow:
        community = await uow.communities.by_name("Both")
        settings = community.settings.model_dump() | {
            "questions_mirror": True, "questions_channel": f"slack:{sp.CHANNEL_ID} discord:{p.CHANNEL_ID}"}
        await uow.communities.update(community.id, settings=type(community.settings)(**settings))
        await uow.commit()


async def test_a_question_asked_on_discord_is_answered_on_slack_solved_on_discord_and_found_once(
        fake, running, answer, tmp_path):
    async with both_platforms(fake, running, tmp_path) as (app, rig):
        await mirror_questions(app)
        posted_ts: list[str] = []
        post = rig.fake._handlers["chat.postMessage"]

        def recording(call) -> dict:
            body = post(call)
            posted_ts.append(body["ts"])
            return body

        rig.fake.respond_with("chat.postMessage", recording)

        asked = await answer(discord_command(app, "ask", ANN_D, text="How do I get my sitemap re-crawled?",
                                             tags="#seo"))
        assert asked["data"]["flags"] & 64
        await app.dispatcher.run_due()
        [question] = [m for m in fake.messages if m["channel_id"] == p.CHANNEL_ID]
        [mirrored] = rig.fake.calls_to("chat.postMessage")  # the mirror, in Slack's questions channel
        assert mirrored.params["channel"] == sp.CHANNEL_ID and "thread_ts" not in mirrored.params
        mirror_ts = posted_ts[0]

        reply = sp.message("U0BOB", "Resubmit it in Search Console.", ts=sp.new_ts(), thread_ts=mirror_ts)
        assert await rig.event(reply) == 200
        await app.dispatcher.run_due()  # the answer's copy, in the Discord question's thread
        [copy] = [m for m in fake.messages if m["channel_id"] == question["id"]]
        assert "bob" in copy["content"] and "Resubmit it in Search Console." in copy["content"]
        assert not copy["allowed_mentions"].get("parse")  # named, never pinging

        marked = await answer(p.message_command(MARK, copy, command_guild_id=p.GUILD_ID, user=ANN_D,
                                                channel=p.thread_channel(question["id"], p.CHANNEL_ID, "q")))
        assert marked["data"]["flags"] & 64
        [q], [a] = await questions(app), await answers(app)
        assert q.status == "solved" and (a.platform, a.message_id, a.accepted_at is not None) == (
            "slack", reply["ts"], True)
        [k] = await kudos(app)
        assert (k.giver_id, k.receiver_id) == (q.asker_id, a.author_id)
        await app.dispatcher.run_due()  # the solved note, in both threads
        assert [c.params.get("thread_ts") for c in rig.fake.calls_to("chat.postMessage")][1:] == [mirror_ts]
        assert len([m for m in fake.messages if m["channel_id"] == question["id"]]) == 2

        on_discord = (await answer(discord_command(app, "search", CAROL_D, words="sitemap")))["data"]
        on_slack = await rig.command("/search", "sitemap", user_id="U0BOB", user_name="bob")
    shown = json.dumps(on_discord)  # found once, linked to the question and the answer's copy on Discord
    assert shown.count(JUMP.format(p.GUILD_ID, p.CHANNEL_ID, question["id"]) + ")") == 1, shown
    assert JUMP.format(p.GUILD_ID, question["id"], copy["id"]) + ")" in shown
    shown = json.dumps(on_slack["blocks"])  # found once, linked to the mirror and the answer on Slack
    assert shown.count(f"<{rig.fake.permalink(sp.CHANNEL_ID, mirror_ts)}|#1>") == 1, shown
    assert f"<{rig.fake.permalink(sp.CHANNEL_ID, reply['ts'])}|" in shown
