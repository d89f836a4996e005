"""Three `uplift serve` nodes on one PostgreSQL catalog and one S3 bucket (moto's server), behind no load
balancer: the client spreads batches over them itself.

A client sends 200k events in batches round-robin, resends about 5% of the acknowledged batches to a
*different* node, and identifies every anonymous user on another node than the one that took their first
events. Mid-load one node is SIGKILLed and restarted, and the object store is unreachable for 10 s (a TCP
proxy in front of moto is closed: moto keeps its objects in memory, so stopping moto itself would lose the
bucket; from the nodes' side the two are the same outage). Then:
- every acknowledged event is stored exactly once in the live segments, read with pyarrow from the objects
  `uplift segments` lists (after `uplift compact`, which merges the nodes' segments of each day);
- `uplift verify --storage …` is clean;
- the three nodes give identical funnel, trend, retention and experiment answers, equal to those of one node
  that imported the same events from a file.

Needs UPLIFT_TEST_POSTGRES_URL and UPLIFT_TEST_S3_ENDPOINT (make test starts both).
"""
import io
import json
import os
import random
import socket
import threading
import time
import uuid

import boto3
import pyarrow.parquet as pq
import pytest
import requests

from conftest import Server, run
from test_serve_postgres import psql

EVENTS = 200_000
PERSONS = 20_000
BATCH = 500
PROJECT = "shop"
DAYS = [f"2026-03-{d:02d}" for d in range(1, 11)]
RANGE = {"from": "2026-03-01", "to": "2026-03-10"}
# The nodes leave compaction to `uplift compact` (run once, below): their answers before it must already count
# every event once. (Concurrent compactions and their leases: Tests/UpliftServerTests/SharedStorageStoreTests.)
NO_COMPACTION = ["--compaction-interval", "1h"]
# Node 2 keeps its copies of segments in a directory of its own, within a budget far below the bucket's
# segments: its queries download what their copies lack again, and must answer the same.
CACHE_BUDGET = 1 << 20


def node_args(tmp, n):
    cache = ["--cache-dir", str(tmp / "node-2-cache"), "--cache-size", "1MiB"] if n == 2 else []
    return ["--node", f"node-{n}", *NO_COMPACTION, *cache]


def parquet_bytes(directory):
    return sum(f.stat().st_size for f in directory.rglob("*.parquet") if not f.name.startswith("."))

EXPERIMENT = {
    "key": "checkout", "variants": [{"key": "control", "weight": 0.5}, {"key": "treatment", "weight": 0.5}],
    "exposure": {"event": "$exposure"},
    "metrics": [{"id": "conversion", "kind": "proportion", "event": "purchased", "window": "7d"},
                {"id": "revenue", "kind": "mean", "event": "purchased", "property": "amount", "window": "7d"}],
    "method": "frequentist",
}
QUERIES = [
    ("funnel", {"steps": ["viewed", "signed_up", "purchased"], "window": "7d", **RANGE}),
    ("funnel", {"steps": ["viewed", "purchased"], "window": "3d", "breakdown": "plan", **RANGE}),
    ("trend", {"event": "viewed", "measure": "persons", **RANGE}),
    # Counts events: an event stored twice would show.
    ("trend", {"event": "viewed", "measure": "events", **RANGE}),
    ("trend", {"event": "purchased", "measure": "sum", "property": "amount", **RANGE}),
    ("retention", {"cohort_event": "signed_up", "periods": 7, **RANGE}),
    ("experiment", {"definition": EXPERIMENT, **RANGE}),
]


