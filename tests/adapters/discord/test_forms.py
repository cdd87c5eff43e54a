"""Declared forms and autocomplete on Discord: `/meetup create` without options opens a modal with the meetup's
fields (or takes them as options); start, repeat and meetup numbers are autocompleted from the core."""

from __future__ import annotations

import json

from adapters.discord.tree import discord_names
from tests.fakes import discord_payloads as p

OWNER = p.user(p.OWNER_ID, "owner")
EPHEMERAL = 64


def meetup(names: dict, command: str, options: list[dict], **kw) -> dict:
    group, sub = names[f"meetup {command}"]
    return p.slash_command(group, options, subcommand=sub, command_guild_id=p.GUILD_ID, user=OWNER, **kw)


def completing(command: str, options: dict, focused: str) -> dict:
    return p.autocomplete("meetup", options, focused=focused, subcommand=command, command_guild_id=p.GUILD_ID,
                          user=OWNER)


async def test_a_bare_meetup_create_opens_the_declared_fields_and_submitting_creates_it(
        app, fake, copbot, running, answer):
    names = discord_names(app.core.book)
    async with running(copbot()):
        opened = await answer(meetup(names, "create", []))
        assert opened["type"] == 9 and opened["data"]["custom_id"] == "copbot-form:meetup create"
        inputs = [row["components"][0] for row in opened["data"]["components"]]
        assert [i["custom_id"] for i in inputs] == ["title", "start", "repeat", "place", "details"]
        assert [i["label"] for i in inputs][:2] == ["Title", "Start"]
        assert [i["required"] for i in inputs] == [True, True, False, False, False]
        assert inputs[1]["placeholder"] == "next thursday 18:00"
        assert [i["style"] for i in inputs] == [1, 1, 1, 1, 2]  # short, …, paragraph for details
        submitted = await answer(p.modal_submit("copbot-form:meetup create", {
            "title": "Sunday run", "start": "tomorrow 18:00", "repeat": "weekly", "place": "#running",
            "details": "Bring water capacity=12"}, user=OWNER))
        assert submitted["type"] == 4 and "New meetup #1: Sunday run" in submitted["data"]["content"]
        await answer(meetup(names, "create", []))  # a submitted modal is done: a new one for the next try
        bad = await answer(p.modal_submit("copbot-form:meetup create", {
            "title": "Bad", "start": "2027-02-30 18:00", "repeat": "", "place": "", "details": ""}, user=OWNER))
        assert bad["data"]["flags"] & EPHEMERAL and "There is no 30 February" in bad["data"]["content"]
        listing = await answer(meetup(names, "list", []))
    shown = json.dumps(listing["data"])
    assert "Sunday run" in shown and "Bad" not in shown


async def test_the_form_fields_are_options_too(app, fake, copbot, running, answer):
    names = discord_names(app.core.book)
    async with running(copbot()):
        [put] = fake.calls("PUT", f"/applications/{p.APPLICATION_ID}/guilds/{p.GUILD_ID}/commands")
        group = next(c for c in put.json if c["name"] == "meetup")
        create = next(o for o in group["options"] if o["name"] == "create")
        assert [(o["name"], o.get("autocomplete", False)) for o in create["options"]] == [
            ("title", False), ("start", True), ("repeat", True), ("place", False), ("details", False)]
        created = await answer(meetup(names, "create", [p.option("title", "Clinic"),
                                                        p.option("start", "tomorrow 9am")]))
    assert "New meetup #1: Clinic" in created["data"]["content"]


async def test_start_repeat_and_meetup_numbers_are_autocompleted(app, fake, copbot, running, answer):
    names = discord_names(app.core.book)
    async with running(copbot()):
        await answer(meetup(names, "create", [p.option("title", "Sunday run"), p.option("start", "tomorrow 18:00")]))
        start = await answer(completing("create", {"start": "next"}, "start"))
        repeat = await answer(completing("create", {"repeat": "monthly on"}, "repeat"))
        by_number = await answer(completing("rsvp", {"meetup_id": "1"}, "meetup_id"))
        by_title = await answer(completing("show", {"meetup_id": "sun"}, "meetup_id"))
        nothing = await answer(completing("cancel", {"meetup_id": "9"}, "meetup_id"))
    assert start["type"] == 8
    assert start["data"]["choices"] == [{"name": "next thursday 18:00", "value": "next thursday 18:00"}]
    assert [c["value"] for c in repeat["data"]["choices"]] == ["monthly on the first tuesday",
                                                               "monthly on the last friday"]
    [choice] = by_number["data"]["choices"]
    assert choice["value"] == 1 and choice["name"].startswith("1 — Sunday run, ")
    assert by_title["data"]["choices"] == by_number["data"]["choices"]
    assert nothing["data"]["choices"] == []
