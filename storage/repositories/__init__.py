"""Repositories: the queries behind the core's ports, each filtered by community."""
