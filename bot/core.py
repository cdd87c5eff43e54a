"""The core: finds the handler for a command or event, runs it in one unit of work, and
turns refusals and bugs into replies a person can read."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from bot.clock import Clock
from bot.commands import CommandBook, CommandSpec, Kind, Mention, Suggestion, parse_args
from bot.communities import Communities
from bot.context import Context, Feature, Lookup, MessageActionSpec
from bot.domain import Member
from bot.errors import Conflict, Refusal, StoreUnavailable
from bot.events import PlatformEvent
from bot.features.help import help_feature
from bot.identity import MemberRef, Person, Place, Role
from bot.observe import FAILED, HANDLED, REFUSED, NoObserver, Observer, in_community, request
from bot.people import effective_role, resolve_mention
from bot.ports import UnitOfWork
from bot.reply import Reply
from bot.settings import compose_settings
from bot.text import clean_name

log = logging.getLogger("copbot.core")

CONSOLE = "console"  # the local sandbox platform: its first member owns the community


@dataclass(frozen=True)
class Invocation:
    """A command as typed: `line` is "kudos <@1|bob> thanks #seo" (without the slash).

    `people` carries what the platform told us about the speaker's mentions (names, bots).
    `request_id` is the platform's id for this one request (Slack's trigger_id): recorded in the same transaction
    as the command's effect, so a replayed request runs once."""

    actor: Person
    place: Place
    line: str
    people: tuple[Person, ...] = ()
    request_id: str | None = None


@dataclass
class CoreConfig:
    default_zone: str = "UTC"
    default_settings: dict = field(default_factory=dict)
    # platform -> workspace ids allowed to create a community; a platform absent here allows any
    allowed: dict[str, frozenset[str]] = field(default_factory=dict)
    owners: frozenset[str] = frozenset()  # "slack:T1:U1" style member refs


ERROR_TEXT = "Sorry, something went wrong on my side and nothing was changed. (reference {ref})"
BUSY_TEXT = "The database didn't answer in time, so nothing was changed. Please try again in a moment."
REPEATED_TEXT = "Already done: this request reached me twice and ran once."


