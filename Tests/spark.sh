#!/usr/bin/env bash
# A throwaway Apache Spark standalone cluster for the test suite, reached through Spark Connect.
#
#   Tests/spark.sh install      install what is missing: Java (Debian's openjdk-17-jre-headless) when there is no
#                               `java` 17 or later, and pyspark (Tests/spark-requirements.txt) into .venv-spark
#   Tests/spark.sh run CMD...   install what is missing, start a Spark standalone cluster on loopback (a master,
#                               two workers with one core and at most 1 GiB each, and the Spark Connect server
#                               attached to that master), export UPLIFT_TEST_SPARK=sc://127.0.0.1:PORT (and
#                               UPLIFT_TEST_SPARK_PYTHON, the python of .venv-spark, whose pyspark is a reference
#                               client), run CMD, then stop everything and delete its directory, even on failure.
#
# Spark comes from PyPI: the pyspark package holds a whole distribution (bin/spark-class, jars/ with the Connect
# server, spark-connect_2.13-*.jar), so its directory is SPARK_HOME. It is large (~500 MB; ~900 MB with its client's
# dependencies), so it has a virtual environment of its own, .venv-spark, beside the tests' .venv; like .venv (the
# Makefile's .ready stamp) it is refreshed whenever its requirements file changes.
#
# Ready means: both workers registered with the master (its JSON page), and the Connect server ran a query on
# the cluster's two executors (one core each), asked through pyspark's Connect client; bounded by
# UPLIFT_SPARK_START_TIMEOUT seconds (120). Each JVM runs in a session of its own (setsid): stopping its process
# group stops what it started too (a worker's executors), and a watchdog stops them all should this script be
# killed without its traps running. Logs, work and scratch directories (java.io.tmpdir, spark.local.dir) are in
# one temporary directory. When the cluster does not come up, the logs' ends are printed; when CMD fails, the
# logs are kept in $UPLIFT_TEST_LOGS/spark (.build/test-logs/spark, beside the stages' logs).
#
# Memory is bounded for a 2-core machine that runs other tests alongside: 256 MiB of heap for each daemon (the
# master, the workers), 1 GiB for the Connect server (the driver), 512 MiB for each of the two executors. The
# server's defaults for every session: spark.sql.session.timeZone=UTC and spark.sql.shuffle.partitions=4.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="${UPLIFT_SPARK_VENV:-$root/.venv-spark}"
requirements="$root/Tests/spark-requirements.txt"
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo

# The major version of the java that spark-class would run (JAVA_HOME's, or the one on PATH), or nothing.
java_major() {
    local java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
    command -v "$java" >/dev/null 2>&1 || return 0
    "$java" -version 2>&1 | sed -n -E '1s/.* version "(1\.)?([0-9]+).*/\2/p'
}

install() {
    local major
    major=$(java_major)
    if [ -z "$major" ] || [ "$major" -lt 17 ]; then
        echo "installing: openjdk-17-jre-headless" >&2
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq openjdk-17-jre-headless >/dev/null
        if [ -z "$(java_major)" ] || [ "$(java_major)" -lt 17 ]; then
            # An older java stays first on PATH: Spark 4 runs on the one just installed.
            local home
            for home in /usr/lib/jvm/java-17-openjdk-*; do [ -x "$home/bin/java" ] && export JAVA_HOME="$home"; done
            if [ -z "$(java_major)" ] || [ "$(java_major)" -lt 17 ]; then
                echo "openjdk-17-jre-headless installed but no java 17 found" >&2; exit 1
            fi
        fi
    fi
    if [ ! -f "$venv/.ready" ] || [ "$requirements" -nt "$venv/.ready" ]; then
        echo "installing: $(grep -v '^#' "$requirements" | tr '\n' ' ')into $venv" >&2
        python3 -m venv --help >/dev/null 2>&1 || \
            { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3 python3-venv >/dev/null; }
        python3 -m venv "$venv"
        "$venv/bin/python" -m pip install -q --upgrade pip
        "$venv/bin/python" -m pip install -q -r "$requirements"
        touch "$venv/.ready"
    fi
}

# Globals: the EXIT trap runs after run() has returned.
dir="" pids=() watchdog="" spark_env=()

# spawn NAME CMD...: CMD in a session of its own (its pid is its process group's id), in $dir (where a JVM
# leaves its odd files: derby.log, metastore_db), output in $dir/NAME.log.
spawn() {
    local name=$1; shift
    (cd "$dir" && exec env "${spark_env[@]}" setsid "$@") </dev/null >"$dir/$name.log" 2>&1 &
    pids+=("$!")
    echo "$!" >>"$dir/pids"
}

