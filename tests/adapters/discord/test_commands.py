"""Every declared command through the real discord.py client, the fake Discord and a real SQLite store."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.discord.tree import discord_names, option_names
from bot.commands import CommandSpec, Kind, Param
from bot.reply import Reply
from tests.fakes import discord_payloads as p

OWNER = p.user(p.OWNER_ID, "owner")
ALICE = p.user("1300000000000000011", "alice")
BOB = p.user("1300000000000000012", "bob")
ADMIN_PERMISSIONS = str(1 << 3)
EPHEMERAL = 64


def command_payload(names, spec: CommandSpec, options: list[dict], **kw) -> dict:
    group, sub = names[spec.name]
    return p.slash_command(group, options, subcommand=sub, command_guild_id=p.GUILD_ID, **kw)


def sample_options(spec: CommandSpec) -> list[dict]:
    """A value for each required option, whatever the command."""
    samples = {Kind.TEXT: "thanks for the audit", Kind.WORD: "Europe/Berlin", Kind.INT: 1, Kind.TAGS: "seo"}
    options = []
    for param in spec.params:
        if param.optional:
            continue
        name = option_names(param, spec)[0]
        if param.kind in (Kind.MEMBER, Kind.MEMBERS):
            options.append(p.user_option(name, BOB, p.member(BOB)))
        elif param.kind is Kind.CHOICE:
            options.append(p.option(name, param.choices[0]))
        else:
            options.append(p.option(name, samples[param.kind]))
    return options


async def test_every_declared_command_is_synced_and_answers(app, fake, copbot, running, answer):
    client = copbot()
    names = discord_names(app.core.book)
    async with running(client):
        [put] = fake.calls("PUT", f"/applications/{p.APPLICATION_ID}/guilds/{p.GUILD_ID}/commands")
        slash = [c for c in put.json if c.get("type", 1) == 1]  # message context-menu commands are type 3
        assert {c["name"] for c in put.json if c.get("type") == 3} == {"Mark as solution"}
        synced = {(c["name"], o["name"]) if o.get("type") == 1 else (c["name"], None)
                  for c in slash for o in (c["options"] or [{}])}
        synced |= {(c["name"], None) for c in slash if not any(o.get("type") == 1 for o in c["options"])}
        answered = []
        for spec in app.core.book.specs.values():
            assert names[spec.name] in synced, spec.name
            response = await answer(command_payload(names, spec, sample_options(spec), user=OWNER))
            data = response["data"]
            text = (data.get("content") or "") + " ".join(e.get("description") or "" for e in data.get("embeds", []))
            assert response["type"] == 4 and "went wrong" not in text, (spec.name, text)
            assert data["allowed_mentions"] == {"parse": []}
            answered.append(spec.name)
    assert answered == list(app.core.book.specs)
    assert names["kudos"] == ("kudos", "give") and names["kudos undo"] == ("kudos", "undo")
    assert names["profile"] == ("profile", None)


async def test_kudos_names_the_receiver_without_pinging_and_counts(app, fake, copbot, running, answer):
    names = discord_names(app.core.book)
    kudos = app.core.book.specs["kudos"]
    async with running(copbot()):
        options = [p.user_option("member1", BOB, p.member(BOB)), p.option("reason", "the audit"),
                   p.option("tags", "seo")]
        response = await answer(command_payload(names, kudos, options, user=ALICE))
        assert response["type"] == 4 and "Bob" in response["data"]["content"]
        assert not response["data"].get("flags", 0) & EPHEMERAL
        assert response["data"]["allowed_mentions"] == {"parse": []}
        board = await answer(command_payload(names, app.core.book.specs["leaderboard"], [], user=ALICE))
        assert "Bob" in board["data"]["content"]


async def test_a_member_using_a_manager_command_is_refused_privately(app, fake, copbot, running, answer):
    names = discord_names(app.core.book)
    role = app.core.book.specs["role"]
    options = [p.option("action", "grant"), p.user_option("member", BOB, p.member(BOB)), p.option("role", "champion")]
    async with running(copbot()):
        refused = await answer(command_payload(names, role, options, user=ALICE))
        assert refused["data"]["flags"] & EPHEMERAL and "Only a manager" in refused["data"]["content"]
        admin = p.user("1300000000000000013", "admin")
        granted = await answer(command_payload(names, role, options, user=admin,
                                               member_permissions=ADMIN_PERMISSIONS))
        assert "Bob is now champion" in granted["data"]["content"]


async def test_a_mass_mention_in_user_text_is_defused_and_pings_nobody(app, fake, copbot, running, answer):
    names = discord_names(app.core.book)
    options = [p.user_option("member1", BOB, p.member(BOB)), p.option("reason", "for @everyone and @here <@&42>")]
    async with running(copbot()):
        response = await answer(command_payload(names, app.core.book.specs["kudos"], options, user=ALICE))
    content = response["data"]["content"]
    assert "@everyone" not in content and "@\u200beveryone" in content and "<@&42>" not in content
    assert response["data"]["allowed_mentions"] == {"parse": []}


async def test_tags_are_autocompleted_from_the_core(app, fake, copbot, running, answer):
    names = discord_names(app.core.book)
    kudos = app.core.book.specs["kudos"]
    async with running(copbot()):
        options = [p.user_option("member1", BOB, p.member(BOB)), p.option("reason", "audit"), p.option("tags", "seo")]
        await answer(command_payload(names, kudos, options, user=ALICE))
        auto = p.autocomplete("kudos", {"tags": "tech #s"}, focused="tags", subcommand="give",
                              command_guild_id=p.GUILD_ID, user=ALICE)
        response = await answer(auto)
    assert response["type"] == 8
    assert response["data"]["choices"] == [{"name": "tech #seo", "value": "tech #seo"}]


@dataclass(frozen=True)
class Note:
    title: str | None = None
    body: str | None = None


async def _note(cmd: Note, ctx) -> Reply:
    return Reply.public(f"noted: {cmd.title} / {cmd.body}")


async def test_a_form_command_without_options_opens_a_modal_and_its_submit_runs(app, fake, copbot, running, answer):
    spec = CommandSpec("note", "Write a note", Note, _note, form=True,
                       params=(Param("title", Kind.WORD, "a title"), Param("body", Kind.TEXT, "the note")))
    app.core.book.add(spec)
    async with running(copbot()):
        opened = await answer(p.slash_command("note", [], command_guild_id=p.GUILD_ID, user=ALICE))
        assert opened["type"] == 9 and opened["data"]["custom_id"] == "copbot-form:note"
        labels = [row["components"][0]["label"] for row in opened["data"]["components"]]
        assert labels == ["a title", "the note"]
        submitted = await answer(p.modal_submit("copbot-form:note", {"title": "Hi", "body": "long text"}, user=ALICE))
    assert submitted["type"] == 4 and submitted["data"]["content"] == "noted: Hi / long text"


async def test_outside_a_server_global_commands_say_so_and_stale_ones_point_to_help(
        app, fake, copbot, running, answer):
    async with running(copbot(guild_ids=[])):
        assert fake.calls("PUT", f"/applications/{p.APPLICATION_ID}/commands")  # global sync
        in_dm = await answer(p.slash_command("profile", [], guild_id=None, user=ALICE))
        stale = await answer(p.slash_command("gone", [], user=ALICE))
    assert in_dm["data"]["flags"] & EPHEMERAL and "inside a server" in in_dm["data"]["content"]
    assert stale["data"]["flags"] & EPHEMERAL and "/help" in stale["data"]["content"]
