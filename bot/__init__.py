"""copbot's platform-neutral core: commands, rules, handlers, replies and ports."""
