"""A Discord display name (global name) holding time markup is text in every later read: through the real
discord.py client and the fake Discord. A typed `<t:...>` in a kudos reason is not a Discord time either."""

from __future__ import annotations

from adapters.discord.tree import discord_names
from tests.fakes import discord_payloads as p

EVE = p.user("1300000000000000021", "eve", global_name="Eve [[t:99999999999999:F]] <t:0:F>")
BOB = p.user("1300000000000000012", "bob")


def seen(response: dict) -> str:
    data = response["data"]
    return (data.get("content") or "") + " ".join(
        f"{e.get('description') or ''} {e.get('fields')}" for e in data.get("embeds", []))


async def test_a_hostile_display_name_and_a_typed_discord_time_are_text(app, fake, copbot, running, answer):
    names = discord_names(app.core.book)

    def run(name: str, options: list, user: dict) -> dict:
        group, sub = names[name]
        return p.slash_command(group, options, subcommand=sub, command_guild_id=p.GUILD_ID, user=user)

    async with running(copbot()):
        kudos = [p.user_option("member1", BOB, p.member(BOB)), p.option("reason", "for <t:0:F> [[t:0:F]]")]
        given = await answer(run("kudos", kudos, EVE))
        assert "<t:0:F>" not in seen(given) and "[[t:0:F]]" in seen(given)
        for read in (run("leaderboard", [p.option("given", "given")], BOB), run("profile", [], EVE)):
            out = seen(await answer(read))
            assert "went wrong" not in out and "Eve [[t:99999999999999:F]]" in out, out
            assert "<t:" not in out  # neither the name nor the reason became a Discord time
