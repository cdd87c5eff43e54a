#!/bin/sh
# Mutation testing of the meetup RSVP rules and the outbox dispatcher (see docs/testing-meetups-dispatch.md).
# Needs `pip install mutmut` (3.x) in the active venv. mutmut reads its settings from setup.cfg; this script
# writes one for the run and removes it after, so the normal test run never sees it. Results stay in mutants/
# (git-ignored): `mutmut results`, `mutmut show NAME`.
set -eu
cd "$(dirname "$0")/.."
if [ -e setup.cfg ]; then echo "setup.cfg exists; refusing to overwrite it" >&2; exit 2; fi
trap 'rm -f setup.cfg' EXIT
cat > setup.cfg <<'CFG'
[mutmut]
source_paths = bot/
only_mutate =
    bot/features/meetups/rsvp.py
    bot/dispatch.py
also_copy =
    adapters/
    storage/
    bench/
pytest_add_cli_args =
    -p
    no:cacheprovider
    -k
    not postgres and not cli and not dst
pytest_add_cli_args_test_selection =
    tests/core/test_dispatch.py
    tests/core/test_dispatch_failures.py
    tests/features/meetups/test_waitlist.py
    tests/features/meetups/test_rsvp_rules.py
    tests/features/meetups/test_last_seat_race.py
    tests/features/meetups/test_commands.py
    tests/features/meetups/test_reminders.py
CFG
mutmut run --max-children "${MUTMUT_CHILDREN:-1}" "$@"
