#!/usr/bin/env python3
"""Load test of `uplift serve`: maximum sustained rate (wrk, connection sweep) and latency at half
that rate (a rate-limited asyncio/aiohttp client), with the server's CPU% and RSS sampled from /proc.

Builds nothing: it runs the release binary you built (`swift build -c release --product uplift`).
Every run gets a fresh data directory, project, write key and server (`--port 0`), so no run
measures the previous one's flush or a larger memtable.

    /tmp/load-venv/bin/python loadtests/server_load.py [--bin .build/release/uplift]
        [--connections 16,64,256] [--duration 15] [--latency-duration 30] [--scenarios batch,single]

Needs `wrk` (apt-get install -y wrk) and aiohttp (loadtests/requirements.txt). Prints Markdown.
"""

import argparse
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
SCENARIOS = {
    # name: (wrk script, path, events per request)
    "batch": ("batch.lua", "/v1/batch", 100),
    "single": ("single.lua", "/v1/track", 1),
}


# ---------------------------------------------------------------- server

class Server:
    """`uplift serve` on a fresh data directory with project `demo` and one write key."""

    def __init__(self, binary, keep=False):
        self.binary = binary
        self.keep = keep
        self.data = Path(tempfile.mkdtemp(prefix="uplift-load-"))
        self.run_cli("project", "create", "demo")
        out = self.run_cli("key", "create", "--project", "demo", "--kind", "write", "--json")
        self.key = json.loads(out)["key"]
        self.log = open(self.data / "server.log", "wb")
        self.proc = subprocess.Popen(
            [binary, "serve", "--data", str(self.data), "--port", "0", "--log-level", "warning"],
            stdout=subprocess.PIPE, stderr=self.log)
        line = self.proc.stdout.readline().decode()
        match = re.search(r"http://([\d.]+):(\d+)", line)
        if not match:
            self.stop()
            raise SystemExit(f"server did not start: {line!r}; log in {self.data / 'server.log'}")
        self.url = f"http://{match.group(1)}:{match.group(2)}"
        self.pid = self.proc.pid

    def run_cli(self, *args):
        return subprocess.run([self.binary, *args, "--data", str(self.data)], check=True,
                              capture_output=True, text=True).stdout

    def accepted(self):
        """uplift_ingest_events_accepted_total from /metrics (proves the events were stored, not refused)."""
        import urllib.request
        text = urllib.request.urlopen(self.url + "/metrics", timeout=10).read().decode()
        match = re.search(r"^uplift_ingest_events_accepted_total(?:\{\})? (\S+)", text, re.M)
        return int(float(match.group(1))) if match else -1

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()
        if not self.keep:
            shutil.rmtree(self.data, ignore_errors=True)


# ---------------------------------------------------------------- /proc sampling

def cpu_ticks(pid):
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def rss_bytes(pid):
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0


class Sampler(threading.Thread):
    """Samples CPU time and RSS of the server and of the load generator every `interval` seconds.
    CPU% is over the whole run (100% = one core); RSS is the peak seen."""

    def __init__(self, server_pid, interval=0.25):
        super().__init__(daemon=True)
        self.server_pid, self.interval = server_pid, interval
        self.client_pids = []
        self.stop_event = threading.Event()
        self.peak_rss = 0
        self.client_ticks = {}

    def run(self):
        while not self.stop_event.wait(self.interval):
            self.peak_rss = max(self.peak_rss, rss_bytes(self.server_pid))
            for pid in list(self.client_pids):
                ticks = cpu_ticks(pid)
                if ticks is not None:
                    self.client_ticks[pid] = ticks

    def __enter__(self):
        self.t0 = time.monotonic()
        self.server0 = cpu_ticks(self.server_pid)
        self.machine0 = machine_ticks()
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        self.join()
        self.seconds = time.monotonic() - self.t0
        self.server_cpu = 100 * (cpu_ticks(self.server_pid) - self.server0) / TICK / self.seconds
        busy, total = (a - b for a, b in zip(machine_ticks(), self.machine0))
        self.machine_cpu = 100 * busy / total * os.cpu_count() if total else 0
        # Clients are sampled while alive: their ticks from start, since they started inside the window.
        self.client_cpu = 100 * sum(self.client_ticks.values()) / TICK / self.seconds


