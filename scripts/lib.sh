# Shared by the scripts: start the release server in the background and wait until it answers.
# shellcheck shell=bash

# free_port: a loopback port nothing listens on now (so two runs on one machine never meet).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for_health PORT PID LOG: up to 60 s; on failure prints the server log and returns 1.
# The answer must come from PID: another process already on the port fails the start.
wait_for_health() {
  local port="$1" pid="$2" log="$3"
  for _ in $(seq 600); do
    if curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1; then
      sleep 0.3
      kill -0 "$pid" 2>/dev/null && return 0
      echo "port $port answers, but not the server just started (it exited):" >&2; cat "$log" >&2
      return 1
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "the server exited during start-up:" >&2; cat "$log" >&2; return 1
    fi
    sleep 0.1
  done
  echo "the server did not answer /health on port $port within 60 s:" >&2; cat "$log" >&2
  return 1
}

# fresh_pg_database: creates an empty database on the local Postgres (PG_ADMIN_URL) for one
# benchmark run and prints its URL; drop_pg_database URL drops it again.
fresh_pg_database() {
  local admin="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
  local name="pl_bench_$(date +%s)_$$_$RANDOM"
  psql -q "$admin" -c "CREATE DATABASE $name" >&2
  echo "${admin%/*}/$name"
}
drop_pg_database() {
  local admin="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
  psql -q "$admin" -c "DROP DATABASE IF EXISTS ${1##*/} WITH (FORCE)" >&2 || true
}
