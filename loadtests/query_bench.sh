#!/bin/sh
# The query benchmark on one data shape, from nothing: generate, import (which compacts), compact, bench.
#
#   loadtests/query_bench.sh SHAPE EVENTS PERSONS DATA [query_bench.py options…]
#
# SHAPE   generate: `uplift generate --users PERSONS` (the project's own generator, Segment and PostHog
#         messages); segment: loadtests/gen_segment_ndjson.py --persons PERSONS (independent; Segment
#         messages, many anonymous ids merged into persons through identify and alias chains).
# DATA    the data directory; generated and imported only when it holds no catalog yet, so a second
#         run measures the same data again.
# Writes the Markdown table to standard output and to DATA-results/query_bench-<time>.md, every
# measurement to DATA-results/query_bench-<time>.json (beside DATA, not in it). Exit status 1 when the
# engines disagree.
#
# Environment: UPLIFT_BIN (default .build/release/uplift; build it first: nothing here builds),
# QB_VENV (default /tmp/qb-venv, created with loadtests/requirements.txt when missing), QB_SEED (1).
set -eu
if [ $# -lt 4 ]; then
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi
shape=$1 events=$2 persons=$3 data=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)
bin=${UPLIFT_BIN:-$here/../.build/release/uplift}
venv=${QB_VENV:-/tmp/qb-venv}
seed=${QB_SEED:-1}
[ -x "$bin" ] || { echo "no uplift binary at $bin: swift build -c release --product uplift, or set UPLIFT_BIN" >&2; exit 2; }
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q -r "$here/requirements.txt"
fi

# 10000000 → 10M, 500000 → 500k
label() { awk -v n="$1" 'BEGIN { if (n % 1000000 == 0) printf "%dM", n / 1000000; else if (n % 1000 == 0) printf "%dk", n / 1000; else printf "%d", n }'; }

if [ ! -e "$data/catalog.sqlite" ]; then
    case $shape in
    generate) "$bin" generate --events "$events" --users "$persons" --days 30 --seed "$seed" ;;
    segment) "$venv/bin/python" "$here/gen_segment_ndjson.py" --events "$events" --persons "$persons" --days 30 --seed "$seed" ;;
    *) echo "SHAPE must be generate or segment, not $shape" >&2; exit 2 ;;
    esac | "$bin" import --data "$data" --project bench - >&2
fi
"$bin" compact --data "$data" --project bench >&2
"$bin" stats --data "$data" --project bench >&2
# (sh has no pipefail: a generator that stopped early would leave fewer events than asked for.)
stored=$("$bin" stats --data "$data" --project bench --json | "$venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["projects"][0]["events"])')
if [ "$stored" != "$events" ]; then
    echo "$data holds $stored events, not $events: remove it and run again" >&2
    exit 2
fi

results=$data-results
mkdir -p "$results"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
status=0
"$venv/bin/python" "$here/query_bench.py" --data "$data" --project bench --bin "$bin" --shape "$shape" \
    --events-label "$(label "$events") / $(label "$persons") persons" --json-out "$results/query_bench-$stamp.json" \
    "$@" > "$results/query_bench-$stamp.md" || status=$?
cat "$results/query_bench-$stamp.md"
exit $status
