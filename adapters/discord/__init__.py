"""The Discord adapter: discord.py client, app commands and rendering for copbot."""
