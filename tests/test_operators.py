"""What an operator meets in the first hour, run as the real `copbot` process: configs that `config check` must
refuse, database URLs as hosting providers give them, and start-up failures that end in one line, never a
traceback. Exit codes: 2 when the config or the command line is wrong, 1 when something outside copbot is."""

from __future__ import annotations

import re
import socket

import pytest
from sqlalchemy.engine import make_url

from adapters.app.config import normalise_database_url
from tests.test_cli import copbot

# `copbot run` logs at INFO: JSON lines when stderr is not a terminal (as here), text otherwise
LOG_LINE = re.compile(r'\{"time": |\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (INFO|WARNING) ')
COMMUNITY = '[[communities]]\nname = "{name}"\n{binding}\n'


def one_line_error(result, code: int, *expected: str) -> str:
    """The process failed with `code` and said so in exactly one line (besides its log), containing every part."""
    lines = [line for line in result.stderr.strip().splitlines() if not LOG_LINE.match(line)]
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr and len(lines) == 1, result.stderr
    for part in expected:
        assert part in lines[0], lines[0]
    return lines[0]


def fast_config(tmp_path, extra: str = "") -> str:
    """A config whose database is not waited for (an unreachable one fails at once)."""
    path = tmp_path / "fast.toml"
    path.write_text("[database]\nconnect_retry_seconds = 0\n" + extra)
    return str(path)


@pytest.mark.parametrize("communities, expected", [
    ([("A", 'slack = ["T1"]'), ("B", 'slack = ["T2", "T1"]')], "'B' binds Slack workspace T1, already bound to 'A'"),
    ([("A", 'discord = ["42"]'), ("B", 'discord = ["42"]')], "'B' binds Discord guild 42, already bound to 'A'"),
    ([("A", "console = true"), ("B", "console = true")], "'B' binds the console, already bound to 'A'"),
    ([("SEO", 'slack = ["T1"]'), ("seo", 'slack = ["T2"]')], "two communities are named 'seo'"),
])
def test_config_check_refuses_two_communities_on_one_place_or_one_name(tmp_path, communities, expected):
    path = tmp_path / "two.toml"
    path.write_text("".join(COMMUNITY.format(name=name, binding=binding) for name, binding in communities))
    for command in (["config", "check"], ["run"]):
        one_line_error(copbot(*command, "--config", str(path)), 2, str(path), "communities.1: ", expected)


@pytest.mark.parametrize("url, expected", [
    ("postgresql+psycopg://u@h/db", "the driver for postgresql+psycopg is not installed"),
    ("mysql+aiomysql://u@h/db", "the driver for mysql+aiomysql is not installed"),
    ("oracle+nothing://u@h/db", "copbot does not know the database 'oracle+nothing'"),
    ("postgresql+asyncpg://u@h:notaport/db", "not a database URL"),
])
def test_config_check_refuses_a_database_copbot_could_not_open(tmp_path, url, expected):
    path = tmp_path / "db.toml"
    path.write_text(f'[database]\nurl = "{url}"\n')
    for command in (["config", "check", "--config", str(path)], ["run", "--config", str(path)]):
        one_line_error(copbot(*command), 2, f"{path}: database.url", expected)
    # DATABASE_URL is checked the same way, and named as the culprit
    one_line_error(copbot("console", env={"DATABASE_URL": url}), 2, "DATABASE_URL: ", expected)


@pytest.mark.parametrize("given, expected", [
    ("postgres://u:p@db:5432/copbot", "postgresql+asyncpg://u:p@db:5432/copbot"),
    ("postgresql://u@db/copbot", "postgresql+asyncpg://u@db/copbot"),
    ("postgres://u@db/copbot?sslmode=require", "postgresql+asyncpg://u@db/copbot?ssl=require"),
    ("postgresql+asyncpg://u@db/copbot", "postgresql+asyncpg://u@db/copbot"),
    ("sqlite:///data/m.db", "sqlite+aiosqlite:///data/m.db"),
    ("m.db", "sqlite+aiosqlite:///m.db"),
    ("/srv/copbot/m.db", "sqlite+aiosqlite:////srv/copbot/m.db"),
])
def test_database_urls_as_hosting_providers_give_them_use_the_async_drivers(given, expected):
    assert normalise_database_url(given) == expected


