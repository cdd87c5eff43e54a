"""The core's Reply as Slack Block Kit, within Slack's limits.

Limits (Slack's): 50 blocks a message, 3,000 characters in a section's text, 10 fields of 2,000 characters
in a section, 25 elements in an actions block, 75 characters on a button. A reply that does not fit one message
is split into several (at most MAX_MESSAGES); what still does not fit is cut with a note saying so.

Everything the core wrote is escaped (&, <, >) before it reaches Slack, so a `<!channel>` in someone's kudos
reason is shown, never pinged; times are then rendered as `<!date^...>` so each reader sees their own zone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.reply import Button, MessageLink, Reply, TimeStyle, Visibility, render_links, render_stamps

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_BUTTONS = 25
MAX_BUTTON_LABEL = 75
MAX_BUTTON_VALUE = 2000
MAX_FALLBACK_TEXT = 3000
MAX_MESSAGES = 5
BUTTON_ACTION_PREFIX = "copbot.run."

# A stamp's style as Slack date tokens.
_DATE_TOKENS = {
    TimeStyle.DATETIME_LONG: "{date_long_pretty} at {time}", TimeStyle.DATETIME: "{date_short_pretty} at {time}",
    TimeStyle.DATE_LONG: "{date_long_pretty}", TimeStyle.DATE: "{date_num}", TimeStyle.TIME: "{time}",
    TimeStyle.TIME_SECONDS: "{time_secs}", TimeStyle.RELATIVE: "{ago}",
}


@dataclass(frozen=True)
class SlackMessage:
    text: str  # the notification and fallback text
    blocks: list[dict]


def escape(text: str) -> str:
    """Slack's three control characters, as Slack documents them."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_date(moment: datetime, style: TimeStyle) -> str:
    token = _DATE_TOKENS[style]
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{token}|{fallback}>"


Links = Mapping[tuple[str, str], str]  # (channel, ts) -> the message's permalink


def mrkdwn(text: str, links: Links | None = None) -> str:
    """Core text as Slack mrkdwn: escaped, then message links (`<permalink|label>`, the label alone when the
    permalink is not known) and stamps as viewer-local dates."""
    def link(found: MessageLink) -> str:
        url = (links or {}).get((found.channel_id, found.message_id))
        return f"<{url}|{found.label.replace('|', '¦')}>" if url else found.label

    return render_stamps(render_links(escape(text), link), slack_date)


def response_type(reply: Reply) -> str:
    return "in_channel" if reply.visibility is Visibility.PUBLIC else "ephemeral"


def render(reply: Reply, links: Links | None = None) -> list[SlackMessage]:
    """One or more messages (in order) that together show the whole reply."""
    blocks = _blocks(reply, links)
    chunks = [blocks[i:i + MAX_BLOCKS] for i in range(0, len(blocks), MAX_BLOCKS)] or [[]]
    if len(chunks) > MAX_MESSAGES:
        dropped = sum(len(c) for c in chunks[MAX_MESSAGES:]) + 1
        chunks = chunks[:MAX_MESSAGES]
        chunks[-1] = chunks[-1][:-1] + [_context(f"… {dropped} more parts were cut: this reply is too long"
                                                 " for Slack.")]
    fallback = _cut(mrkdwn(reply.plain_text(), links), MAX_FALLBACK_TEXT) or " "
    messages = [SlackMessage(fallback, chunks[0])]
    messages += [SlackMessage(f"(continued {n}/{len(chunks)})", chunk) for n, chunk in enumerate(chunks[1:], 2)]
    return messages


def _blocks(reply: Reply, links: Links | None) -> list[dict]:
    blocks: list[dict] = [_section(part) for part in split_text(mrkdwn(reply.text, links), MAX_SECTION_TEXT)]
    for section in reply.sections:
        if section.text:
            blocks += [_section(part) for part in split_text(mrkdwn(section.text, links), MAX_SECTION_TEXT)]
        fields = [_cut(f"*{mrkdwn(f.name, links)}*\n{mrkdwn(f.value, links)}", MAX_FIELD_TEXT)
                  for f in section.fields]
        for i in range(0, len(fields), MAX_FIELDS):
            blocks.append({"type": "section",
                           "fields": [{"type": "mrkdwn", "text": text} for text in fields[i:i + MAX_FIELDS]]})
    buttons = [_button(n, b) for n, b in enumerate(reply.buttons) if len(b.command) <= MAX_BUTTON_VALUE]
    for i in range(0, len(buttons), MAX_BUTTONS):
        blocks.append({"type": "actions", "block_id": f"copbot.actions.{i}", "elements": buttons[i:i + MAX_BUTTONS]})
    return blocks


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _button(n: int, button: Button) -> dict:
    element = {"type": "button", "action_id": f"{BUTTON_ACTION_PREFIX}{n}", "value": button.command,
               "text": {"type": "plain_text", "text": _cut(button.label, MAX_BUTTON_LABEL) or "?", "emoji": True}}
    if button.style in ("primary", "danger"):
        element["style"] = button.style
    return element


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut at line breaks, else at spaces, else anywhere."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        opened = rest.rfind("<", 0, cut)  # never cut inside one of our <!date^...> tokens
        if opened > 0 and rest.rfind(">", 0, cut) < opened:
            cut = opened
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
