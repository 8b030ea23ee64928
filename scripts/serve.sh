#!/usr/bin/env bash
# `make run`: the background worker and gunicorn side by side, stopped together. Ctrl-C
# (or either one stopping) stops both; the exit status is the one that stopped first.
set -u
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
WORKERS=${WEB_WORKERS:-2}
# Links in mail and letters (feedback links, notices) point at where this serves, unless
# the deployment says otherwise.
export IRO_SITE_URL=${IRO_SITE_URL:-http://$HOST:$PORT}

"$BIN/iro" worker --interval 1 -v 0 &
worker=$!
"$BIN/gunicorn" iro.wsgi --bind "$HOST:$PORT" --workers "$WORKERS" \
  --access-logfile - --log-level warning &
web=$!

stop() { kill -TERM "$worker" "$web" 2>/dev/null; }
trap stop INT TERM
wait -n "$worker" "$web"
status=$?
stop
wait "$worker" "$web" 2>/dev/null
exit "$status"
