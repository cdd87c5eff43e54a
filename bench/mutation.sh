#!/bin/sh
# Mutation testing (mutmut 3) of the kudos rules, leaderboard periods and mention resolution:
# bot/features/kudos.py, bot/periods.py, bot/people.py, against the kudos/leaderboard/members/roles tests on SQLite.
#
#   .venv/bin/pip install mutmut && sh bench/mutation.sh [MAX_CHILDREN [MODULE.py ...]]
#
# It works in a scratch copy (mutmut writes a mutants/ folder and reads its [mutmut] config from setup.cfg),
# so the repository gets neither; the copy is removed at the end unless KEEP=1. Prints the survivors and the
# per-module counts. MAX_CHILDREN (default 1) bounds the CPU it takes.
set -eu
children=${1:-1}
[ $# -gt 0 ] && shift
modules=${*:-bot/features/kudos.py bot/periods.py bot/people.py}
cd "$(dirname "$0")/.."
root=$(pwd)
python=${PYTHON:-$root/.venv/bin/python}
work=$(mktemp -d)
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
cp -r bot adapters storage tests pyproject.toml alembic.ini "$work"/
find "$work" -name __pycache__ -prune -exec rm -rf {} +
cat > "$work/setup.cfg" <<'CFG'
[mutmut]
source_paths = bot
only_mutate =
ONLY_MUTATE
also_copy =
    adapters
    storage
    alembic.ini
pytest_add_cli_args =
    -k
    not postgres
    -p
    no:cacheprovider
pytest_add_cli_args_test_selection =
    tests/features/test_kudos.py
    tests/features/test_kudos_rules.py
    tests/features/test_leaderboard_periods.py
    tests/features/test_members.py
    tests/features/test_roles_and_erasure.py
    tests/features/test_mentions.py
CFG
listed=$(for m in $modules; do printf '    %s\\n' "$m"; done)
sed -i "s|^ONLY_MUTATE\$|$listed|" "$work/setup.cfg"
cd "$work"
"$python" -m mutmut run --max-children "$children" >"$work/run.log" 2>&1 || { tail -40 "$work/run.log"; exit 1; }
"$python" -m mutmut results
"$python" -m mutmut export-cicd-stats >/dev/null
"$python" - <<'PY'
import json
from collections import Counter
from pathlib import Path

from mutmut.__main__ import SourceFileMutationData, status_by_exit_code, walk_mutatable_files

for path in walk_mutatable_files():
    data = SourceFileMutationData(path=path)
    data.load()
    if not data.exit_code_by_key:
        continue
    counts = Counter(status_by_exit_code[code] for code in data.exit_code_by_key.values())
    total = sum(counts.values())
    print(f"{path}: {total} mutants, {counts['killed']} killed, {counts['survived']} survived,"
          f" {100 * counts['killed'] / total:.1f} % killed; other: {dict(counts - Counter(killed=counts['killed'], survived=counts['survived']))}")
print(json.loads(Path("mutants/mutmut-cicd-stats.json").read_text()))
PY
[ "${KEEP:-0}" = 1 ] && echo "mutants kept in $work (cd there; mutmut show NAME)"
exit 0
