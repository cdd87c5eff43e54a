"""Drive the console adapter from a test, line by line, and read what it printed."""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.app.bootstrap import App
from adapters.console.adapter import PLATFORM, ConsoleAdapter


@dataclass
class ConsoleDriver:
    app: App
    printed: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.adapter = ConsoleAdapter(self.app.core, self.app.dispatcher.run_due, out=self.printed.append,
                                      zone=self.app.config.defaults.zone)
        self.app.outbound.add(PLATFORM, self.adapter)

    async def say(self, *lines: str) -> str:
        """Run lines; return everything printed while they ran."""
        start = len(self.printed)
        for line in lines:
            await self.adapter.handle_line(line)
        return "\n".join(self.printed[start:])

    async def script(self, text: str) -> str:
        return await self.say(*text.strip().splitlines())

    @property
    def last(self) -> str:
        return self.printed[-1] if self.printed else ""