def machine_ticks():
    """(busy, total) jiffies of all cores from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


# ---------------------------------------------------------------- wrk

def unit_ms(value):
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def run_wrk(server, scenario, connections, duration, threads):
    script, _, _ = SCENARIOS[scenario]
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s",
               "-s", str(HERE / "wrk" / script), server.url]
    env = dict(os.environ, UPLIFT_WRITE_KEY=server.key)
    with Sampler(server.pid) as sampler:
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
        sampler.client_pids.append(proc.pid)
        out, _ = proc.communicate()
    if proc.returncode != 0 or "Requests/sec" not in out:
        raise SystemExit(f"wrk failed:\n{out}")
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": unit_ms(re.search(r"50%\s+(\S+)", out).group(1)),
        "p99": unit_ms(re.search(r"99%\s+(\S+)", out).group(1)),
        "non2xx": int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0,
        "errors": sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "command": " ".join(command),
    }
    result.update(server_cpu=sampler.server_cpu, client_cpu=sampler.client_cpu,
                  machine_cpu=sampler.machine_cpu, rss=sampler.peak_rss)
    return result


# ---------------------------------------------------------------- rate-limited latency client

def make_body(scenario, prefix, n):
    events = ["Page Viewed", "Signed Up", "Button Clicked", "Checkout Started", "Order Completed"]

    def message(i):
        return ('{"type":"track","messageId":"%s-%d","event":"%s","userId":"user-%d","properties":'
                '{"plan":"pro","amount":%d,"path":"/pricing"},"context":{"library":{"name":"aiohttp","version":"1"}}}'
                % (prefix, i, events[i % 5], i % 100000, i % 97))

    size = SCENARIOS[scenario][2]
    if size == 1:
        return message(n).encode()
    return ('{"batch":[' + ",".join(message(n * size + i) for i in range(size)) + "]}").encode()


def latency_worker(url, key, scenario, rate, duration, connections, prefix, start_at, queue):
    """One process: sends `rate` requests/s on a fixed schedule (open loop) for `duration` s.
    Latency is measured from the *scheduled* send time, so a stalled server is not hidden by
    the client waiting for it (coordinated omission)."""
    import asyncio
    import aiohttp

    path = SCENARIOS[scenario][1]
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    async def main():
        latencies, statuses = [], {}
        connector = aiohttp.TCPConnector(limit=connections)
        async with aiohttp.ClientSession(base_url=url, connector=connector) as session:
            # A fixed pool of senders, one per connection, takes the next slot of the schedule:
            # cheaper than a task per request, and still open loop because the latency counts
            # from the slot's time, however late a sender gets to it.
            total = int(rate * duration)
            slots = iter(range(total))

            async def sender():
                for n in slots:
                    scheduled = start_at + n / rate
                    delay = scheduled - time.monotonic()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    body = make_body(scenario, prefix, n)
                    try:
                        async with session.post(path, data=body, headers=headers) as response:
                            await response.read()
                            status = response.status
                    except aiohttp.ClientError as error:
                        status = type(error).__name__
                    latencies.append(time.monotonic() - scheduled)
                    statuses[status] = statuses.get(status, 0) + 1

            await asyncio.gather(*(sender() for _ in range(connections)))
            lag = time.monotonic() - (start_at + duration)
        return latencies, statuses, lag

    queue.put(asyncio.run(main()))


def percentile(sorted_values, q):
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def run_latency(server, scenario, rate, duration, processes, connections):
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    start_at = time.monotonic() + 1.0  # every process starts its schedule at the same instant
    run = f"{int(time.time()):x}"
    workers = [context.Process(target=latency_worker, args=(
        server.url, server.key, scenario, rate / processes, duration, max(1, connections // processes),
        f"lat{run}-{i}", start_at, queue)) for i in range(processes)]
    with Sampler(server.pid) as sampler:
        for worker in workers:
            worker.start()
            sampler.client_pids.append(worker.pid)
        results = [queue.get() for _ in workers]
        for worker in workers:
            worker.join()
    latencies = sorted(x for r in results for x in r[0])
    statuses = {}
    for r in results:
        for status, count in r[1].items():
            statuses[status] = statuses.get(status, 0) + count
    seconds = duration + max(0.0, max(r[2] for r in results))
    return {
        "target": rate, "achieved": len(latencies) / seconds,
        "p50": 1000 * percentile(latencies, 0.50), "p90": 1000 * percentile(latencies, 0.90),
        "p99": 1000 * percentile(latencies, 0.99), "max": 1000 * latencies[-1] if latencies else float("nan"),
        "errors": sum(c for s, c in statuses.items() if s != 200), "statuses": statuses,
        "server_cpu": sampler.server_cpu, "client_cpu": sampler.client_cpu,
        "machine_cpu": sampler.machine_cpu, "rss": sampler.peak_rss,
    }


# ---------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=str(ROOT / ".build" / "release" / "uplift"))
    parser.add_argument("--scenarios", default="batch,single")
    parser.add_argument("--connections", default="16,64,256")
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--latency-duration", type=int, default=30)
    parser.add_argument("--latency-processes", type=int, default=2, help="client processes for the latency run")
    parser.add_argument("--latency-connections", type=int, default=64)
    parser.add_argument("--keep", action="store_true", help="keep the data directories")
    parser.add_argument("--rates", default="", help="extra open-loop latency runs at these request rates, e.g. 500,1000")
    args = parser.parse_args()
    if not Path(args.bin).is_file():
        raise SystemExit(f"no binary at {args.bin}: build it with `swift build -c release --product uplift` or pass --bin")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")

    sweep, latency = [], []
    for scenario in args.scenarios.split(","):
        per_request = SCENARIOS[scenario][2]
        best = None
        for connections in [int(c) for c in args.connections.split(",")]:
            server = Server(args.bin, args.keep)
            try:
                result = run_wrk(server, scenario, connections, args.duration, args.threads)
                result["accepted"] = server.accepted()
            finally:
                server.stop()
            result.update(scenario=scenario, connections=connections, events=result["rps"] * per_request)
            sweep.append(result)
            print(f"# {scenario} c={connections}: {result['rps']:.0f} req/s, p99 {result['p99']:.1f} ms, "
                  f"server {result['server_cpu']:.0f}% CPU, wrk {result['client_cpu']:.0f}%", file=sys.stderr)
            # Sustained = every request answered 200 and every event stored.
            clean = result["non2xx"] == 0 and result["errors"] == 0
            if clean and (best is None or result["rps"] > best["rps"]):
                best = result
        if best is None:
            print(f"# {scenario}: no clean wrk run, skipping the latency run", file=sys.stderr)
            continue
        for rate in [best["rps"] / 2] + [float(r) for r in args.rates.split(",") if r]:
            server = Server(args.bin, args.keep)
            try:
                result = run_latency(server, scenario, rate, args.latency_duration, args.latency_processes,
                                     args.latency_connections)
                result["accepted"] = server.accepted()
            finally:
                server.stop()
            result.update(scenario=scenario, events=result["achieved"] * per_request)
            latency.append(result)
            print(f"# {scenario} @ {rate:.0f}/s: p50 {result['p50']:.2f} ms, p99 {result['p99']:.2f} ms, "
                  f"achieved {result['achieved']:.0f}/s", file=sys.stderr)

    print_tables(sweep, latency, args)


def other(r):
    """CPU the rest of the machine used meanwhile (other users of the shared box, kernel threads)."""
    return f"{max(0.0, r['machine_cpu'] - r['server_cpu'] - r['client_cpu']):.0f}"


def print_tables(sweep, latency, args):
    print(f"wrk: {args.threads} threads, {args.duration} s per run, fresh server per run; "
          f"cores: {os.cpu_count()}; CPU% is per core (200% = both cores)\n")
    print("| scenario | conns | req/s | events/s | p50 ms | p99 ms | non-2xx | socket errors | events stored | "
          "server CPU % | server peak RSS MB | wrk CPU % | other processes CPU % |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in sweep:
        print(f"| {r['scenario']} | {r['connections']} | {r['rps']:,.0f} | {r['events']:,.0f} | {r['p50']:.2f} | "
              f"{r['p99']:.2f} | {r['non2xx']} | {r['errors']} | {r['accepted']:,} | {r['server_cpu']:.0f} | "
              f"{r['rss'] / 2**20:.0f} | {r['client_cpu']:.0f} | {other(r)} |")
    print(f"\nHalf of the best clean rate, open loop (latency from the scheduled send time), "
          f"{args.latency_duration} s, {args.latency_processes} aiohttp processes, "
          f"{args.latency_connections} connections in all:\n")
    print("| scenario | target req/s | achieved req/s | events/s | p50 ms | p90 ms | p99 ms | max ms | errors | "
          "events stored | server CPU % | server peak RSS MB | client CPU % | other processes CPU % |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in latency:
        print(f"| {r['scenario']} | {r['target']:,.0f} | {r['achieved']:,.0f} | {r['events']:,.0f} | {r['p50']:.2f} | "
              f"{r['p90']:.2f} | {r['p99']:.2f} | {r['max']:.1f} | {r['errors']} | {r['accepted']:,} | "
              f"{r['server_cpu']:.0f} | {r['rss'] / 2**20:.0f} | {r['client_cpu']:.0f} | {other(r)} |")


if __name__ == "__main__":
    main()
