"""The core's Observer, implemented with prometheus-client on a registry this app owns (never the global
default, so tests and several apps in one process each count their own)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from bot.observe import Backlog

# Handlers answer in milliseconds; Slack and Discord give up after 3 s.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# Reminders are due to the second; after downtime they can be hours late.
LAG_BUCKETS = (0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14400)


class PrometheusObserver:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self, registry: CollectorRegistry | None = None):
        self.registry = registry or CollectorRegistry(auto_describe=True)
        r = self.registry
        self.commands = Counter("copbot_commands", "Commands run, by declared name, platform and outcome "
                                "(handled, refused, error)", ["command", "platform", "outcome"], registry=r)
        self.latency = Histogram("copbot_command_seconds", "Time the core took to handle a command",
                                 ["command"], buckets=LATENCY_BUCKETS, registry=r)
        self.errors = Counter("copbot_errors", "Failures logged, by where they happened "
                              "(command, event, listener, outbox)", ["where"], registry=r)
        self.deduplicated = Counter("copbot_events_deduplicated", "Platform events seen again (retries) "
                                    "and not processed twice", ["platform"], registry=r)
        self.lag = Histogram("copbot_dispatch_lag_seconds", "How late outbox messages went out after "
                             "they were due", ["kind"], buckets=LAG_BUCKETS, registry=r)
        self.backlog = Gauge("copbot_outbox_due", "Outbox messages due now and not sent yet", registry=r)
        self.oldest_due = Gauge("copbot_outbox_oldest_due_age_seconds", "How long the oldest unsent due "
                                "outbox message has waited (0 when none)", registry=r)

    # The Observer port (bot/observe.py) ---------------------------------------------------------

    def command(self, name: str, platform: str, outcome: str, seconds: float) -> None:
        self.commands.labels(name, platform, outcome).inc()
        self.latency.labels(name).observe(seconds)

    def event_deduplicated(self, platform: str) -> None:
        self.deduplicated.labels(platform).inc()

    def error(self, where: str) -> None:
        self.errors.labels(where).inc()

    def delivered(self, kind: str, lag_seconds: float) -> None:
        self.lag.labels(kind).observe(max(lag_seconds, 0.0))

    # Scraping ------------------------------------------------------------------------------------

    async def render(self, read_backlog: Callable[[], Awaitable[Backlog]] | None = None) -> bytes:
        """The exposition text. Collectors are synchronous, so what needs the database is read first."""
        if read_backlog is not None:
            backlog = await read_backlog()
            self.backlog.set(backlog.due)
            self.oldest_due.set(backlog.oldest_due_seconds)
        return generate_latest(self.registry)
