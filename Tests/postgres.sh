#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suite.
#
#   Tests/postgres.sh install      install Debian's postgresql package when no server binaries exist
#   Tests/postgres.sh run CMD...   start a cluster in a temporary directory on a free 127.0.0.1 port,
#                                  export UPLIFT_TEST_POSTGRES_URL (and UPLIFT_TEST_POSTGRES_BIN), run
#                                  CMD, then stop the cluster and delete the directory, even on failure.
#
# Beside it runs a second cluster that one test may stop and start (the catalog outage test: stopping
# the shared one would fail the other PostgreSQL tests running at the same time). Its variables:
# UPLIFT_TEST_POSTGRES_OUTAGE_URL, UPLIFT_TEST_POSTGRES_OUTAGE_DATA (its data directory) and
# UPLIFT_TEST_POSTGRES_OUTAGE_CTL, a script that stops (`CTL stop`, fast shutdown) and starts
# (`CTL start`, same port and settings) it as the user that owns it.
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
bin="" dir="" as_user=() cluster_url=""

# Starts the cluster NAME in $dir/NAME on a free port and sets cluster_url.
cluster() {
    local name=$1 home="$dir/$1" port password options
    mkdir "$home"
    [ "$(id -u)" = 0 ] && chown postgres: "$home"
    chmod 700 "$home"
    password=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    printf '%s\n' "$password" > "$home/pwfile"
    [ "$(id -u)" = 0 ] && chown postgres: "$home/pwfile"
    # Password authentication (scram) even on localhost, so that wrong credentials can be tested.
    "${as_user[@]}" "$bin/initdb" -D "$home/data" -U uplift --pwfile="$home/pwfile" -A scram-sha-256 \
        -E UTF8 --locale=C --no-sync >"$home/initdb.log" 2>&1 || { cat "$home/initdb.log" >&2; exit 1; }
    rm -f "$home/pwfile"
    # Durability is irrelevant for a cluster that lives as long as the tests.
    options="-c listen_addresses=127.0.0.1 -p $port -k $home -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    "${as_user[@]}" "$bin/pg_ctl" -D "$home/data" -l "$home/server.log" -w -t 60 start -o "$options" \
        >/dev/null || { cat "$home/server.log" >&2; exit 1; }
    PGPASSWORD=$password "$bin/createdb" -h 127.0.0.1 -p "$port" -U uplift uplift_test
    # The same pg_ctl calls, for a test that takes the server away and brings it back.
    {
        echo '#!/usr/bin/env bash'
        echo 'set -euo pipefail'
        echo '# The server started here outlives the caller: it must hold none of the caller'"'"'s descriptors (a'
        echo '# test runner'"'"'s output pipe, a sanitizer'"'"'s symbolizer pipe), or whoever waits on them waits forever.'
        echo 'for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && [ "$fd" != 255 ] && eval "exec $fd>&-"; done'
        echo 'case "${1:-}" in'
        printf '    stop) exec %s %q -D %q -m fast -w -t 60 stop ;;\n' "${as_user[*]}" "$bin/pg_ctl" "$home/data"
        printf '    start) exec %s %q -D %q -l %q -w -t 60 start -o %q ;;\n' \
            "${as_user[*]}" "$bin/pg_ctl" "$home/data" "$home/server.log" "$options"
        echo '    *) echo "usage: $0 stop | start" >&2; exit 2 ;;'
        echo 'esac'
    } > "$home/ctl"
    chmod 755 "$home/ctl"
    cluster_url="postgres://uplift:$password@127.0.0.1:$port/uplift_test"
    echo "postgres: throwaway cluster '$name' on 127.0.0.1:$port ($home)" >&2
}

run() {
    bin=$(pg_bin) || { echo "PostgreSQL server binaries not found; run: $0 install" >&2; exit 1; }
    dir=$(mktemp -d /tmp/uplift-pg.XXXXXX)
    if [ "$(id -u)" = 0 ]; then
        chown postgres: "$dir"
        as_user=(runuser -u postgres --)
    fi
    chmod 700 "$dir"
    trap stop EXIT
    trap 'exit 130' INT TERM
    cluster shared
    export UPLIFT_TEST_POSTGRES_URL="$cluster_url"
    export UPLIFT_TEST_POSTGRES_BIN="$bin"
    cluster outage
    export UPLIFT_TEST_POSTGRES_OUTAGE_URL="$cluster_url"
    export UPLIFT_TEST_POSTGRES_OUTAGE_DATA="$dir/outage/data"
    export UPLIFT_TEST_POSTGRES_OUTAGE_CTL="$dir/outage/ctl"
    "$@"
}

stop() {
    [ -n "$dir" ] || return 0
    local data
    for data in "$dir"/*/data; do
        if [ -f "$data/postmaster.pid" ]; then
            "${as_user[@]}" "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
        fi
    done
    rm -rf "$dir"
}

case "${1:-}" in
    install) install ;;
    run) shift; [ $# -gt 0 ] || { echo "usage: $0 run CMD..." >&2; exit 2; }; run "$@" ;;
    *) echo "usage: $0 install | run CMD..." >&2; exit 2 ;;
esac
