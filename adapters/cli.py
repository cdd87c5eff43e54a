"""`copbot`: the command line, and where each mode starts its adapters."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys

from adapters.config import Config, ConfigError, load
from adapters.logs import configure as configure_logs

log = logging.getLogger("copbot")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    configure_logs(os.environ.get("COPBOT_LOG_LEVEL", args.log_level))
    try:
        return args.handler(args) or 0
    except ConfigError as error:
        print(f"copbot: config error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="copbot", description="A bot for communities of practice on Slack, "
                                     "Discord and a local console.")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, help_text: str, handler, *, config_arg: bool = True, log_level: str = "INFO"):
        p = sub.add_parser(name, help=help_text, description=help_text)
        if config_arg:
            p.add_argument("--config", metavar="PATH", default=os.environ.get("COPBOT_CONFIG"),
                           help="TOML config file (see config.example.toml; default: $COPBOT_CONFIG)")
        p.set_defaults(handler=handler, log_level=log_level)
        return p

    command("run", "Run the bot: Slack and Discord as configured; the console if neither is enabled.", _run)
    command("healthcheck", "Ask the running copbot's /healthz (exit 0 when healthy): for HEALTHCHECK.",
            _healthcheck, log_level="WARNING")
    console = command("console", "Try copbot in this terminal (no config needed).", _console, log_level="WARNING")
    console.add_argument("--db", metavar="URL_OR_FILE", help="database (default ./copbot.db or DATABASE_URL)")
    console.add_argument("--as", dest="speaker", default="you", metavar="NAME", help="who speaks first")

    config = sub.add_parser("config", help="Configuration tools.")
    config_sub = config.add_subparsers(title="config commands", metavar="COMMAND")
    check = config_sub.add_parser("check", help="Validate a config file without starting.")
    check.add_argument("--config", metavar="PATH", default="config.toml")
    check.set_defaults(handler=_config_check, log_level="WARNING")

    db = sub.add_parser("db", help="Database tools.")
    db_sub = db.add_subparsers(title="db commands", metavar="COMMAND")
    up = db_sub.add_parser("upgrade", help="Apply the database migrations (copbot also does this on start).")
    up.add_argument("--config", metavar="PATH")
    up.set_defaults(handler=_db_upgrade, log_level="INFO")

    slack = sub.add_parser("slack", help="Slack tools.")
    slack_sub = slack.add_subparsers(title="slack commands", metavar="COMMAND")
    manifest = slack_sub.add_parser("manifest", help="Print the Slack app manifest (YAML) for this config.")
    manifest.add_argument("--config", metavar="PATH")
    manifest.add_argument("--url", metavar="PUBLIC_URL", default="https://copbot.example.com",
                          help="HTTP mode: the public base URL Slack posts to ([slack] path is appended)")
    manifest.add_argument("--name", default="copbot", help="the app's name in Slack")
    manifest.set_defaults(handler=_slack_manifest, log_level="WARNING")

    discord_cmd = sub.add_parser("discord", help="Discord tools.")
    discord_sub = discord_cmd.add_subparsers(title="discord commands", metavar="COMMAND")
    invite = discord_sub.add_parser("invite-url", help="Print the URL that adds copbot to a Discord server.")
    invite.add_argument("--client-id", metavar="ID", help="the application id (default: read from DISCORD_TOKEN)")
    invite.set_defaults(handler=_discord_invite_url, log_level="WARNING")

    meetups = sub.add_parser("meetups", help="Meetup tools.")
    meetups_sub = meetups.add_subparsers(title="meetups commands", metavar="COMMAND")
    ics = meetups_sub.add_parser("ics", help="Write a community's meetups as an iCalendar feed (.ics).")
    ics.add_argument("--config", metavar="PATH")
    ics.add_argument("--community", required=True, metavar="NAME", help="the community's name")
    ics.add_argument("--out", metavar="FILE", help="where to write it (default: standard output)")
    ics.set_defaults(handler=_meetups_ics, log_level="WARNING")
    return parser


def _meetups_ics(args) -> int:
    from adapters.bootstrap import build
    from bot.errors import Refusal
    from bot.features.meetups.export import community_feed

    async def go() -> bytes:
        app = await build(_config(args))
        try:
            return await community_feed(app.core.uow_factory, args.community, app.core.clock.now())
        finally:
            await app.close()

    try:
        feed = asyncio.run(go())
    except Refusal as refusal:
        print(f"copbot: {refusal.message}", file=sys.stderr)
        return 1
    if args.out:
        with open(args.out, "wb") as out:
            out.write(feed)
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(feed)
    return 0


def _config(args) -> Config:
    return load(getattr(args, "config", None))


def _config_check(args) -> int:
    config = load(args.config)
    enabled = [name for name in ("slack", "discord", "health") if getattr(config, name).enabled]
    print(f"{args.config}: OK ({', '.join(enabled) or 'console only'}; {len(config.communities)} communities)")
    return 0


def _db_upgrade(args) -> int:
    from storage.engine import make_engine, redact
    from storage.migrate import current_revision, upgrade

    async def go() -> None:
        config = _config(args)
        engine = make_engine(config.database_url)
        await upgrade(engine)
        print(f"{redact(config.database_url)} is at revision {await current_revision(engine)}")
        await engine.dispose()

    asyncio.run(go())
    return 0


def _slack_manifest(args) -> int:
    from adapters.slack.manifest import declared_commands, manifest_yaml

    print(manifest_yaml(declared_commands(), _config(args).slack, name=args.name, public_url=args.url), end="")
    return 0


def _discord_invite_url(args) -> int:
    from adapters.config import secret
    from adapters.discord.invite import application_id_from_token, invite_url

    token = secret("DISCORD_TOKEN")
    client_id = args.client_id or (application_id_from_token(token) if token else None)
    if not client_id:
        print("copbot: give --client-id (Developer Portal > your application > Application ID) "
              "or set DISCORD_TOKEN", file=sys.stderr)
        return 2
    print(invite_url(client_id))
    return 0


def _console(args) -> int:
    config = _config(args)
    if args.db:  # --db wins over DATABASE_URL and the config file
        config.database.url = args.db if "://" in args.db else f"sqlite+aiosqlite:///{args.db}"
        os.environ.pop("DATABASE_URL", None)
    return asyncio.run(_serve_console(config, args.speaker))


def _healthcheck(args) -> int:
    from adapters.health import probe

    healthy, body = probe(_config(args))
    print(body)
    return 0 if healthy else 1


def _run(args) -> int:
    config = _config(args)  # a bad config stops here, before anything starts
    from adapters.runner import run

    return asyncio.run(run(config))


async def _serve_console(config: Config, speaker: str) -> int:
    from adapters.runner import serve_console

    return await serve_console(config, speaker)


if __name__ == "__main__":
    sys.exit(main())
