"""The digest as a reply: each number with its change against the previous week and its 4-week trend."""

from __future__ import annotations

from collections.abc import Sequence

from bot.features.digest.actions import Action
from bot.features.digest.metrics import History, series, top_helpers, top_receivers
from bot.features.digest.ports import QuestionWeek
from bot.reply import Button, Field, Reply, Section

SMALL = 10  # below this, a change is shown as "3 → 6" with a caution, never as a percentage
BARS = "▁▂▃▄▅▆▇█"
PERCENT = ("recognition_spread", "show_rate")
LABELS = {
    "new": "new members", "activated": "activated (7 days)", "active": "active members", "retained": "retained",
    "gone_quiet": "gone quiet", "left": "left", "kudos_given": "kudos given", "kudos_givers": "distinct givers",
    "kudos_receivers": "distinct receivers", "recognition_spread": "recognition spread", "meetups_held": "meetups held",
    "rsvp_yes": "RSVP yes", "came_after_yes": "came after yes", "show_rate": "show rate", "waitlist": "waitlist",
    "questions_asked": "asked", "questions_answered": "answered", "questions_solved": "solved",
    "questions_unanswered": "unanswered", "first_response_minutes": "median first response (min)",
    "solution_minutes": "median time to solution (min)", "deflected": "deflected",
}
GROUPS = {
    "Members": ("new", "activated", "active", "retained", "gone_quiet", "left"),
    "Questions": ("questions_asked", "questions_answered", "questions_solved", "questions_unanswered",
                  "first_response_minutes", "solution_minutes", "deflected"),
    "Kudos": ("kudos_given", "kudos_givers", "kudos_receivers", "recognition_spread"),
    "Meetups": ("meetups_held", "rsvp_yes", "came_after_yes", "show_rate", "waitlist"),
}


def shown(key: str, value: float | int | None) -> str:
    if value is None:
        return "–"
    if key in PERCENT:
        return f"{round(100 * value)} %"
    return f"{value:g}" if isinstance(value, float) else str(value)


def change(key: str, now: float | int | None, before: float | int | None) -> str:
    """"+12 %" for numbers big enough to mean it; "3 → 6 (small numbers)" otherwise."""
    if now is None or before is None:
        return "no comparison"
    if key in PERCENT:
        points = round(100 * (now - before))
        return f"{points:+d} points" if points else "no change"
    if now == before:
        return "no change"
    if max(abs(now), abs(before)) < SMALL:
        return f"{shown(key, before)} → {shown(key, now)} (small numbers)"
    if before == 0:  # no percentage of nothing
        return f"{shown(key, before)} → {shown(key, now)}"
    return f"{round(100 * (now - before) / before):+d} %"


def trend(values: Sequence[float | int | None]) -> str:
    known = [v for v in values if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    return "".join(" " if v is None else BARS[0 if high == low else round((v - low) / (high - low) * 7)]
                   for v in values)


def digest_reply(community: str, history: History, actions: Sequence[Action], *, tag: str | None = None) -> Reply:
    weeks = series(history)
    this, before = weeks[-1], weeks[-2]
    week = history.weeks[-1].week
    title = f"📊 Weekly digest for {community}, {week.label} (from Monday {week.monday:%d %b})"
    if tag:
        title += f", kudos and questions under #{tag}"
    sections = []
    for group, keys in GROUPS.items():
        if group == "Questions" and not history.has_questions:
            sections.append(Section("*Questions*: not available"))
            continue
        fields = tuple(
            Field(LABELS[k], f"{shown(k, this[k])} ({change(k, this[k], before[k])}) {trend([w[k] for w in weeks[-4:]])}")
            for k in keys)
        if group == "Questions":
            fields += (_unanswered_by_tag(history),)
        sections.append(Section(f"*{group}*", fields))
    sections.append(Section("*People*", _people(history)))
    if not history.has_activity:
        sections.append(Section("_Message counts are not available here: active counts actions only._"))
    if actions:
        sections.append(Section("*Next actions*\n" + "\n".join(f"{n}. {a.text}" for n, a in enumerate(actions, 1))))
    buttons = tuple(Button(a.label, a.command) for a in actions if a.command)[:5]
    return Reply.public(title, sections=tuple(sections), buttons=buttons)


def _unanswered_by_tag(history: History) -> Field:
    by_tag = (history.weeks[-1].questions or QuestionWeek()).unanswered_by_tag
    return Field("unanswered by tag", ", ".join(f"#{t} ({n})" for t, n in list(by_tag.items())[:5]) or "none")


def _people(history: History) -> tuple[Field, ...]:
    this = history.weeks[-1]
    name = history.names.get
    fields = [Field("new members", ", ".join(m.name for m in this.newcomers[:20])
                    + (" …" if len(this.newcomers) > 20 else "") or "nobody")]
    fields.append(Field("top receivers", ", ".join(f"{name(m, '?')} ({n})" for m, n in top_receivers(history))
                        or "nobody"))
    fields.append(Field("top helpers", ", ".join(f"{name(m, '?')} ({n})" for m, n in top_helpers(history))
                        or "nobody"))
    fields.append(Field("top tags", ", ".join(f"#{t} ({n})" for t, n in history.top_tags) or "none"))
    return tuple(fields)
