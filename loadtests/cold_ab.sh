#!/bin/sh
# Two builds side by side on the same data: the cold 3-step funnel of query_bench.py as fresh processes,
# interleaved (A, B, A, B …) so that both see the same machine, then the median and fastest run of each.
#
#   loadtests/cold_ab.sh RUNS BINARY_A BINARY_B DATA [PROJECT]
#
# PROJECT defaults to bench (query_bench.sh's). The answers of the two must be the same document, or it
# says so and exits 1.
set -eu
if [ $# -lt 4 ]; then
    sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi
runs=$1 a=$2 b=$3 data=$4 project=${5:-bench}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
funnel() {
    start=$(date +%s%N)
    "$1" funnel --data "$data" --project "$project" --steps signed_up,onboarding_completed,purchase_completed \
        --from 2026-01-01 --to 2026-01-31 --window 7d --json > "$2"
    echo $(( ($(date +%s%N) - start) / 1000000 ))
}
for i in $(seq "$runs"); do
    echo "$(funnel "$a" "$out/a.json")" >> "$out/a.ms"
    echo "$(funnel "$b" "$out/b.json")" >> "$out/b.ms"
done
cmp -s "$out/a.json" "$out/b.json" || { echo "the two builds answer differently" >&2; exit 1; }
for side in a b; do
    sort -n "$out/$side.ms" | awk -v side="$side" '{ v[NR] = $1 } END {
        printf "%s: median %d ms, fastest %d ms, %d runs\n", side, v[int((NR + 1) / 2)], v[1], NR }'
done
