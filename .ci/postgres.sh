#!/usr/bin/env bash
# Best effort: start a throwaway PostgreSQL on 127.0.0.1 for the store tests and print its URL
# (for STUDYAPP_TEST_PG). Installs Debian's postgresql if no server binaries are found.
# Exits non-zero, printing nothing on stdout, when that isn't possible; CI goes on without it.
# `.ci/postgres.sh stop` stops the server started in $STUDYAPP_PG_DIR.
set -uo pipefail
free_port() {  # a port nothing listens on now, so a stray server never blocks this one
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

find_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

run_pg() {  # the server refuses to run as root: use the postgres account then
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || return 1
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

if [ "${1:-}" = stop ]; then
    bin="$(find_bin)"
    if [ -n "$bin" ] && [ -d "${STUDYAPP_PG_DIR:-/nonexistent}/db" ]; then
        run_pg "$bin/pg_ctl" -D "$STUDYAPP_PG_DIR/db" stop -m fast >&2
    fi
    rm -rf "${STUDYAPP_PG_DIR:-/nonexistent}"
    exit 0
fi

bin="$(find_bin)"
if [ -z "$bin" ]; then
    if command -v apt-get >/dev/null 2>&1; then
        as_root=""
        [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && as_root="sudo -n"
        { $as_root apt-get update && DEBIAN_FRONTEND=noninteractive \
            $as_root apt-get install -y --no-install-recommends postgresql; } >&2 || exit 1
    fi
    bin="$(find_bin)"
    [ -n "$bin" ] || exit 1
fi

port="${STUDYAPP_PG_PORT:-$(free_port)}" || exit 1
data="${STUDYAPP_PG_DIR:-$(mktemp -d /tmp/studyapp-pg.XXXXXX)}" || exit 1
mkdir -p "$data" || exit 1
[ "$(id -u)" -eq 0 ] && chown postgres "$data"
run_pg "$bin/initdb" -D "$data/db" -A trust -U studyapp >&2 || exit 1
run_pg "$bin/pg_ctl" -D "$data/db" -l "$data/db/server.log" -w \
    -o "-h 127.0.0.1 -p $port -k $data/db" start >&2 || exit 1
"$bin/createdb" -h 127.0.0.1 -p "$port" -U studyapp studyapp_test >&2 || exit 1
echo "postgresql://studyapp@127.0.0.1:$port/studyapp_test"
