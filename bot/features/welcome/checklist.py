"""Onboarding steps as a checklist with a button per open step; each button runs a core command."""

from __future__ import annotations

from collections.abc import Mapping

from bot.features.welcome.settings import WelcomeSettings
from bot.reply import Button, Section

INTRO, INTERESTS, GUIDELINES = "intro", "interests", "guidelines"
DONE_MARK, OPEN_MARK = "✅", "⬜"
MAX_BUTTONS = 5  # fits one row on Discord and one actions block on Slack


def step_label(step: str, settings: WelcomeSettings) -> str:
    if step == INTRO:
        return "Introduce yourself in the intro channel" if settings.intro_channel else "Introduce yourself"
    if step == INTERESTS:
        return "Pick your interests (/interests)"
    if step == GUIDELINES:
        return f"Read the guidelines: {settings.guidelines_link}" if settings.guidelines_link else "Read the guidelines"
    return step.replace("-", " ").replace("_", " ").capitalize()


def step_button(step: str) -> Button:
    if step == INTERESTS:
        return Button("Pick interests", "interests", "primary")
    if step == INTRO:
        return Button("I introduced myself", "onboarding done intro")
    if step == GUIDELINES:
        return Button("I read the guidelines", "onboarding done guidelines")
    return Button(f"Done: {step}"[:40], f"onboarding done {step}")


def open_steps(settings: WelcomeSettings, done: Mapping[str, object]) -> list[str]:
    return [step for step in settings.onboarding_steps if step not in done]


def progress(settings: WelcomeSettings, done: Mapping[str, object]) -> str:
    steps = settings.onboarding_steps
    finished = sum(1 for step in steps if step in done)
    return f"{finished} of {len(steps)} steps done"


def checklist(settings: WelcomeSettings, done: Mapping[str, object],
              *, only_open: bool = False) -> tuple[Section, tuple[Button, ...]]:
    """The steps (all of them, or only the open ones) and buttons for the open ones."""
    steps = open_steps(settings, done) if only_open else settings.onboarding_steps
    lines = [f"{DONE_MARK if step in done else OPEN_MARK} {step_label(step, settings)}" for step in steps]
    title = "Still open:" if only_open else f"Your first steps ({progress(settings, done)}):"
    buttons = tuple(step_button(step) for step in open_steps(settings, done))[:MAX_BUTTONS]
    return Section(title + "\n" + "\n".join(lines)), buttons
