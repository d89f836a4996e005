#!/usr/bin/env bash
# One stage of `make test`: a banner, the command's whole output into a log file, then one summary line.
#
#   Tests/stage.sh NAME CMD...
#
# The log is .build/test-logs/NAME.log (kept after the run). The summary says passed/failed/skipped as the
# tool counted them (swift test's "Test run with N tests", XCTest's "Executed N tests", pytest's last line).
# On failure it prints what failed (swift test's ✘ lines, pytest's short summary, or the log's end) and exits
# with the command's status, so CI's output shows why without the thousands of lines of a passing run.
set -uo pipefail

name=$1; shift
logs=${UPLIFT_TEST_LOGS:-.build/test-logs}
mkdir -p "$logs"
log="$logs/$name.log"
started=$(date +%s)
echo "==> $name: $*"
"$@" >"$log" 2>&1
status=$?
seconds=$(( $(date +%s) - started ))

summary=""
# Swift Testing's last line, and XCTest's (a test target may hold both kinds).
swift_line=$(grep -aE "Test run with [0-9]+ tests? in [0-9]+ suites? (passed|failed)" "$log" | tail -n 1 || true)
[ -n "$swift_line" ] && summary="$(echo "$swift_line" | sed -E 's/^[^A-Za-z]*//')"
skipped=$(grep -acE "^.{0,4}Test .* skipped" "$log" || true)
[ -n "$swift_line" ] && summary="$summary; $skipped skipped"
xctest_line=$(grep -aE "Executed [0-9]+ tests?, with [0-9]+ failures?" "$log" | grep -av "Executed 0 tests" | tail -n 1 || true)
[ -n "$xctest_line" ] && summary="$summary${summary:+; }XCTest: $(echo "$xctest_line" | sed -E 's/^[[:space:]]*//')"
pytest_line=$(grep -aE "^=*[ ]*[0-9]+ (passed|failed|error|skipped)|^[0-9]+ (passed|failed|error|skipped)" "$log" | tail -n 1 || true)
[ -n "$pytest_line" ] && summary="$summary${summary:+; }$(echo "$pytest_line" | tr -d '=' | sed -E 's/^ +| +$//g')"
[ -z "$summary" ] && summary="$(wc -l <"$log") lines of output"

if [ "$status" -eq 0 ]; then
    echo "    ok ($seconds s): $summary  [log: $log]"
    exit 0
fi

echo "    FAILED ($seconds s, exit $status): $summary  [log: $log]"
# A sanitizer's report fails the run while every test passes: show the reports themselves (stacks included).
if grep -aq "WARNING: ThreadSanitizer\|ERROR: AddressSanitizer" "$log"; then
    echo "    --- sanitizer reports ---"
    sed -n '/WARNING: ThreadSanitizer\|ERROR: AddressSanitizer/,/^SUMMARY: /p' "$log" | head -n 300
fi
if grep -aq "✘" "$log"; then
    echo "    --- what failed (swift test) ---"
    grep -a -A4 "✘" "$log" | grep -av "^--$" | head -n 200
    echo "    --- the end of the log ---"
    tail -n 20 "$log"
elif grep -aq "short test summary info" "$log"; then
    echo "    --- what failed (pytest) ---"
    sed -n '/short test summary info/,$p' "$log" | head -n 100
    echo "    --- the failures in full ---"
    sed -n '/= FAILURES =/,/short test summary info/p' "$log" | tail -n 200
else
    echo "    --- the end of the log ---"
    tail -n 80 "$log"
fi
exit "$status"
