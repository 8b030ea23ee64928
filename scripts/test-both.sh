#!/usr/bin/env bash
# The whole suite on SQLite and on PostgreSQL side by side: the two runs share the two
# cores (PostgreSQL's server works while the SQLite run computes), so both take little
# longer than the slower alone. Each run writes its own log under var/, printed whole when
# both are done; the exit status fails when either run fails. Arguments go to pytest
# (a file or -k, to try it on a part).
set -u
BIN=${BIN:-.venv/bin}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/iro}
mkdir -p var
IRO_ENV=test "$BIN/python" -m pytest "$@" > var/test-sqlite.log 2>&1 &
sqlite=$!
IRO_ENV=test DATABASE_URL="$PG_URL" "$BIN/python" -m pytest "$@" > var/test-postgres.log 2>&1 &
postgres=$!
wait "$sqlite"; sqlite_status=$?
wait "$postgres"; postgres_status=$?
echo "== The suite on SQLite (exit $sqlite_status)"
cat var/test-sqlite.log
echo "== The suite on PostgreSQL (exit $postgres_status)"
cat var/test-postgres.log
[ "$sqlite_status" -eq 0 ] && [ "$postgres_status" -eq 0 ]
