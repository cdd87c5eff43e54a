"""/onboarding: where a member stands, marking a step done, stopping the reminders."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands import CommandSpec, Kind, Param
from bot.context import Context
from bot.errors import Refusal
from bot.features.welcome.checklist import INTERESTS, checklist, open_steps, progress
from bot.reply import Field, Reply, Section, Visibility


@dataclass(frozen=True)
class ShowOnboarding:
    pass


@dataclass(frozen=True)
class CompleteStep:
    step: str


@dataclass(frozen=True)
class StopReminders:
    pass


async def show_onboarding(cmd: ShowOnboarding, ctx: Context) -> Reply:
    cid, member = ctx.community.id, ctx.member
    done = await ctx.uow.onboarding.steps_done(cid, member.id)
    onboarding = await ctx.uow.onboarding.get(cid, member.id)
    interests = await ctx.uow.interests.followed(cid, member.id)
    steps, buttons = checklist(ctx.settings, done)
    facts = [Field("Your interests", " ".join(f"#{t}" for t in interests) or "none yet")]
    if onboarding and onboarding.buddy_id:
        buddy = await ctx.uow.members.get(cid, onboarding.buddy_id)
        facts.append(Field("Your buddy", buddy.name))
    reminders_on = bool(onboarding) and onboarding.drips_stopped_at is None and open_steps(ctx.settings, done)
    facts.append(Field("Reminders", "on (/onboarding stop)" if reminders_on else "off"))
    headline = ("🎉 You have done every step. Welcome aboard!" if not open_steps(ctx.settings, done)
                else f"Your onboarding in {ctx.community.name}: {progress(ctx.settings, done)}.")
    return Reply.ephemeral(headline, sections=(steps, Section("", tuple(facts))), buttons=buttons)


async def complete_step(cmd: CompleteStep, ctx: Context) -> Reply:
    steps = ctx.settings.onboarding_steps
    step = cmd.step.lower()
    if step not in steps:
        raise Refusal(f"There is no onboarding step '{cmd.step[:40]}' here. Steps: {', '.join(steps)}.")
    cid, member_id = ctx.community.id, ctx.member.id
    if step == INTERESTS and not await ctx.uow.interests.followed(cid, member_id):
        raise Refusal("Pick at least one interest first: type /interests.")
    newly = await ctx.uow.onboarding.mark_step(cid, member_id, step, ctx.now)
    done = await ctx.uow.onboarding.steps_done(cid, member_id)
    return step_reply(ctx, done, "Done!" if newly else "That step was already done.")


def step_reply(ctx: Context, done: dict, opening: str) -> Reply:
    """What a member sees after a step: the progress, and buttons for what is left."""
    if not open_steps(ctx.settings, done):
        return Reply.ephemeral(f"{opening} 🎉 That was the last step: welcome aboard!")
    steps, buttons = checklist(ctx.settings, done, only_open=True)
    return Reply.ephemeral(f"{opening} Onboarding: {progress(ctx.settings, done)}.", sections=(steps,),
                           buttons=buttons)


async def stop_reminders(cmd: StopReminders, ctx: Context) -> Reply:
    await ctx.uow.onboarding.stop_drips(ctx.community.id, ctx.member.id, ctx.now)
    return Reply.ephemeral("No more onboarding reminders. /onboarding still shows where you stand.")


COMMANDS = (
    CommandSpec("onboarding", "See your onboarding steps and where you stand", ShowOnboarding, show_onboarding,
                visibility=Visibility.EPHEMERAL),
    CommandSpec("onboarding done", "Mark an onboarding step as done", CompleteStep, complete_step,
                params=(Param("step", Kind.WORD, "a step, like guidelines", max_len=40),),
                visibility=Visibility.EPHEMERAL, examples=("/onboarding done guidelines",)),
    CommandSpec("onboarding stop", "Stop the onboarding reminders", StopReminders, stop_reminders,
                visibility=Visibility.EPHEMERAL),
)
