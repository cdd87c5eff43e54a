"""Message shortcuts: one per message action the core declares (`MessageActionSpec`), named by callback_id."""

from __future__ import annotations

SHORTCUT_PREFIX = "copbot_"


def shortcut_id(action: str) -> str:
    """The callback_id of an action's shortcut: "mark-solution" -> "copbot_mark_solution"."""
    return SHORTCUT_PREFIX + action.replace("-", "_")


def action_name(callback_id: str, declared: tuple[str, ...]) -> str | None:
    """The declared action a shortcut's callback_id names, or None (an old shortcut still in the manifest)."""
    return next((name for name in declared if shortcut_id(name) == callback_id), None)
