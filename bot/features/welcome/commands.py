"""/welcome: champions word the welcome, preview it, and switch it off and on."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands import CommandSpec, Kind, Param
from bot.context import Context
from bot.features.welcome.checklist import checklist
from bot.features.welcome.messages import render
from bot.features.welcome.templates import KINDS, PLACEHOLDERS, check_template
from bot.identity import Role
from bot.reply import Reply, Section, Visibility

# Longer than any one message may be, so the refusal names the message and its own limit; it is also the
# most a Slack modal input takes (a form is built from this parameter).
MAX_TEXT = 3000
RESET_WORD = "default"


@dataclass(frozen=True)
class EditWelcome:
    kind: str
    text: str


@dataclass(frozen=True)
class PreviewWelcome:
    pass


@dataclass(frozen=True)
class TurnWelcomeOff:
    pass


@dataclass(frozen=True)
class TurnWelcomeOn:
    pass


async def edit_welcome(cmd: EditWelcome, ctx: Context) -> Reply:
    text = None if cmd.text.strip().lower() == RESET_WORD else check_template(cmd.kind, cmd.text)
    await ctx.uow.onboarding.set_template(ctx.community.id, cmd.kind, text, by_id=ctx.member.id, at=ctx.now)
    ctx.uow.audit.record(ctx.community.id, ctx.member.id, "welcome.edit", {"kind": cmd.kind, "text": text},
                         ctx.now)
    saved = "Back to the default" if text is None else "Saved"
    shown = await render(ctx.uow, ctx.community, cmd.kind, ctx.member.name)
    return Reply.ephemeral(f"{saved}: {KINDS[cmd.kind].about}. It now reads:\n{shown}")


async def preview_welcome(cmd: PreviewWelcome, ctx: Context) -> Reply:
    settings, name = ctx.settings, ctx.member.name
    state = "on" if settings.welcome_enabled else "off (/welcome on to switch it back on)"
    steps, _ = checklist(settings, {})
    greeting = (await render(ctx.uow, ctx.community, "greeting", name) if settings.welcome_greeting
                else "(no public greeting: welcome_greeting is off)")
    return Reply.ephemeral(
        f"The welcome is {state}. This is what a newcomer called {name} would get:",
        sections=(
            Section("Direct message:\n" + await render(ctx.uow, ctx.community, "dm", name)),
            steps,
            Section("Public greeting:\n" + greeting),
            Section("Someone back within "
                    f"{settings.welcome_back_days} days:\n" + await render(ctx.uow, ctx.community, "back", name)),
        ))


async def turn_welcome_off(cmd: TurnWelcomeOff, ctx: Context) -> Reply:
    await _switch(ctx, on=False)
    return Reply.ephemeral("The welcome is off: no welcome messages, greetings or reminders until /welcome on.")


async def turn_welcome_on(cmd: TurnWelcomeOn, ctx: Context) -> Reply:
    await _switch(ctx, on=True)
    return Reply.ephemeral("The welcome is on: newcomers get it from now on.")


async def _switch(ctx: Context, *, on: bool) -> None:
    settings = ctx.settings.model_copy(update={"welcome_enabled": on})
    await ctx.uow.communities.update(ctx.community.id, settings=settings)
    ctx.uow.audit.record(ctx.community.id, ctx.member.id, "welcome.switch", {"on": on}, ctx.now)


_PLACEHOLDER_LIST = ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)

COMMANDS = (
    CommandSpec(
        "welcome edit", "Change the welcome message, greeting or welcome-back", EditWelcome, edit_welcome,
        params=(Param("kind", Kind.CHOICE, "which message", choices=tuple(KINDS)),
                Param("text", Kind.TEXT, f"the message (placeholders: {_PLACEHOLDER_LIST}; 'default' resets)",
                      max_len=MAX_TEXT, noun="the message")),
        role=Role.CHAMPION, visibility=Visibility.EPHEMERAL, form=True,
        examples=("/welcome edit greeting Say hi to {member}, our newest member!", "/welcome edit dm default"),
    ),
    CommandSpec("welcome preview", "See the welcome as a newcomer would", PreviewWelcome, preview_welcome,
                role=Role.CHAMPION, visibility=Visibility.EPHEMERAL),
    CommandSpec("welcome off", "Stop welcoming newcomers", TurnWelcomeOff, turn_welcome_off,
                role=Role.CHAMPION, visibility=Visibility.EPHEMERAL),
    CommandSpec("welcome on", "Welcome newcomers again", TurnWelcomeOn, turn_welcome_on,
                role=Role.CHAMPION, visibility=Visibility.EPHEMERAL),
)
