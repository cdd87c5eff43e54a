"""Adapters: console, Slack, Discord, the clock, and the command line (the composition root)."""
