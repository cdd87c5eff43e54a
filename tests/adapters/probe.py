"""A feature for adapter tests: it declares a message action, records the platform events the core gets, and
answers a message action with a link to the message acted on."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.context import Context, Feature, MessageActionSpec, erases_nothing
from bot.events import MessageAction, MessageDeleted, MessagePosted
from bot.reply import Reply, message_link
from bot.settings import Settings

MARK = MessageActionSpec("mark-solution", "Mark as solution")


@dataclass
class Probe:
    events: list = field(default_factory=list)
    label: str = "the answer"
    public: bool = False  # answer a message action publicly (where the message is)

    def feature(self) -> Feature:
        return Feature(name="probe", on_event={MessageAction: self.acted, MessageDeleted: self.seen,
                                               MessagePosted: self.seen},
                       message_actions=(MARK,), settings=Settings, erase=erases_nothing, repositories={})

    def install(self, core) -> Probe:
        """Stands in for the feature that declares the same action (questions), so only the probe answers it."""
        others = tuple(f for f in core.features if MARK not in f.message_actions)
        core.features = (*others, self.feature())
        return self

    async def seen(self, event, ctx: Context) -> None:
        self.events.append(event)

    async def acted(self, event: MessageAction, ctx: Context) -> Reply:
        self.events.append(event)
        text = f"Marked {message_link(event.place, self.label)}."
        return Reply.public(text) if self.public else Reply.ephemeral(text)

    def of(self, kind: type) -> list:
        return [e for e in self.events if isinstance(e, kind)]
