#!/usr/bin/env bash
# Exit 0 when PostgreSQL answers on 127.0.0.1:5432. Under CI=true it must: start it
# if it is down, and fail loudly if it still does not answer.
set -u
ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || \
  .venv/bin/python -c "import psycopg; psycopg.connect('postgresql://postgres@127.0.0.1:5432/postgres', connect_timeout=3).close()" 2>/dev/null; }
ready && exit 0
if [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is down; starting it (CI requires it)"
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  fi
  for _ in $(seq 1 30); do ready && exit 0; sleep 1; done
  echo "PostgreSQL could not be started: CI requires the PostgreSQL run" >&2
  exit 2
fi
exit 1
