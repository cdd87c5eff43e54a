"""Errors the core turns into a clear reply; anything else is our bug, logged, never shown."""


class Refusal(Exception):
    """A request the core will not carry out. Its message is shown to the person, ephemerally,
    and everything the request did so far is rolled back."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
