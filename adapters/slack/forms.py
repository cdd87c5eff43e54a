"""Modals for commands declared with a form: the declared fields (text inputs), or with `form=True` one input
per parameter; and the answers back to a command line.

Built from the command's declaration only, so a new parameter or field appears in the form without an edit here."""

from __future__ import annotations

import json

from adapters.slack.text import specials
from bot.commands import CommandSpec, FormField, Kind, Mention, Param, Typed

FORM_CALLBACK = "copbot.form"
VALUE = "value"  # the action_id of every input; the block_id is the parameter's name
MAX_TITLE = 24
MAX_OPTIONS = 100
MAX_PLACEHOLDER = 150
MAX_INPUT = 3000
MAX_ERROR = 2000


def form_view(spec: CommandSpec, *, channel_id: str, response_url: str | None) -> dict:
    metadata = json.dumps({"command": spec.name, "channel": channel_id, "response_url": response_url})
    return {
        "type": "modal",
        "callback_id": FORM_CALLBACK,
        "private_metadata": metadata,
        "title": {"type": "plain_text", "text": _cut(f"/{spec.name}", MAX_TITLE)},
        "submit": {"type": "plain_text", "text": "Send"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [_field(f) for f in spec.declared_form.fields] if spec.declared_form else
                  [_input(p) for p in spec.params],
    }


def _field(field: FormField) -> dict:
    element = {"type": "plain_text_input", "action_id": VALUE, "multiline": field.multiline,
               "max_length": min(max(field.max_len, 1), MAX_INPUT)}
    if field.placeholder:
        element["placeholder"] = {"type": "plain_text", "text": _cut(field.placeholder, MAX_PLACEHOLDER)}
    return {"type": "input", "block_id": field.name, "optional": not field.required,
            "label": {"type": "plain_text", "text": _cut(field.label, 2000)}, "element": element}


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


def form_values(spec: CommandSpec, values: dict) -> dict[str, Typed]:
    """The typed values of a submitted modal, keyed as `CommandSpec.line` reads them."""
    if form := spec.declared_form:
        return {f.name: specials(_typed(values, f.name)) for f in form.fields}
    typed: dict[str, Typed] = {}
    for param in spec.params:
        state = (values.get(param.name) or {}).get(VALUE) or {}
        if param.kind is Kind.MEMBER:
            typed[param.name] = Mention(state["selected_user"]) if state.get("selected_user") else None
        elif param.kind is Kind.MEMBERS:
            typed[param.name] = [Mention(u) for u in state.get("selected_users") or []]
        elif param.kind is Kind.CHOICE:
            typed[param.name] = (state.get("selected_option") or {}).get("value")
        else:
            typed[param.name] = specials(state.get("value") or "")
    return typed


def _typed(values: dict, block_id: str) -> str:
    return ((values.get(block_id) or {}).get(VALUE) or {}).get("value") or ""


def form_errors(spec: CommandSpec, concerns: str | None, message: str) -> dict[str, str] | None:
    """`response_action: errors` for a refusal about one of the form's inputs; None when it names none."""
    if (form := spec.declared_form) is not None:
        block = form.field_for(concerns)
    else:
        block = concerns if any(p.name == concerns for p in spec.params) else None
    return {block: _cut(message, MAX_ERROR)} if block else None


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