class Proxy:
    """A TCP forwarder to the object store that can be closed (every connection dropped, new ones refused)
    and opened again on the same port."""

    def __init__(self, upstream_port):
        self.upstream = ("127.0.0.1", upstream_port)
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.lock = threading.Lock()
        self.sockets = set()
        self.listener = None

    def open(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def close(self):
        listener, self.listener = self.listener, None
        # shutdown() wakes the thread blocked in accept(); close() alone leaves the socket listening.
        try:
            listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        listener.close()
        with self.lock:
            for s in list(self.sockets):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self.sockets.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=5)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets.update((client, server))
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, target):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def workload(seed=7):
    """(anonymous batches, identified batches): the first events of a group of persons (anonymous), then
    their identify calls and signed-in events. Every message has its own messageId (the event id)."""
    rng = random.Random(seed)
    persons_per_batch = PERSONS * BATCH // EVENTS  # each person sends EVENTS / PERSONS = 10 messages
    anonymous, identified = [], []
    for first in range(0, PERSONS, persons_per_batch):
        a_batch, i_batch = [], []
        for p in range(first, first + persons_per_batch):
            day = rng.randrange(len(DAYS) - 2)
            start = time.mktime(time.strptime(DAYS[day], "%Y-%m-%d")) - time.timezone + rng.randrange(80_000)
            variant = "treatment" if rng.random() < 0.5 else "control"
            plan = rng.choice(["free", "pro", "team"])

            def message(kind, offset, **fields):
                stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + offset))
                return {"type": kind, "messageId": f"m-{p}-{offset}", "timestamp": stamp, **fields}

            anon = {"anonymousId": f"a-{p}"}
            a_batch += [message("track", k * 60, event="viewed", properties={"plan": plan}, **anon) for k in range(3)]
            a_batch.append(message("track", 200, event="$exposure",
                                   properties={"experiment": "checkout", "variant": variant}, **anon))
            user = {"userId": f"u-{p}"}
            i_batch.append(message("identify", 300, traits={"plan": plan}, **anon, **user))
            i_batch.append(message("track", 360, event="signed_up", properties={"plan": plan}, **user))
            bought = rng.random() < (0.4 if variant == "treatment" else 0.3)
            i_batch.append(message("track", 3600 + rng.randrange(86_400 * 3),
                                   event="purchased" if bought else "viewed",
                                   properties={"plan": plan, "amount": rng.randrange(10, 200)}, **user))
            i_batch += [message("track", 86_400 * (k + 1) + rng.randrange(3600), event="viewed",
                                properties={"plan": plan}, **user) for k in range(3)]
        anonymous.append(a_batch)
        identified.append(i_batch)
    assert sum(map(len, anonymous + identified)) == EVENTS
    return anonymous, identified


@pytest.fixture
def cluster(uplift, tmp_path, monkeypatch):
    base = os.environ.get("UPLIFT_TEST_POSTGRES_URL")
    endpoint = os.environ.get("UPLIFT_TEST_S3_ENDPOINT")
    if not base or not endpoint:
        pytest.skip("needs UPLIFT_TEST_POSTGRES_URL and UPLIFT_TEST_S3_ENDPOINT (make test starts both)")
    schema = "scale_" + uuid.uuid4().hex[:12]
    bucket = "uplift-scale-" + uuid.uuid4().hex[:12]
    psql(base, f"CREATE SCHEMA {schema}")
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket=bucket)
    proxy = Proxy(int(endpoint.rsplit(":", 1)[1]))
    proxy.open()
    monkeypatch.setenv("UPLIFT_CATALOG", base + ("&" if "?" in base else "?") + f"schema={schema}")
    monkeypatch.setenv("UPLIFT_CATALOG_SECRET", "scale-out-test-pepper-" + "x" * 20)
    monkeypatch.setenv("UPLIFT_STORAGE", f"s3://{bucket}/prod")
    monkeypatch.setenv("UPLIFT_S3_ENDPOINT", f"http://127.0.0.1:{proxy.port}")
    try:
        yield {"tmp": tmp_path, "s3": s3, "bucket": bucket, "proxy": proxy}
    finally:
        if proxy.listener is not None:
            proxy.close()
        psql(base, f"DROP SCHEMA {schema} CASCADE")


def cli(uplift, *args, data):
    r = run([uplift, *args, "--data", str(data)], timeout=600)
    assert r.returncode == 0, f"uplift {' '.join(args)}: {r.stderr}"
    return r.stdout


def post(session, url, key, body):
    return session.post(url + "/v1/batch", json={"batch": body}, auth=(key, ""), timeout=60)


