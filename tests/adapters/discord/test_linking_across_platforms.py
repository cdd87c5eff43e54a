"""One person on Slack and on Discord, through both adapters' fakes: kudos on each side, a link, one leaderboard
line with the sum. The Slack adapter is served over HTTP against FakeSlack; discord.py runs against FakeDiscord;
both drive one copbot on one store, for one community bound to both."""

from __future__ import annotations

import re

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

ANN_D = p.user("1300000000000000021", "ann")
CAROL_D = p.user("1300000000000000022", "carol")
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


async def test_a_member_linked_across_platforms_has_one_leaderboard_line(fake, running, answer, tmp_path):
    async with FakeSlack() as slack, aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=PATIENCE)) as http:
        slack.add_user("U0ANN", "ann")
        slack.add_user("U0BOB", "bob")
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
                ack = await rig.command("/kudos", "<@U0ANN|ann> thanks for the audit", user_id="U0BOB",
                                        user_name="bob")
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
        finally:
            await service.stop()
            await app.close()
    for board in (on_discord, on_slack):
        assert re.findall(r"^\d+\. (.+) — (\d+)$", board, flags=re.MULTILINE) == [("ann", "2")], board
