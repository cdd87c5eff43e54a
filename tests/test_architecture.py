"""The house rules, checked by the same test command as everything else."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def test_import_contracts_hold():
    """bot/ imports no platform, scheduler or web library; only the composition root imports storage."""
    result = subprocess.run([str(BIN / "lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "broken" not in result.stdout.split("Contracts:")[-1] or " 0 broken" in result.stdout


def test_ruff_is_clean():
    result = subprocess.run([str(BIN / "ruff"), "check", "."], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:]


def test_nothing_is_created_at_import_time():
    """Importing every module builds no engine, client or scheduler (they would need a loop or a network)."""
    code = ("import pkgutil, importlib, bot, adapters, storage\n"
            "for pkg in (bot, adapters, storage):\n"
            "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
            "        if '.migrations' not in m.name: importlib.import_module(m.name)\n"
            "import gc, sqlalchemy.ext.asyncio as a\n"
            "assert not [o for o in gc.get_objects() if isinstance(o, a.AsyncEngine)]\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]


# Platform syntax stays in the adapters: the core has its own mention/channel tokens and its own time styles.
_PLATFORM_SYNTAX = re.compile(
    r"<@U[A-Z0-9]"  # a Slack user id in a mention
    r"|<#C[A-Z0-9]"  # a Slack channel reference
    r"|(?<!\(\?)<!"  # a Slack special mention or date (not a regex's negative look-behind)
    r"|<t:"  # a Discord timestamp
    r"|tTdDfFR"  # Discord's timestamp letters as a set
    r"|stamp\([^)]*,\s*[\"'][tTdDfFR][\"']"  # one Discord letter as a stamp's style
)
_STILL_KNOWN: dict[str, int] = {}  # known exceptions: shrink this, never grow it


def test_the_core_names_no_platform_syntax():
    found: dict[str, list[str]] = {}
    for path in sorted(ROOT.glob("bot/**/*.py")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                 if _PLATFORM_SYNTAX.search(line)]
        if lines:
            found[str(path.relative_to(ROOT))] = lines
    assert {name: len(lines) for name, lines in found.items()} == _STILL_KNOWN, found