class Core:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock, features: Iterable[Feature],
                 config: CoreConfig | None = None, on_commit: Callable[[], None] | None = None,
                 observer: Observer | None = None):
        self.uow_factory = uow_factory
        self.clock = clock
        self.config = config or CoreConfig()
        self.observer = observer or NoObserver()
        self.book = CommandBook()
        self.features = (*features, help_feature(self.book))
        self.settings_model = compose_settings(f.settings for f in self.features)
        self._on_commit = on_commit or (lambda: None)
        self.communities = Communities(uow_factory, clock, self.features, self.settings_model,
                                       default_zone=self.config.default_zone,
                                       default_settings=self.config.default_settings, allowed=self.config.allowed)
        for feature in self.features:
            for spec in feature.commands:
                self.book.add(spec)

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Called after every commit (the clock uses it to wake the outbox dispatcher)."""
        self._on_commit = callback

    # Commands -----------------------------------------------------------------------------

    def message_actions(self) -> tuple[MessageActionSpec, ...]:
        """Every message action the features declare, once per name, in declaration order."""
        found: dict[str, MessageActionSpec] = {}
        for feature in self.features:
            for action in feature.message_actions:
                found.setdefault(action.name, action)
        return tuple(found.values())

    def spec_for(self, line: str) -> CommandSpec | None:
        try:
            return self.book.find(line)[0]
        except Refusal:
            return None

    async def handle(self, inv: Invocation) -> Reply:
        with request("command") as req:
            started = time.perf_counter()
            name, outcome, reply = await self._handle(inv, req.request_id)
            self.observer.command(name, inv.place.platform, outcome, time.perf_counter() - started)
            return reply

    async def _handle(self, inv: Invocation, ref: str) -> tuple[str, str, Reply]:
        """The command's name (as declared: never what was typed), its outcome, and the reply. A command that
        lost a race on a unique row (another replica created the same community) runs once more."""
        try:
            return await self._handle_once(inv, ref)
        except Conflict:
            log.info("a unique row was written by another process first: running the command again")
            return await self._handle_once(inv, ref)

    async def _handle_once(self, inv: Invocation, ref: str) -> tuple[str, str, Reply]:
        name = "unknown"
        try:
            spec, rest = self.book.find(inv.line)
            name = spec.name
            args = parse_args(spec, rest)
            async with self.uow_factory() as uow:
                if not await self._first_time(uow, inv):
                    return name, REFUSED, Reply.ephemeral(REPEATED_TEXT)
                ctx, known = await self._context(uow, inv.actor, inv.place, _mentioned(spec, args, inv.place))
                in_community(ctx.community.id)
                if ctx.role < spec.role:
                    raise Refusal(f"Only a {spec.role.label} or above can use /{spec.name}.")
                args = await self._resolve_members(ctx, spec, args, inv.people, known)
                reply = await spec.handler(spec.command(**args), ctx)
                await uow.commit()
            self._on_commit()
            return name, HANDLED, reply
        except Refusal as refusal:
            return name, REFUSED, Reply.refusal(refusal.message, concerns=refusal.field)
        except Conflict:
            raise
        except StoreUnavailable as stall:
            log.warning("command not run, the store stalled (%s): /%s", stall, name)
            return name, FAILED, Reply.ephemeral(BUSY_TEXT)
        except Exception:
            self.observer.error("command")
            log.exception("command failed (reference %s): /%s", ref, name)
            return name, FAILED, Reply.ephemeral(ERROR_TEXT.format(ref=ref))

    async def suggest(self, place: Place, command: str, name: str, typed: str,
                      limit: int = 25) -> list[Suggestion]:
        """Autocomplete for the param or form field `name` of `command`, for platforms that offer it:
        what its declaration suggests, or the community's tags for a tags param. Reads only."""
        spec = self.book.specs.get(command)
        suggester = spec.suggester(name) if spec else None
        is_tags = spec is not None and any(p.name == name and p.kind is Kind.TAGS for p in spec.params)
        if suggester is None and not is_tags:
            return []
        async with self.uow_factory() as uow:
            community = await uow.communities.by_binding(place.platform, place.workspace_id)
            if community is None:
                return []
            if suggester is not None:
                found = await suggester(Lookup(uow, community, place, self.clock.now()), typed)
            else:
                wanted = typed.lstrip("#").casefold()
                found = [Suggestion(n, n) for n in await uow.tags.names(community.id) if n.startswith(wanted)]
        return found[:limit]

    async def _first_time(self, uow: UnitOfWork, inv: Invocation) -> bool:
        """Records the request id in this unit of work (it commits with the effect, or not at all)."""
        return not inv.request_id or await uow.events.first_time(inv.place.platform, inv.request_id,
                                                                 self.clock.now())

    async def _resolve_members(self, ctx: Context, spec: CommandSpec, args: dict,
                               people: Sequence[Person], known: Mapping[MemberRef, Member]) -> dict:
        resolved = dict(args)
        # Slack and Discord put real user ids in mentions; the console's are typed names, so a privileged
        # command there acts only on members who exist (a typo must not create someone to erase or promote).
        vouched = ctx.place.platform != CONSOLE or spec.role == Role.MEMBER
        for param in spec.params:
            if param.kind is Kind.MEMBER and args.get(param.name) is not None:
                resolved[param.name] = await resolve_mention(ctx, args[param.name], people, known, vouched=vouched)
            elif param.kind is Kind.MEMBERS:
                found = [await resolve_mention(ctx, m, people, known, vouched=vouched) for m in args[param.name]]
                resolved[param.name] = list({m.id: m for m in found}.values())  # one person named twice is one
        return resolved

    # Platform events ----------------------------------------------------------------------

    async def handle_event(self, event: PlatformEvent) -> list[Reply]:
        """Run every feature's handler for this event in one transaction, once per event id.

        Handlers check before they write, so a Refusal from one leaves nothing of it behind."""
        with request("event"):
            try:
                return await self._handle_event(event)
            except Conflict:
                log.info("a unique row was written by another process first: handling the event again")
                return await self._handle_event(event)

    async def _handle_event(self, event: PlatformEvent) -> list[Reply]:
        handlers = [f.on_event[type(event)] for f in self.features if type(event) in f.on_event]
        replies: list[Reply] = []
        try:
            async with self.uow_factory() as uow:
                now = self.clock.now()
                if event.event_id and not await uow.events.first_time(event.place.platform, event.event_id, now):
                    self.observer.event_deduplicated(event.place.platform)
                    return []
                try:
                    ctx, _ = await self._context(uow, event.actor, event.place)
                except Refusal:
                    return []  # a workspace we don't serve: store nothing, say nothing
                in_community(ctx.community.id)
                for handler in handlers:
                    try:
                        reply = await handler(event, ctx)
                    except Refusal as refusal:
                        reply = Reply.refusal(refusal.message)
                    if reply is not None:
                        replies.append(reply)
                await uow.commit()
            self._on_commit()
        except Exception:
            # Not committed: the platform's retry will bring the event back.
            self.observer.error("event")
            log.exception("event %s (%s) failed", type(event).__name__, event.event_id)
            raise
        return replies

    # Members --------------------------------------------------------------

    async def reader_zone(self, platform: str, workspace_id: str, reader: MemberRef | None = None) -> str | None:
        """The zone to show times in to this reader: theirs (/timezone), else their community's; None for a
        workspace with no community yet. For adapters that cannot render a time in each viewer's zone."""
        async with self.uow_factory() as uow:
            found = await uow.communities.with_members(platform, workspace_id, [reader] if reader else [])
        if found is None:
            return None
        community, members = found
        member = members.get(reader) if reader else None
        return member.zone if member and member.zone else community.zone


    async def _context(self, uow: UnitOfWork, actor: Person, place: Place,
                       mentioned: Sequence[MemberRef] = ()) -> tuple[Context, dict[MemberRef, Member]]:
        """Who is asking, where; and, read in the same query, the members among `mentioned`."""
        now = self.clock.now()
        actor = replace(actor, name=clean_name(actor.name))
        found = await uow.communities.with_members(place.platform, place.workspace_id, [actor.ref, *mentioned])
        community, known = found if found else (await self.communities.create(uow, place), {})
        member = known.pop(actor.ref, None)  # popped: the speaker may be updated below
        first = member is None and place.platform == CONSOLE and await uow.members.count(community.id) == 0
        # An unverified actor (the platform could not be asked in time) is only a name hint: the store's facts win.
        if member is None or (actor.verified and _changed(member, actor)):
            member = await uow.members.upsert(community.id, actor, now=now,
                                              granted_role=Role.OWNER if first else None)
        if not member.dm_here:  # a linked person, last seen on another identity: DMs follow them here
            member = await uow.members.acted_through(community.id, member)
        owners = self.config.owners
        return Context(uow, community, member, effective_role(member, owners), place, now, owners,
                       features=self.features), known


def _mentioned(spec: CommandSpec, args: dict, place: Place) -> list[MemberRef]:
    """The people a command's arguments name by platform id."""
    mentions: list[Mention] = []
    for param in spec.params:
        if param.kind is Kind.MEMBER and args.get(param.name) is not None:
            mentions.append(args[param.name])
        elif param.kind is Kind.MEMBERS:
            mentions.extend(args[param.name])
    return [MemberRef(place.platform, place.workspace_id, m.user_id) for m in mentions if m.user_id]


def _changed(member: Member, actor: Person) -> bool:
    return (member.name != actor.name or member.is_bot != actor.is_bot
            or member.platform_role != actor.platform_role
            or (actor.zone is not None and member.zone is None))
