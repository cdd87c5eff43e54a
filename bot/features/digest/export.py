"""The digest as files (`copbot digest`): text as it reads in chat, JSON, CSV (one row per week and number)
and the chart."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import datetime

from bot.errors import Refusal
from bot.features.digest.feature import build_digest, chart_attachment
from bot.features.digest.metrics import series, top_helpers, top_receivers
from bot.features.digest.weeks import parse_week
from bot.ports import UnitOfWork
from bot.reply import render_stamps


async def digest_files(uow_factory: Callable[[], UnitOfWork], community_name: str, week_text: str | None,
                       now: datetime) -> dict[str, bytes]:
    async with uow_factory() as uow:
        community = await uow.communities.by_name(community_name)
        if community is None:
            names = ", ".join(c.name for c in await uow.communities.all()) or "none yet"
            raise Refusal(f"There is no community called '{community_name[:60]}' (communities: {names}).")
        week = parse_week(week_text or "last", now, community.zone)
        digest = await build_digest(uow, community, week, now, chart=False)
    history, label = digest.history, week.label
    weeks = series(history)
    labels = [w.week.label for w in history.weeks[-len(weeks):]]
    text = render_stamps(digest.reply.plain_text(), lambda moment, _style: moment.isoformat())
    names = history.names
    data = {
        "community": community.name, "week": label, "zone": community.zone,
        "weeks": [{"week": w, **numbers} for w, numbers in zip(labels, weeks, strict=True)],
        "new_members": [m.name for m in history.weeks[-1].newcomers],
        "top_receivers": [{"name": names.get(m, "?"), "kudos": n} for m, n in top_receivers(history)],
        "top_helpers": [{"name": names.get(m, "?"), "count": n} for m, n in top_helpers(history)],
        "top_tags": [{"tag": t, "count": n} for t, n in history.top_tags],
        "actions": [line for line in text.splitlines() if line[:2].rstrip(".").isdigit()],
    }
    table = io.StringIO()
    writer = csv.writer(table)
    writer.writerow(["week", "metric", "value"])
    for w, numbers in zip(labels, weeks, strict=True):
        writer.writerows([w, key, "" if value is None else value] for key, value in numbers.items())
    return {
        f"digest-{label}.txt": (text + "\n").encode(),
        f"digest-{label}.json": (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode(),
        f"digest-{label}.csv": table.getvalue().encode(),
        f"digest-{label}.png": chart_attachment(history).content,
    }
