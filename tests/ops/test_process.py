"""The real `copbot run` with health on: healthy, asked the way Docker's HEALTHCHECK asks, stopped by SIGTERM."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from tests.ops.process import free_port, health_config, start

COPBOT = Path(sys.executable).with_name("copbot")
STOP_LIMIT = 10.0  # seconds: Docker's default grace before SIGKILL


async def test_sigterm_stops_a_healthy_copbot_within_10_s_with_exit_code_0(tmp_path):
    port = free_port()
    config = health_config(tmp_path / "copbot.toml", port)
    running = await start(COPBOT, config, tmp_path, port)
    try:
        await running.wait_healthy()
        checked = await asyncio.to_thread(subprocess.run, [str(COPBOT), "healthcheck", "--config", str(config)],
                                          capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0 and json.loads(checked.stdout)["status"] == "ok", checked
    finally:
        code, seconds = await running.terminate()
    assert code == 0 and seconds < STOP_LIMIT, "\n".join(running.stderr[-20:])

    lines = [json.loads(line) for line in running.stderr]  # stderr is a pipe: every line is JSON
    messages = [line["message"] for line in lines]
    assert "copbot is running" in messages and messages[-1] == "stopped"
    assert (tmp_path / "copbot.db").exists()  # relative to the working directory, as in the image


def test_healthcheck_fails_when_nothing_answers(tmp_path):
    config = health_config(tmp_path / "copbot.toml", free_port())
    checked = subprocess.run([str(COPBOT), "healthcheck", "--config", str(config)], capture_output=True,
                             text=True, timeout=30)
    assert checked.returncode == 1 and json.loads(checked.stdout)["status"] == "unreachable"
