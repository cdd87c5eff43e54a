"""`copbot`: the command line, and where each mode starts its adapters."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys

from adapters.app.config import (
    Config,
    ConfigError,
    StartupError,
    check_database_url,
    load,
    normalise_database_url,
)
from adapters.app.logs import configure as configure_logs

log = logging.getLogger("copbot")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    configure_logs(os.environ.get("COPBOT_LOG_LEVEL", args.log_level))
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # "Running job ..." every few seconds otherwise
    # Exit codes: 2 = the config or the command line is wrong; 1 = something outside copbot stopped it.
    try:
        return args.handler(args) or 0
    except ConfigError as error:
        print(f"copbot: config error: {error}", file=sys.stderr)
        return 2
    except StartupError as error:
        print(f"copbot: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="copbot", description="A bot for communities of practice on Slack, "
                                     "Discord and a local console.")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    def config_option(p: argparse.ArgumentParser, default: str | None = None) -> None:
        p.add_argument("--config", metavar="PATH", default=default,
                       help="TOML config file (see config.example.toml)"
                       + (f"; default {default}" if default else "; default: built-in defaults"))

    def command(name: str, help_text: str, handler, *, config_arg: bool = True, log_level: str = "INFO"):
        p = sub.add_parser(name, help=help_text, description=help_text)
        if config_arg:
            config_option(p, os.environ.get("COPBOT_CONFIG"))
        p.set_defaults(handler=handler, log_level=log_level)
        return p

    def group(name: str, help_text: str):
        """`copbot NAME` alone prints the group's own help, not the top-level one."""
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=lambda _args: p.print_help(sys.stderr) or 2, log_level="WARNING")
        return p.add_subparsers(title=f"{name} commands", metavar="COMMAND")

    command("run", "Run the bot: Slack and Discord as configured; the console if neither is enabled.", _run)
    command("healthcheck", "Ask the running copbot's /healthz (exit 0 when healthy): for HEALTHCHECK.",
            _healthcheck, log_level="WARNING")
    console = command("console", "Try copbot in this terminal (no config needed).", _console, log_level="WARNING")
    console.add_argument("--db", metavar="URL_OR_FILE", help="database (default ./copbot.db or DATABASE_URL)")
    console.add_argument("--as", dest="speaker", default="you", metavar="NAME", help="who speaks first")

    config_sub = group("config", "Configuration tools.")
    check = config_sub.add_parser("check", help="Validate a config file without starting.")
    config_option(check, default="config.toml")
    check.set_defaults(handler=_config_check, log_level="WARNING")

    db_sub = group("db", "Database tools.")
    up = db_sub.add_parser("upgrade", help="Apply the database migrations (copbot also does this on start).")
    config_option(up)
    up.set_defaults(handler=_db_upgrade, log_level="INFO")

    slack_sub = group("slack", "Slack tools.")
    manifest = slack_sub.add_parser("manifest", help="Print the Slack app manifest (YAML) for this config.")
    config_option(manifest)
    manifest.add_argument("--url", metavar="PUBLIC_URL",
                          help="HTTP mode (required there): the public https base URL Slack posts to "
                          "([slack] path is appended)")
    manifest.add_argument("--name", default="copbot", help="the app's name in Slack")
    manifest.set_defaults(handler=_slack_manifest, log_level="WARNING")

    discord_sub = group("discord", "Discord tools.")
    invite = discord_sub.add_parser("invite-url", help="Print the URL that adds copbot to a Discord server.")
    invite.add_argument("--client-id", metavar="ID", help="the application id, digits only (default: read from "
                        "DISCORD_TOKEN)")
    invite.set_defaults(handler=_discord_invite_url, log_level="WARNING")

    meetups_sub = group("meetups", "Meetup tools.")
    ics = meetups_sub.add_parser("ics", help="Write a community's meetups as an iCalendar feed (.ics).")
    config_option(ics)
    ics.add_argument("--community", required=True, metavar="NAME", help="the community's name")
    ics.add_argument("--out", metavar="FILE", help="where to write it (default: standard output)")
    ics.set_defaults(handler=_meetups_ics, log_level="WARNING")

    digest = command("digest", "Write a community's weekly digest as text, JSON, CSV and a PNG chart.", _digest,
                     log_level="WARNING")
    digest.add_argument("--community", required=True, metavar="NAME", help="the community's name")
    digest.add_argument("--week", metavar="YYYY-Www", help="an ISO week like 2026-W48 (default: last week)")
    digest.add_argument("--out", required=True, metavar="DIR", help="the folder to write the files to")

    export = command("export", "Write one community's data as JSON to standard output (a backup, or a move).",
                     _export, log_level="WARNING")
    export.add_argument("--community", required=True, metavar="NAME", help="the community's name")
    load_ = command("import", "Read a community from a file written by copbot export.", _import,
                    log_level="WARNING")
    load_.add_argument("file", metavar="FILE", help="the export ('-' reads standard input)")
    load_.add_argument("--as", dest="new_name", metavar="NEW_NAME",
                       help="import a copy under this name (workspaces already bound here stay where they are)")
    load_.add_argument("--replace", action="store_true",
                       help="delete the community of that name, and any bound to the same workspace, first")
    return parser


