"""Modals for commands declared with `form=True`: one input per parameter, and back to a command line.

Built from the command's declaration only, so a new parameter appears in the form without an edit here."""

from __future__ import annotations

import json

from bot.commands import CommandSpec, Kind, Param

FORM_CALLBACK = "copbot.form"
VALUE = "value"  # the action_id of every input; the block_id is the parameter's name
MAX_TITLE = 24
MAX_OPTIONS = 100


def form_view(spec: CommandSpec, *, channel_id: str, response_url: str | None) -> dict:
    metadata = json.dumps({"command": spec.name, "channel": channel_id, "response_url": response_url})
    return {
        "type": "modal",
        "callback_id": FORM_CALLBACK,
        "private_metadata": metadata,
        "title": {"type": "plain_text", "text": _cut(f"/{spec.name}", MAX_TITLE)},
        "submit": {"type": "plain_text", "text": "Send"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [_input(p) for p in spec.params],
    }


def _input(param: Param) -> dict:
    block = {"type": "input", "block_id": param.name, "optional": param.optional,
             "label": {"type": "plain_text", "text": _cut(param.help[:1].upper() + param.help[1:], 2000)},
             "element": _element(param)}
    return block


def _element(param: Param) -> dict:
    if param.kind is Kind.MEMBER:
        return {"type": "users_select", "action_id": VALUE}
    if param.kind is Kind.MEMBERS:
        return {"type": "multi_users_select", "action_id": VALUE, "max_selected_items": param.max_items}
    if param.kind is Kind.CHOICE:
        options = [{"text": {"type": "plain_text", "text": c[:75]}, "value": c} for c in param.choices]
        return {"type": "static_select", "action_id": VALUE, "options": options[:MAX_OPTIONS]}
    element = {"type": "plain_text_input", "action_id": VALUE, "max_length": max(param.max_len, 1)}
    if param.kind is Kind.TEXT:
        element["multiline"] = True
    if param.kind is Kind.TAGS:
        element["placeholder"] = {"type": "plain_text", "text": "#seo #analytics"}
    return element


def form_metadata(view: dict) -> dict:
    return json.loads(view.get("private_metadata") or "{}")


def line_from_form(spec: CommandSpec, values: dict) -> str:
    """The command line the form's answers spell, as if typed: `kudos <@U2> thanks #seo`."""
    words: list[str] = [spec.name]
    tags: list[str] = []
    for param in spec.params:
        state = (values.get(param.name) or {}).get(VALUE) or {}
        if param.kind is Kind.MEMBER and state.get("selected_user"):
            words.append(f"<@{state['selected_user']}>")
        elif param.kind is Kind.MEMBERS:
            words += [f"<@{u}>" for u in state.get("selected_users") or []]
        elif param.kind is Kind.CHOICE and state.get("selected_option"):
            words.append(state["selected_option"]["value"])
        elif param.kind is Kind.TAGS:
            tags += [f"#{t.lstrip('#')}" for t in (state.get("value") or "").replace(",", " ").split()]
        elif state.get("value"):
            words.append(state["value"])
    return " ".join(words + tags)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
