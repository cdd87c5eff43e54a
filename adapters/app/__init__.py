"""The composition root: the CLI, configuration, the database at start, and the wiring of core, store and platforms."""
