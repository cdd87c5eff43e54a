"""Questions: ask, answer in threads, mark solutions, search past answers (see feature.py)."""