def answers(url, key):
    out = []
    for kind, body in QUERIES:
        r = requests.post(f"{url}/v1/query/{kind}", json=body, headers={"Authorization": f"Bearer {key}"},
                          timeout=120)
        assert r.status_code == 200, f"{kind}: {r.status_code} {r.text}"
        doc = r.json()
        doc.pop("computed_at", None)
        out.append(doc)
    return out


def test_three_nodes_store_every_event_once_and_answer_alike(uplift, cluster):
    tmp, s3, bucket, proxy = cluster["tmp"], cluster["s3"], cluster["bucket"], cluster["proxy"]
    admin = tmp / "admin"
    cli(uplift, "project", "create", PROJECT, data=admin)
    write_key = json.loads(cli(uplift, "key", "create", "--project", PROJECT, "--kind", "write", "--json",
                               data=admin))["key"]
    read_key = json.loads(cli(uplift, "key", "create", "--project", PROJECT, "--kind", "read", "--json",
                              data=admin))["key"]
    nodes = [Server(uplift, tmp / f"node-{n}", project=PROJECT,
                    extra_args=[*node_args(tmp, n), "--flush-interval", "5s"]).start()
             for n in range(3)]
    try:
        anonymous, identified = workload()
        acknowledged = {}  # messageId -> message
        session = requests.Session()
        rng = random.Random(11)
        resent = 0

        def send(batch, node):
            """Sends `batch` to `node`, or to the next one while a node does not answer; returns the node."""
            for attempt in range(30):
                target = nodes[(node + attempt) % 3]
                if target.proc is None:
                    continue
                try:
                    r = post(session, target.url, write_key, batch)
                except requests.RequestException:
                    continue
                if r.status_code == 200:
                    for m in batch:
                        acknowledged[m["messageId"]] = m
                    return (node + attempt) % 3
                assert r.status_code == 503, r.text
                time.sleep(0.2)
            pytest.fail("no node took a batch in 30 tries")

        groups = len(anonymous)
        for g in range(groups):
            took = send(anonymous[g], g % 3)
            # Identified on another node than the one that took the person's first events.
            took_identified = send(identified[g], (took + 1) % 3)
            if rng.random() < 0.05:
                # An SDK retry after a timeout, landing on another node.
                if rng.random() < 0.5:
                    send(anonymous[g], (took + 2) % 3)
                else:
                    send(identified[g], (took_identified + 1) % 3)
                resent += 1
            if g == groups // 3:
                nodes[1].kill()
                nodes[1].start()
            if g == 2 * groups // 3:
                proxy.close()
                outage_end = time.monotonic() + 10
                # Reported, and still ready: the node takes events into its log meanwhile.
                ready = requests.get(nodes[0].url + "/readyz", timeout=30)
                assert ready.status_code == 200, ready.text
                assert ready.json()["checks"]["storage"] == "unreachable"
            if proxy.listener is None and time.monotonic() >= outage_end:
                proxy.open()
        if proxy.listener is None:
            time.sleep(max(0.0, outage_end - time.monotonic()))
            proxy.open()
        assert len(acknowledged) == EVENTS and resent > 0

        # Every node sees every node's flushes within the flush interval.
        for node in nodes:
            node.stop_ok()
    finally:
        for node in nodes:
            node.kill()

    before = json.loads(cli(uplift, "segments", "--project", PROJECT, "--json", data=tmp / "lister"))["segments"]
    assert {s["node"] for s in before} == {"node-0", "node-1", "node-2"}
    # Batches sent again to another node are in two nodes' segments until compaction.
    assert sum(s["rows"] for s in before) > EVENTS
    # Node 2's copies fit its budget, far below what the bucket holds; its data directory has only its
    # log, no segments.
    assert sum(s["bytes"] for s in before) > 2 * CACHE_BUDGET
    assert 0 < parquet_bytes(tmp / "node-2-cache") <= CACHE_BUDGET
    assert parquet_bytes(tmp / "node-2") == 0

    # The same events imported by one node on its own: the answers every node must give.
    expected = single_node_answers(uplift, tmp, acknowledged.values())
    funnel = expected[0]
    assert funnel["steps"][0]["persons"] > 0.9 * PERSONS, funnel["steps"]

    # Before compaction: an event two nodes took is read once.
    assert answers_of_three_nodes(uplift, tmp, read_key) == expected

    # One node's compaction merges each day's segments of all three and keeps one row per event.
    compacted = json.loads(cli(uplift, "compact", "--json", data=tmp / "compactor"))
    assert compacted["days"] > 0
    listed = json.loads(cli(uplift, "segments", "--project", PROJECT, "--json", data=tmp / "lister"))["segments"]
    ids = []
    for segment in listed:
        assert segment["path"].startswith(f"s3://{bucket}/prod/events/project={PROJECT}/date=")
        key = segment["path"][len(f"s3://{bucket}/"):]
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        table = pq.read_table(io.BytesIO(body), columns=["event_id"])
        assert table.num_rows == segment["rows"]
        ids += table.column("event_id").to_pylist()
    assert len(ids) == len(set(ids)), f"{len(ids) - len(set(ids))} events stored twice"
    assert set(ids) == set(acknowledged)

    # A one-shot command can keep its downloads out of its data directory too.
    verifier = ["--data", str(tmp / "verifier"), "--cache-dir", str(tmp / "verifier-cache")]
    result = run([uplift, "verify", "--json", *verifier], timeout=600)
    assert result.returncode == 0, result.stderr
    verified = json.loads(result.stdout)
    assert verified["ok"], verified["problems"]
    assert verified["events"] == EVENTS
    result = run([uplift, "stats", "--json", *verifier], timeout=600)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["projects"][0]["events"] == EVENTS
    assert parquet_bytes(tmp / "verifier-cache") > 0 and parquet_bytes(tmp / "verifier") == 0

    assert answers_of_three_nodes(uplift, tmp, read_key) == expected


