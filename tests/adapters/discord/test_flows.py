"""Late errors, over-long replies and buttons that outlive a restart."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.discord import interactions
from bot.commands import CommandSpec
from bot.reply import Button, Field, Reply, Section
from tests.fakes import discord_payloads as p

ALICE = p.user("1300000000000000011", "alice")
CAROL = p.user("1300000000000000014", "carol")
EPHEMERAL = 64


@dataclass(frozen=True)
class Nothing:
    pass


def spec(name: str, reply: Reply | Exception, **kw) -> CommandSpec:
    async def handler(cmd, ctx) -> Reply:
        if isinstance(reply, Exception):
            raise reply
        return reply

    return CommandSpec(name, f"test command {name}", Nothing, handler, **kw)


def command(name: str, **kw) -> dict:
    return p.slash_command(name, [], command_guild_id=p.GUILD_ID, user=ALICE, **kw)


async def test_a_late_error_of_a_deferred_public_command_goes_out_privately(app, fake, copbot, running, answer,
                                                                            monkeypatch):
    monkeypatch.setattr(interactions, "DEADLINE", 0)  # the core is always "too slow": the answer is deferred
    app.core.book.add(spec("broken", RuntimeError("boom")))
    async with running(copbot()):
        payload = command("broken")
        assert (await answer(payload))["type"] == 5
        await fake.wait_for_call("POST", f"/webhooks/{p.APPLICATION_ID}/{payload['token']}")
    token = payload["token"]
    assert fake.calls("DELETE", f"/webhooks/{p.APPLICATION_ID}/{token}/messages/@original")  # the public placeholder
    [followup] = fake.followups_for(token)
    assert followup["body"]["flags"] & EPHEMERAL and "went wrong" in followup["body"]["content"]


async def test_an_over_long_reply_is_split_within_discords_limits(app, fake, copbot, running, answer):
    lines = "\n".join(f"line {i}: " + "x" * 90 for i in range(60))  # ~6,000 characters
    fields = tuple(Field(f"field {i}", "v" * 200) for i in range(40))  # > 25 fields, > 6,000 characters
    app.core.book.add(spec("long", Reply.public(lines, sections=(Section("a section", fields),))))
    async with running(copbot()):
        payload = command("long")
        first = await answer(payload)
        await fake.wait_for_call("POST", f"/webhooks/{p.APPLICATION_ID}/{payload['token']}", count=3)
    messages = [first["data"]] + [f["body"] for f in fake.followups_for(payload["token"])]
    assert all(len(m.get("content") or "") <= 2000 for m in messages)
    assert all(len(m.get("embeds", [])) <= 10 for m in messages)
    for m in messages:
        sizes = [len(e.get("description") or "") + sum(len(f["name"]) + len(f["value"]) for f in e.get("fields", []))
                 for e in m.get("embeds", [])]
        assert sum(sizes) <= 6000 and all(len(e.get("fields", [])) <= 25 for e in m.get("embeds", []))
        assert m["allowed_mentions"] == {"parse": []}
    text = "\n".join(m.get("content") or "" for m in messages)
    assert "line 0:" in text and "line 59:" in text
    shown = sum(len(e.get("fields", [])) for m in messages for e in m.get("embeds", []))
    assert shown == 40 and len(messages) == 4


async def test_a_button_still_works_after_a_restart(app, fake, copbot, running, answer):
    buttons = (Button("My profile", "profile", "primary"),)
    app.core.book.add(spec("card", Reply.public("Have a look", buttons=buttons)))
    async with running(copbot()):
        first = await answer(command("card"))
    [row] = first["data"]["components"]
    [button] = row["components"]
    assert button["custom_id"] == "copbot:profile" and button["label"] == "My profile" and button["style"] == 1

    async with running(copbot()):  # a new client, the same database
        press = p.component_press("copbot:profile", user=CAROL)
        response = await answer(press)
    assert response["type"] == 4 and response["data"]["content"] == "Profile of Carol"  # the presser's profile
    assert response["data"]["embeds"][0]["fields"][0]["name"] == "Kudos received"
