#!/usr/bin/env bash
# Benchmark: what a published page costs compared with a constant Django response.
# Serves the demo content with gunicorn on PostgreSQL and measures requests per second with
# wrk (apt-get install wrk): robots.txt (a constant response), a published page rendered on
# each request, the same page from each worker's own memory (the default without Redis: the
# validator queries, then no rendering), from the Redis page cache, and a conditional GET
# answered 304.
# Usage: bench/public_pages.sh   (needs PostgreSQL on 127.0.0.1:5432 and Redis on :6379)
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal_bench}
PORT=${BENCH_PORT:-8190}
DURATION=${BENCH_SECONDS:-10}
createdb -h 127.0.0.1 -U postgres portal_bench 2>/dev/null || true

export DEBUG=false SECRET_KEY=benchmark-only-$RANDOM$RANDOM$RANDOM$RANDOM ALLOWED_HOSTS=localhost \
  SECURE_SSL_REDIRECT=false DATABASE_URL=$DB
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py loaddemo --force >/dev/null
.venv/bin/python manage.py collectstatic --noinput -v0

page=/info/secondary-breast-cancer/
run() {  # label, extra env, path, extra wrk args
  local label=$1 envs=$2 path=$3; shift 3
  env $envs .venv/bin/gunicorn portal.wsgi --no-control-socket --bind 127.0.0.1:$PORT \
    --workers 2 --log-level warning &
  local pid=$!
  for _ in $(seq 50); do curl -fs -o /dev/null http://localhost:$PORT/healthz && break; sleep 0.2; done
  local rps
  rps=$(wrk -t2 -c8 -d"${DURATION}s" "$@" "http://localhost:$PORT$path" | awk '/Requests\/sec/ {print $2}')
  printf '%-44s %10s req/s\n' "$label" "$rps"
  kill $pid; wait $pid 2>/dev/null || true
}

run "robots.txt (constant response)" "REDIS_URL=" /robots.txt
run "page, rendered per request (no cache)" \
  "REDIS_URL= PUBLIC_PAGE_CACHE_SECONDS=0 PUBLIC_PAGE_LOCAL_CACHE_ENTRIES=0" $page
run "page, per-process cache (default, no Redis)" "REDIS_URL= PUBLIC_PAGE_CACHE_SECONDS=0" $page
run "page, from the Redis page cache" "REDIS_URL=redis://127.0.0.1:6379/4" $page
# The ETag differs between runs only when something is published; read it from a live server.
env REDIS_URL= .venv/bin/gunicorn portal.wsgi --no-control-socket --bind 127.0.0.1:$PORT --workers 1 --log-level warning &
pid=$!; for _ in $(seq 50); do curl -fs -o /dev/null http://localhost:$PORT/healthz && break; sleep 0.2; done
etag=$(curl -s -D - -o /dev/null http://localhost:$PORT$page | awk -F': ' 'tolower($1)=="etag" {print $2}' | tr -d '\r')
kill $pid; wait $pid 2>/dev/null || true
run "page, conditional GET answered 304" "REDIS_URL= PUBLIC_PAGE_CACHE_SECONDS=0" $page -H "If-None-Match: $etag"
