#!/bin/sh
# Mutation testing (mutmut 3), SQLite only, of one of two suites (docs/testing.md):
#   kudos    bot/features/kudos.py, bot/periods.py, bot/people.py against the kudos/leaderboard/members/roles tests
#   meetups  bot/features/meetups/rsvp.py, bot/dispatch.py against the RSVP, waitlist and dispatcher tests
#
#   .venv/bin/pip install mutmut && sh bench/mutation.sh SUITE [MAX_CHILDREN [MODULE.py ...]]
#
# It works in a scratch copy (mutmut writes a mutants/ folder and reads its [mutmut] config from setup.cfg),
# so the repository gets neither; the copy is removed at the end unless KEEP=1. Prints the survivors and the
# per-module counts. MAX_CHILDREN (default 1) bounds the CPU it takes.
set -eu
suite=${1:?name a suite: kudos or meetups}
shift
children=${1:-1}
[ $# -gt 0 ] && shift
case "$suite" in
  kudos)
    default_modules="bot/features/kudos.py bot/periods.py bot/people.py"
    tests="tests/features/test_kudos.py tests/features/test_kudos_rules.py tests/features/test_leaderboard_periods.py
           tests/features/test_members.py tests/features/test_roles_and_erasure.py tests/features/test_mentions.py" ;;
  meetups)
    default_modules="bot/features/meetups/rsvp.py bot/dispatch.py"
    tests="tests/core/test_dispatch.py tests/core/test_dispatch_failures.py tests/features/meetups/test_waitlist.py
           tests/features/meetups/test_rsvp_rules.py tests/features/meetups/test_last_seat_race.py
           tests/features/meetups/test_commands.py tests/features/meetups/test_reminders.py" ;;
  *) echo "unknown suite '$suite': kudos or meetups" >&2; exit 2 ;;
esac
modules=${*:-$default_modules}
cd "$(dirname "$0")/.."
root=$(pwd)
python=${PYTHON:-$root/.venv/bin/python}
work=$(mktemp -d)
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
cp -r bot adapters storage tests bench pyproject.toml alembic.ini "$work"/
find "$work" -name __pycache__ -prune -exec rm -rf {} +
cat > "$work/setup.cfg" <<'CFG'
[mutmut]
source_paths = bot
only_mutate =
ONLY_MUTATE
also_copy =
    adapters
    storage
    bench
    alembic.ini
pytest_add_cli_args =
    -k
    not postgres
    -p
    no:cacheprovider
pytest_add_cli_args_test_selection =
TESTS
CFG
listed=$(for m in $modules; do printf '    %s\\n' "$m"; done)
selected=$(for t in $tests; do printf '    %s\\n' "$t"; done)
sed -i "s|^ONLY_MUTATE\$|$listed|; s|^TESTS\$|$selected|" "$work/setup.cfg"
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
