#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suite.
#
#   Tests/postgres.sh install      install Debian's postgresql package when no server binaries exist
#   Tests/postgres.sh run CMD...   start a cluster in a temporary directory on a free 127.0.0.1 port,
#                                  export UPLIFT_TEST_POSTGRES_URL (and UPLIFT_TEST_POSTGRES_BIN), run
#                                  CMD, then stop the cluster and delete the directory, even on failure.
#
# initdb refuses to run as root, so as root the cluster runs as the unprivileged `postgres` user.
set -euo pipefail

pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return 0; fi
    if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return 0; fi
    return 1
}

install() {
    if pg_bin >/dev/null; then return 0; fi
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    echo "installing: postgresql"
    $sudo apt-get update -qq
    # The package starts a system cluster where it can; ours runs beside it on its own port.
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
    pg_bin >/dev/null || { echo "postgresql installed but initdb not found" >&2; exit 1; }
}

# Globals: the EXIT trap runs after run() has returned.
bin="" dir="" as_user=()

run() {
    local port password
    bin=$(pg_bin) || { echo "PostgreSQL server binaries not found; run: $0 install" >&2; exit 1; }
    dir=$(mktemp -d /tmp/uplift-pg.XXXXXX)
    if [ "$(id -u)" = 0 ]; then
        chown postgres: "$dir"
        as_user=(runuser -u postgres --)
    fi
    chmod 700 "$dir"
    trap stop EXIT
    trap 'exit 130' INT TERM
    password=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    printf '%s\n' "$password" > "$dir/pwfile"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir/pwfile"
    # Password authentication (scram) even on localhost, so that wrong credentials can be tested.
    "${as_user[@]}" "$bin/initdb" -D "$dir/data" -U uplift --pwfile="$dir/pwfile" -A scram-sha-256 \
        -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    rm -f "$dir/pwfile"
    # Durability is irrelevant for a cluster that lives as long as the tests.
    "${as_user[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o \
        "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    PGPASSWORD=$password "$bin/createdb" -h 127.0.0.1 -p "$port" -U uplift uplift_test
    export UPLIFT_TEST_POSTGRES_URL="postgres://uplift:$password@127.0.0.1:$port/uplift_test"
    export UPLIFT_TEST_POSTGRES_BIN="$bin"
    echo "postgres: throwaway cluster on 127.0.0.1:$port ($dir)" >&2
    "$@"
}

stop() {
    [ -n "$dir" ] || return 0
    if [ -f "$dir/data/postmaster.pid" ]; then
        "${as_user[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
}

case "${1:-}" in
    install) install ;;
    run) shift; [ $# -gt 0 ] || { echo "usage: $0 run CMD..." >&2; exit 2; }; run "$@" ;;
    *) echo "usage: $0 install | run CMD..." >&2; exit 2 ;;
esac
