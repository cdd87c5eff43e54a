"""The command line as users run it: real processes, real files."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.app.config import Config

ROOT = Path(__file__).resolve().parents[1]
README_SCRIPT = ":as alice\n/kudos @bob thanks for the audit #seo\n:as carol\n/kudos @bob great talk\n/leaderboard\n"


def copbot(*args: str, stdin: str = "", cwd: Path | None = None, env: dict | None = None):
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | (env or {})
    return subprocess.run([sys.executable, "-m", "adapters.app.cli", *args], input=stdin, capture_output=True,
                          text=True, cwd=cwd or ROOT, env=environment, timeout=60)


def test_help_lists_every_command():
    out = copbot("--help").stdout
    for command in ("run", "console", "config", "db"):
        assert re.search(rf"^\s+{command}\b", out, flags=re.MULTILINE), out
    assert "check" in copbot("config", "--help").stdout
    assert "upgrade" in copbot("db", "--help").stdout
    for args in (["run"], ["console"], ["config", "check"], ["db", "upgrade"]):
        assert copbot(*args, "--help").returncode == 0


def test_the_readme_console_script_names_bob_first(tmp_path):
    result = copbot("console", stdin=README_SCRIPT, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.search(r"^1\. bob — 2$", result.stdout, flags=re.MULTILINE), result.stdout
    assert (tmp_path / "copbot.db").exists()  # ./copbot.db by default
    assert "Traceback" not in result.stdout + result.stderr


def test_a_restarted_console_keeps_every_kudos(tmp_path):
    db = tmp_path / "community.db"
    copbot("console", "--db", str(db), stdin=":as alice\n/kudos @bob thanks\n")
    copbot("console", "--db", str(db), stdin=":as carol\n/kudos @dan thanks\n/kudos @bob thanks\n")
    out = copbot("console", "--db", str(db), stdin="/leaderboard\n").stdout
    assert re.findall(r"^\d\. (\w+) — (\d)$", out, flags=re.MULTILINE) == [("bob", "2"), ("dan", "1")]


def test_database_url_from_the_environment_wins(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path}/from-env.db"
    assert copbot("console", stdin="/help\n", cwd=tmp_path, env={"DATABASE_URL": url}).returncode == 0
    assert (tmp_path / "from-env.db").exists() and not (tmp_path / "copbot.db").exists()


def test_config_check_accepts_the_example():
    result = copbot("config", "check", "--config", "config.example.toml")
    assert result.returncode == 0 and "OK" in result.stdout


@pytest.mark.parametrize("toml, expected", [
    ('[slack]\nmod = "http"\n', "slack.mod: unknown key; allowed here: enabled, mode, port, path"),
    ('[slack]\nmode = "pigeon"\n', "slack.mode: Input should be 'socket' or 'http'"),
    ('[defaults]\nzone = "Mars/Base"\n', "defaults.zone: Value error, I don't know the time zone 'Mars/Base'"),
    ('[[communities]]\nname = "x"\nowners = ["bob"]\n', "communities.0.owners: Value error, 'bob' is not"),
    ('[defaults.settings]\nkudos_daily_allowance = 0\n', "defaults.settings.kudos_daily_allowance: Input should be"),
    ("[database\n", "not valid TOML"),
])
def test_a_bad_config_stops_with_one_line_naming_file_and_key(tmp_path, toml, expected):
    path = tmp_path / "bad.toml"
    path.write_text(toml)
    for args in (["config", "check", "--config", str(path)], ["run", "--config", str(path)]):
        result = copbot(*args)
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and str(path) in lines[0] and expected in lines[0], result.stderr


def test_the_example_config_documents_every_key():
    text = (ROOT / "config.example.toml").read_text()

    def keys(model) -> set[str]:
        found = set()
        for name, field in model.model_fields.items():
            found.add(name)
            annotation = field.annotation
            inner = getattr(annotation, "__args__", (annotation,))[0]
            for candidate in (annotation, inner):
                if isinstance(candidate, type) and hasattr(candidate, "model_fields"):
                    found |= keys(candidate)
        return found

    undocumented = sorted(k for k in keys(Config) if not re.search(rf"\b{k}\b", text))
    assert undocumented == []


def test_db_upgrade_reports_the_revision(tmp_path):
    result = copbot("db", "upgrade", env={"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db"})
    assert result.returncode == 0, result.stderr
    assert re.search(r": schema up to date \(migrations applied: 0001, 0002, 0003, 0004(, \d{4})*\)$", result.stdout)


def test_secrets_and_passwords_never_reach_the_logs(tmp_path):
    url = "postgresql+asyncpg://copbot:s3cret-pass@127.0.0.1:1/nothing"
    (tmp_path / "fast.toml").write_text("[database]\nconnect_retry_seconds = 0\n")
    result = copbot("db", "upgrade", "--config", str(tmp_path / "fast.toml"), env={"DATABASE_URL": url})
    assert result.returncode != 0
    assert "s3cret-pass" not in result.stdout + result.stderr


def test_digest_writes_text_json_csv_and_the_chart(tmp_path):
    import json
    from datetime import UTC, datetime

    db = tmp_path / "community.db"
    copbot("console", "--db", str(db), stdin=":as alice\n/kudos @bob thanks #seo\n:as carol\n/kudos @bob thanks\n")
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    missing = copbot("digest", "--community", "nowhere", "--out", str(tmp_path / "out"), env=env)
    assert missing.returncode == 1 and "nowhere" in missing.stderr
    name = re.search(r"communities: ([^)]+)\)", missing.stderr)[1].split(", ")[0]
    year, week, _ = datetime.now(UTC).isocalendar()
    label = f"{year}-W{week:02d}"
    result = copbot("digest", "--community", name, "--week", label, "--out", str(tmp_path / "out"), env=env)
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == [f"digest-{label}.{ext}" for ext in ("csv", "json", "png", "txt")]
    assert all(str(tmp_path / "out" / f) in result.stdout for f in written)
    data = json.loads((tmp_path / "out" / f"digest-{label}.json").read_text())
    assert data["weeks"][-1]["kudos_given"] == 2 and data["weeks"][-1]["kudos_givers"] == 2
    assert data["top_receivers"] == [{"name": "bob", "kudos": 2}]
    assert f"{label},kudos_given,2" in (tmp_path / "out" / f"digest-{label}.csv").read_text().splitlines()
    assert (tmp_path / "out" / f"digest-{label}.png").read_bytes()[:4] == b"\x89PNG"
