"""A PNG of the last 8 weeks: active members, questions asked and solved, kudos given.

matplotlib's Agg backend with one Figure per call (never pyplot's global state), imported when a chart is drawn."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence


def chart_png(labels: Sequence[str], weeks: Sequence[Mapping[str, float | int | None]], title: str) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 4), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    x = range(len(labels))
    lines = [("active", "active members"), ("kudos_given", "kudos given"),
             ("questions_asked", "questions asked"), ("questions_solved", "questions solved")]
    for key, name in lines:
        if any(key in w for w in weeks):
            axes.plot(x, [w.get(key) or 0 for w in weeks], marker="o", label=name)
    axes.set_xticks(list(x), [label.split("-")[-1] for label in labels])
    axes.set_title(title, y=1.0)  # placed, not measured against the ticks (a second layout pass)
    axes.set_ylim(bottom=0)
    axes.grid(alpha=0.3)
    axes.legend(loc="upper left", fontsize="small")
    figure.subplots_adjust(left=0.09, right=0.98, top=0.91, bottom=0.08)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
