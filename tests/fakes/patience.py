"""How long a test waits for something that should happen at once (a fake's call, a client's ready).

Only a broken test ever waits this long, so it is generous: a loaded CI machine must never turn a
slow-but-correct run into a failure."""

PATIENCE = 30.0  # seconds
