"""The real process: ``copbot run --config C`` with Discord enabled, against the tests' fake Discord."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.fakes import discord_payloads as p
from tests.fakes.discord_fake import FakeDiscord

ROOT = Path(__file__).resolve().parents[3]
COPBOT = Path(sys.executable).parent / "copbot"
OWNER = p.user(p.OWNER_ID, "owner")
ALICE = p.user("1300000000000000011", "alice")
BOB = p.user("1300000000000000012", "bob")
CAROL = p.user("1300000000000000014", "carol", global_name="Carol Join")


async def start(fake: FakeDiscord, tmp_path: Path) -> asyncio.subprocess.Process:
    config = tmp_path / "copbot.toml"
    config.write_text(f'[discord]\nenabled = true\napi_base_url = "{fake.api_base}"\n'
                      f'guild_ids = ["{p.GUILD_ID}"]\n', encoding="utf-8")
    env = {**os.environ, "DISCORD_TOKEN": "fake-bot-token", "PYTHONPATH": str(ROOT),
           "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/copbot.db"}
    return await asyncio.create_subprocess_exec(str(COPBOT), "run", "--config", str(config), env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def answer(fake: FakeDiscord, payload: dict, within: float = 5.0) -> dict:
    await fake.dispatch("INTERACTION_CREATE", payload)
    await fake.wait_for_call("POST", f"/interactions/{payload['id']}/{payload['token']}/callback", within=within)
    return next(r for r in fake.interaction_responses if r["interaction_id"] == payload["id"])


async def stop(process: asyncio.subprocess.Process) -> tuple[int, str]:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), 15)
    return process.returncode, stderr.decode()


async def test_copbot_run_connects_syncs_answers_kudos_and_records_a_join(tmp_path):
    async with FakeDiscord() as fake:
        process = await start(fake, tmp_path)
        try:
            [put] = await fake.wait_for_call("PUT", f"/applications/{p.APPLICATION_ID}/guilds/{p.GUILD_ID}/commands",
                                             within=30)
            assert {c["name"] for c in put.json} >= {"kudos", "profile", "leaderboard", "help"}
            await fake.wait_for_ready(within=10)

            kudos = p.slash_command("kudos", [p.user_option("member1", BOB, p.member(BOB)),
                                              p.option("reason", "the audit")],
                                    subcommand="give", command_guild_id=p.GUILD_ID, user=ALICE)
            response = await answer(fake, kudos)
            assert response["type"] == 4 and "Bob" in response["data"]["content"]
            assert response["data"]["allowed_mentions"] == {"parse": []}

            await fake.dispatch("GUILD_MEMBER_ADD", p.member_add(CAROL))

            async def profile_names_carol() -> None:
                # A button names Carol by id only; the name shown is the one her join recorded.
                while True:
                    press = p.component_press(f"copbot:profile <@{CAROL['id']}>", user=OWNER)
                    if (await answer(fake, press))["data"]["content"] == "Profile of Carol Join":
                        return

            await asyncio.wait_for(profile_names_carol(), 10)
        finally:
            code, stderr = await stop(process)
    assert code == 0, stderr[-2000:]
    assert "fake-bot-token" not in stderr


async def test_copbot_run_exits_non_zero_with_the_portal_hint_on_4014(tmp_path):
    async with FakeDiscord(refuse_privileged_intents=True) as fake:
        process = await start(fake, tmp_path)
        try:
            await asyncio.wait_for(process.wait(), 30)
        finally:
            code, stderr = await stop(process)
    assert code != 0
    assert "Server Members Intent" in stderr and "Developer Portal" in stderr
