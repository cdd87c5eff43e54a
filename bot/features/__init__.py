"""One module per feature: its command declarations, handlers and rules."""
