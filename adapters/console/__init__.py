"""The console adapter: try copbot from a terminal, no Slack or Discord account needed."""
