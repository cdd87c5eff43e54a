"""Fixtures for operating copbot: the bot built with its Prometheus observer, and /healthz and /metrics served
on a port of their own in the test's event loop."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from adapters.app.bootstrap import App, build
from adapters.app.runner import health_server
from adapters.health import HealthServer
from adapters.metrics import PrometheusObserver
from tests.conftest import make_config


@dataclass
class Served:
    app: App
    health: HealthServer
    http: aiohttp.ClientSession
    base: str

    async def healthz(self) -> tuple[int, dict]:
        async with self.http.get(f"{self.base}/healthz") as response:
            return response.status, await response.json()

    async def metrics(self) -> dict[tuple[str, tuple], float]:
        """Every sample scraped: {(name, sorted labels): value}."""
        async with self.http.get(f"{self.base}/metrics") as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/plain")
            text = await response.text()
        return {(s.name, tuple(sorted(s.labels.items()))): s.value
                for family in text_string_to_metric_families(text) for s in family.samples}


async def serve(app: App, http: aiohttp.ClientSession) -> Served:
    health = health_server(app, app.observer)
    port = await health.start("127.0.0.1", 0)
    return Served(app, health, http, f"http://127.0.0.1:{port}")


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        yield session


@pytest.fixture
async def served(store_url, clock, http) -> AsyncIterator[Served]:
    """The whole bot with metrics, on SQLite and on PostgreSQL, its health server on a free port."""
    app = await build(make_config(store_url), clock=clock, observer=PrometheusObserver())
    s = await serve(app, http)
    yield s
    await s.health.stop()
    await app.close()