@pytest.mark.parametrize("store_url", ["postgres"], indirect=True)
def test_a_plain_postgres_url_from_the_environment_runs_on_asyncpg(store_url):
    plain = make_url(store_url).set(drivername="postgres").render_as_string(hide_password=False)
    result = copbot("db", "upgrade", env={"DATABASE_URL": plain})
    assert result.returncode == 0 and "schema up to date" in result.stdout, result.stderr


def test_a_bare_path_is_a_sqlite_file_and_no_lock_file_is_left_beside_it(tmp_path):
    result = copbot("console", stdin=":as alice\n/kudos @bob thanks\n", cwd=tmp_path, env={"DATABASE_URL": "m.db"})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "m.db").is_file()
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("m.db")] == []
    assert not list(tmp_path.glob("*lock*"))


def test_an_unreachable_database_is_one_line_naming_host_and_port(tmp_path):
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    url = f"postgresql://copbot:s3cret@127.0.0.1:{port}/copbot"
    for command in (["db", "upgrade"], ["run"], ["console"]):
        result = copbot(*command, "--config", fast_config(tmp_path), env={"DATABASE_URL": url})
        line = one_line_error(result, 1, f"cannot reach the database at 127.0.0.1:{port}")
        assert "s3cret" not in line


@pytest.mark.parametrize("store_url", ["postgres"], indirect=True)
def test_a_missing_postgres_database_is_one_line_saying_create_it(tmp_path, store_url):
    url = make_url(store_url).set(database="copbot_no_such_database").render_as_string(hide_password=False)
    result = copbot("run", "--config", fast_config(tmp_path), env={"DATABASE_URL": url})
    one_line_error(result, 1, "database copbot_no_such_database does not exist", "createdb")


def test_a_missing_sqlite_folder_is_one_line_naming_the_folder(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path}/missing/x.db"
    for command in (["run"], ["db", "upgrade"]):
        one_line_error(copbot(*command, env={"DATABASE_URL": url}), 1, f"the folder {tmp_path / 'missing'}",
                       "does not exist")
    assert not (tmp_path / "missing").exists()


def test_a_config_that_is_a_folder_or_not_utf8_is_one_line(tmp_path):
    folder = tmp_path / "conf.d"
    folder.mkdir()
    one_line_error(copbot("run", "--config", str(folder)), 2, str(folder), "is a folder")
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes('[[communities]]\nname = "Café"\n'.encode("latin-1"))
    one_line_error(copbot("config", "check", "--config", str(latin1)), 2, str(latin1), "not UTF-8")


def test_meetups_ics_into_a_missing_folder_is_one_line(tmp_path):
    config_path = fast_config(tmp_path, f'url = "{tmp_path}/x.db"\n' + COMMUNITY.format(name="x", binding=""))
    out = tmp_path / "no" / "such" / "x.ics"
    one_line_error(copbot("meetups", "ics", "--config", config_path, "--community", "x", "--out", str(out)), 1,
                   f"cannot write {out}", "no such file or directory")
    assert copbot("meetups", "ics", "--config", config_path, "--community", "x").stdout.startswith(
        "BEGIN:VCALENDAR")


def test_run_in_console_mode_keeps_apscheduler_quiet(tmp_path):
    result = copbot("run", stdin="/help\n", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "apscheduler" not in result.stderr and "Traceback" not in result.stderr


def test_a_command_group_alone_prints_its_own_help():
    for group, command in (("config", "check"), ("db", "upgrade"), ("slack", "manifest"), ("meetups", "ics")):
        result = copbot(group)
        assert result.returncode == 2
        assert re.search(rf"^\s+{command}\b", result.stderr, flags=re.MULTILINE), result.stderr
        assert not re.search(r"^\s+console\b", result.stderr, flags=re.MULTILINE)  # not the top-level list


def test_every_config_option_says_what_it_is():
    for command in (["run"], ["console"], ["config", "check"], ["db", "upgrade"], ["slack", "manifest"],
                    ["meetups", "ics"]):
        help_text = " ".join(copbot(*command, "--help").stdout.split())
        assert "--config PATH TOML config file" in help_text, (command, help_text)