# Whether a process of one of our groups is still running (zombies aside).
running() {
    ps -e -o pgid=,stat= | awk -v groups=" ${pids[*]} " \
        'index(groups, " " $1 " ") && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}

stop() {
    [ -n "$dir" ] || return 0
    local pid deadline
    [ -z "$watchdog" ] || kill -- "-$watchdog" 2>/dev/null || true
    if [ ${#pids[@]} -gt 0 ]; then
        for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
        # The JVMs stop within seconds; what is left after 20 s is killed.
        deadline=$((SECONDS + 20))
        while running && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
        for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
    fi
    wait 2>/dev/null || true
    rm -rf "$dir"
}

# The end of every log (the daemons', the executors'), for a cluster that did not come up.
tails() {
    local log
    for log in "$dir"/*.log "$dir"/worker*/app-*/*/stderr; do
        [ -f "$log" ] || continue
        echo "--- ${log#"$dir"/} (last 40 lines)" >&2
        tail -n 40 "$log" >&2
    done
}

run() {
    install
    local spark_home master_port ui_port connect_port java_opts started
    spark_home=$("$venv/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')
    [ -x "$spark_home/bin/spark-class" ] || { echo "spark-class not found in $spark_home" >&2; exit 1; }
    dir=$(mktemp -d /tmp/uplift-spark.XXXXXX)
    trap stop EXIT
    trap 'exit 130' INT TERM
    mkdir "$dir/conf" "$dir/tmp" "$dir/local" "$dir/worker1" "$dir/worker2"
    : >"$dir/pids"
    # Should this script be killed (SIGKILL: no trap runs), the watchdog kills the JVMs and deletes the directory.
    # shellcheck disable=SC2016 # its arguments are expanded by the inner bash
    setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done
        for pid in $(cat "$2/pids"); do kill -KILL -- "-$pid" 2>/dev/null; done; rm -rf "$2"' \
        spark-watchdog "$$" "$dir" </dev/null >/dev/null 2>&1 &
    watchdog=$!

    # Three free ports at once (a port picked alone could come back for the next one).
    read -r master_port ui_port connect_port < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(3)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in ss))')
    [ -n "$connect_port" ] || { echo "spark: no free ports" >&2; exit 1; }
    # No hsperfdata files in /tmp; scratch files in the temporary directory; the serial collector (small heaps,
    # two cores: no collector threads to share them). The daemons' code is compiled by C1 alone: they start in
    # less CPU time, the cluster being up some 10 s sooner on a loaded machine.
    java_opts="-XX:-UsePerfData -Djava.io.tmpdir=$dir/tmp -XX:+UseSerialGC"
    # SPARK_CONF_DIR: an empty one, so that no spark-defaults.conf or spark-env.sh from elsewhere applies.
    spark_env=(-u SPARK_REMOTE -u MASTER -u SPARK_CONNECT_MODE_ENABLED SPARK_CONNECT_MODE=0
        SPARK_HOME="$spark_home" SPARK_CONF_DIR="$dir/conf" SPARK_LOCAL_IP=127.0.0.1 SPARK_LOCAL_HOSTNAME=127.0.0.1
        SPARK_LOCAL_DIRS="$dir/local" SPARK_DAEMON_JAVA_OPTS="$java_opts -XX:TieredStopAtLevel=1"
        SPARK_LAUNCHER_OPTS=-XX:-UsePerfData PYSPARK_PYTHON="$venv/bin/python")
    [ -z "${JAVA_HOME:-}" ] || spark_env+=(JAVA_HOME="$JAVA_HOME")

    started=$SECONDS
    # SPARK_DAEMON_MEMORY for the master and the workers only: spark-submit would apply it to the Connect server
    # too (the launcher treats it as a daemon, like the Thrift server), before --driver-memory.
    # No REST submission server (Spark 4 starts one on port 6066 by default, the same port for every cluster).
    spawn master env SPARK_DAEMON_MEMORY=256m SPARK_MASTER_OPTS=-Dspark.master.rest.enabled=false \
        "$spark_home/bin/spark-class" org.apache.spark.deploy.master.Master \
        --host 127.0.0.1 --port "$master_port" --webui-port "$ui_port"
    # The workers' web UIs on ports of the system's choosing (0): nothing reads them.
    local n
    for n in 1 2; do
        spawn "worker$n" env SPARK_DAEMON_MEMORY=256m "$spark_home/bin/spark-class" org.apache.spark.deploy.worker.Worker \
            --cores 1 --memory 1g --host 127.0.0.1 --webui-port 0 --work-dir "$dir/worker$n" "spark://127.0.0.1:$master_port"
    done
    # The Connect server is a driver (client mode) on the cluster: it takes both cores (spark.cores.max), one
    # executor on each worker. grpc.port.maxRetries=0: on the port given or not at all.
    spawn connect "$spark_home/bin/spark-submit" --class org.apache.spark.sql.connect.service.SparkConnectServer \
        --name "Spark Connect server" --master "spark://127.0.0.1:$master_port" --driver-memory 1g \
        --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
        --conf spark.connect.grpc.binding.address=127.0.0.1 --conf spark.connect.grpc.binding.port="$connect_port" \
        --conf spark.connect.grpc.port.maxRetries=0 \
        --conf spark.executor.memory=512m --conf spark.executor.cores=1 --conf spark.cores.max=2 \
        --conf spark.ui.enabled=false --conf spark.local.dir="$dir/local" --conf spark.sql.warehouse.dir="$dir/warehouse" \
        --conf spark.driver.extraJavaOptions="$java_opts" --conf spark.executor.extraJavaOptions="$java_opts" \
        --conf spark.sql.session.timeZone=UTC --conf spark.sql.shuffle.partitions=4

    "$venv/bin/python" - "$ui_port" "$connect_port" "${UPLIFT_SPARK_START_TIMEOUT:-120}" "${pids[@]}" <<'PY' || { tails; exit 1; }
import json, socket, sys, time, urllib.request

ui_port, connect_port, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
pids = [int(p) for p in sys.argv[4:]]
deadline = time.monotonic() + timeout


def check(what, error=None):
    """Fails when a JVM has exited or the deadline has passed."""
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            state = "X"
        if state in ("Z", "X"):
            sys.exit(f"spark: a JVM (pid {pid}) exited while waiting for {what}")
    if time.monotonic() > deadline:
        sys.exit(f"spark: timed out after {timeout:.0f} s waiting for {what}" + (f" (last: {error!r:.300})" if error else ""))


def master():
    with urllib.request.urlopen(f"http://127.0.0.1:{ui_port}/json/", timeout=2) as response:
        return json.load(response)


def wait(what, ready):
    error = None
    while True:
        check(what, error)
        try:
            if ready():
                return
        except Exception as e:
            error = e
        time.sleep(0.2)


def workers_alive():
    state = master()
    return state["status"] == "ALIVE" and sum(w["state"] == "ALIVE" for w in state["workers"]) == 2


wait("the master and two workers", workers_alive)
wait("the Connect server's port", lambda: socket.create_connection(("127.0.0.1", connect_port), 1).close() or True)

from pyspark.sql import SparkSession

spark = None
def answers():
    global spark
    spark = spark or SparkSession.builder.remote(f"sc://127.0.0.1:{connect_port}").getOrCreate()
    return spark.sql("SELECT 1 AS one").collect()[0].one == 1

wait("the Connect server to answer", answers)
# Four tasks over the executors: the sum is computed on the cluster, not in the driver.
total = spark.range(0, 100, 1, 4).selectExpr("sum(id) AS total").collect()[0].total
if total != 4950:
    sys.exit(f"spark: sum(0..99) = {total}, expected 4950")
spark.stop()


def executors_running():
    state = master()
    apps = [a for a in state["activeapps"] if a["state"] == "RUNNING"]
    return len(apps) == 1 and apps[0]["cores"] == 2 and all(w["coresused"] == 1 for w in state["workers"])

wait("the Connect server's two executors", executors_running)
PY
    echo "spark: master spark://127.0.0.1:$master_port, 2 workers, connect sc://127.0.0.1:$connect_port (started in $((SECONDS - started)) s; logs in $dir)" >&2
    export UPLIFT_TEST_SPARK="sc://127.0.0.1:$connect_port"
    export UPLIFT_TEST_SPARK_PYTHON="$venv/bin/python"
    local status=0
    "$@" || status=$?
    if [ "$status" != 0 ]; then
        # The cluster's side of a failure: its logs (the executors' too) are kept beside the stages' logs.
        local kept="${UPLIFT_TEST_LOGS:-$root/.build/test-logs}/spark"
        rm -rf "$kept" && mkdir -p "$kept"
        (cd "$dir" && cp --parents -- *.log worker*/app-*/*/std* "$kept" 2>/dev/null) || true
        echo "spark: the cluster's logs are in $kept" >&2
    fi
    return "$status"
}

case "${1:-}" in
    install) install ;;
    run) shift; [ $# -gt 0 ] || { echo "usage: $0 run CMD..." >&2; exit 2; }; run "$@" ;;
    *) echo "usage: $0 install | run CMD..." >&2; exit 2 ;;
esac