def answers_of_three_nodes(uplift, tmp, read_key):
    """The answers of the three nodes, restarted (nothing pending), which must agree."""
    nodes = [Server(uplift, tmp / f"node-{n}", project=PROJECT, extra_args=node_args(tmp, n)).start()
             for n in range(3)]
    try:
        per_node = [answers(node.url, read_key) for node in nodes]
        # Node 2 downloaded its queries' segments again and again, evicting to stay within its budget.
        metrics = metric_values(requests.get(nodes[2].url + "/metrics", timeout=30).text)
        assert metrics["uplift_segment_cache_budget_bytes"] == CACHE_BUDGET
        assert 0 < metrics["uplift_segment_cache_bytes"] <= CACHE_BUDGET
        assert metrics["uplift_segment_cache_downloaded_bytes_total"] > len(QUERIES) * CACHE_BUDGET
        assert metrics["uplift_segment_cache_evicted_bytes_total"] > 0
        for node in nodes:
            node.stop_ok()
    finally:
        for node in nodes:  # what a failure above left running (kill() passes over a stopped node)
            node.kill()
    assert per_node[0] == per_node[1] == per_node[2]
    return per_node[0]


def metric_values(text):
    """The unlabelled samples of a Prometheus exposition, by name."""
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#") and "{" not in line:
            name, value = line.split()[:2]
            values[name] = float(value)
    return values


def single_node_answers(uplift, tmp, messages):
    """The answers of one node with its own data directory and SQLite catalog that imported `messages`."""
    single = tmp / "single"
    ndjson = tmp / "events.ndjson"
    ndjson.write_text("".join(json.dumps(m) + "\n" for m in messages))
    saved = dict(os.environ)
    for name in ("UPLIFT_CATALOG", "UPLIFT_STORAGE", "UPLIFT_CATALOG_SECRET", "UPLIFT_S3_ENDPOINT"):
        os.environ.pop(name, None)
    try:
        cli(uplift, "import", "--project", PROJECT, str(ndjson), data=single)
        key = json.loads(cli(uplift, "key", "create", "--project", PROJECT, "--kind", "read", "--json",
                             data=single))["key"]
        alone = Server(uplift, single, project=PROJECT).start()
        try:
            got = answers(alone.url, key)
            alone.stop_ok()
            return got
        finally:
            alone.kill()
    finally:
        os.environ.clear()
        os.environ.update(saved)