def _export(args) -> int:
    from adapters.app.backup import export

    return export(_config(args), args.community)


def _import(args) -> int:
    from adapters.app.backup import import_

    return import_(_config(args), args.file, args.new_name, args.replace)


def _read_with_app(args, read):
    """Run `read(uow_factory, now)` against the configured store; a Refusal (an unknown community, a bad
    week) is printed as one line and becomes None (exit 1)."""
    from adapters.app.bootstrap import build
    from bot.errors import Refusal

    async def go():
        app = await build(_config(args))
        try:
            return await read(app.core.uow_factory, app.core.clock.now())
        finally:
            await app.close()

    try:
        return asyncio.run(go())
    except Refusal as refusal:
        print(f"copbot: {refusal.message}", file=sys.stderr)
        return None


def _meetups_ics(args) -> int:
    from bot.features.meetups.export import community_feed

    feed = _read_with_app(args, lambda uows, now: community_feed(uows, args.community, now))
    if feed is None:
        return 1
    if args.out:
        try:
            with open(args.out, "wb") as out:
                out.write(feed)
        except OSError as error:
            raise StartupError(f"cannot write {args.out}: {(error.strerror or str(error)).lower()}; "
                               "give a file in an existing folder you may write to") from None
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(feed)
    return 0


def _digest(args) -> int:
    from bot.features.digest.export import digest_files

    files = _read_with_app(args, lambda uows, now: digest_files(uows, args.community, args.week, now))
    if files is None:
        return 1
    try:
        os.makedirs(args.out, exist_ok=True)
        for name, content in files.items():
            path = os.path.join(args.out, name)
            with open(path, "wb") as out:
                out.write(content)
            print(f"wrote {path}")
    except OSError as error:
        raise StartupError(f"cannot write to {args.out}: {(error.strerror or str(error)).lower()}; "
                           "give a folder you may write to") from None
    return 0


def _config(args) -> Config:
    return load(getattr(args, "config", None))


def _config_check(args) -> int:
    config = load(args.config)
    enabled = [name for name in ("slack", "discord", "health") if getattr(config, name).enabled]
    print(f"{args.config}: OK ({', '.join(enabled) or 'console only'}; {len(config.communities)} communities)")
    return 0


def _db_upgrade(args) -> int:
    from adapters.app.database import wait_for_database
    from storage.engine import make_engine, redact
    from storage.migrate import applied_revisions, upgrade

    async def go() -> None:
        config = _config(args)
        engine = make_engine(config.database_url)
        try:
            await wait_for_database(engine, config.database.connect_retry_seconds)
            await upgrade(engine)
            applied = await applied_revisions(engine)
        finally:
            await engine.dispose()
        print(f"{redact(config.database_url)}: schema up to date (migrations applied: {', '.join(applied)})")

    asyncio.run(go())
    return 0


def _slack_manifest(args) -> int:
    from adapters.slack.manifest import declared_commands, manifest_yaml

    slack = _config(args).slack
    if slack.mode == "http" and not args.url:
        raise ConfigError('[slack] mode = "http" needs --url PUBLIC_URL, the https address where Slack reaches '
                          "copbot (e.g. --url https://bot.example.org); Socket Mode needs none")
    if args.url and not args.url.startswith(("https://", "http://")):
        raise ConfigError(f"--url {args.url}: give the whole address, starting with https://")
    print(manifest_yaml(declared_commands(), slack, name=args.name, public_url=args.url or ""), end="")
    return 0


def _discord_invite_url(args) -> int:
    from adapters.app.config import secret
    from adapters.discord.invite import application_id_from_token, invite_url

    token = secret("DISCORD_TOKEN")
    if args.client_id is not None and not args.client_id.strip().isdigit():
        print(f"copbot: --client-id {args.client_id!r} is not a Discord application id (digits only, e.g. "
              "123456789012345678: Developer Portal > your application > Application ID)", file=sys.stderr)
        return 2
    client_id = (args.client_id or "").strip() or (application_id_from_token(token) if token else None)
    if not client_id:
        print("copbot: give --client-id (Developer Portal > your application > Application ID) "
              "or set DISCORD_TOKEN", file=sys.stderr)
        return 2
    print(invite_url(client_id))
    return 0


def _console(args) -> int:
    config = _config(args)
    if args.db:  # --db wins over DATABASE_URL and the config file
        config.database.url = normalise_database_url(args.db)
        os.environ.pop("DATABASE_URL", None)
        check_database_url(config.database.url, f"--db {args.db}")
    return asyncio.run(_serve_console(config, args.speaker))


def _healthcheck(args) -> int:
    from adapters.health import probe

    healthy, body = probe(_config(args))
    print(body)
    return 0 if healthy else 1


def _run(args) -> int:
    config = _config(args)  # a bad config stops here, before anything starts
    from adapters.app.runner import run

    return asyncio.run(run(config))


async def _serve_console(config: Config, speaker: str) -> int:
    from adapters.app.runner import serve_console

    return await serve_console(config, speaker)


if __name__ == "__main__":
    sys.exit(main())
