"""`uplift serve --engine sc://…`: every question kind is answered by the Spark cluster that Tests/spark.sh starts,
with the embedded engine's documents; events acknowledged but not yet flushed are said to be left out; a Spark that
is not there is 503 with Retry-After while health and ingestion go on, and the same server answers again once Spark
is back.
"""
import json
import os
import socket
import threading

import pytest
import requests

from conftest import Server, run

SPARK = os.environ.get("UPLIFT_TEST_SPARK")
pytestmark = pytest.mark.skipif(
    not SPARK and os.environ.get("UPLIFT_REQUIRE_SPARK") != "1",
    reason="no Spark cluster: run under Tests/spark.sh run (make test does)")

SCOPE = {"from": "2026-01-01", "to": "2026-01-05", "time_zone": "Europe/Berlin"}
QUESTIONS = {
    "trend": {**SCOPE, "measure": "persons", "breakdown": "country"},
    "adoption": {**SCOPE, "feature": "search", "window": "3d"},
    "retention": {**SCOPE, "cohort_event": "$pageview", "periods": 3},
    "lifecycle": {**SCOPE, "interval": "day"},
    "funnel": {**SCOPE, "steps": ["signed_up", "onboarding_completed", "purchase_completed"], "window": "7d",
               "breakdown": "plan", "exclude": [{"event": "feature_x_used", "from_step": 2, "to_step": 3}]},
    "strict funnel": {**SCOPE, "steps": ["signed_up", "onboarding_completed"], "window": "7d", "order": "strict"},
    "feedback": {**SCOPE, "interval": "day", "comments": 5},
    "experiment": {"from": "2026-01-01", "to": "2026-01-05", "definition": {
        "key": "checkout-redesign", "variants": [{"key": "control", "weight": 0.5}, {"key": "treatment", "weight": 0.5}],
        "exposure": {"event": "experiment_viewed"},
        "metrics": [{"id": "conversion", "kind": "proportion", "event": "purchase_completed", "window": "7d"},
                    {"id": "revenue", "kind": "mean", "event": "purchase_completed", "property": "amount"}],
        "cuped": {"enabled": True, "pre_exposure_window": "2d"}}},
    "funnel-metric experiment": {"from": "2026-01-01", "to": "2026-01-05", "definition": {
        "key": "checkout-redesign", "variants": [{"key": "control", "weight": 0.5}, {"key": "treatment", "weight": 0.5}],
        "exposure": {"event": "experiment_viewed"},
        "metrics": [{"id": "checkout", "kind": "funnel", "steps": ["checkout_started", "purchase_completed"],
                     "window": "1d"}]}},
}



def bearer(key):
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="module")
def data(uplift, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("spark-serve")
    data = tmp / "data"
    events = tmp / "events.ndjson"
    with open(events, "wb") as out:
        import subprocess
        subprocess.run([uplift, "generate", "--events", "20000", "--users", "300", "--days", "5", "--seed", "9"],
                       stdout=out, check=True)
    r = run([uplift, "import", "--data", str(data), "--project", "demo", str(events)])
    assert r.returncode == 0, r.stderr
    keys = {}
    for kind in ("read", "write"):
        r = run([uplift, "key", "create", "--project", "demo", "--kind", kind, "--data", str(data), "--json"])
        assert r.returncode == 0, r.stderr
        keys[kind] = json.loads(r.stdout)["key"]
    return data, keys


def ask(srv, kind, key):
    path = kind.split()[-1]  # "strict funnel" is a funnel, "funnel-metric experiment" an experiment
    return requests.post(f"{srv.url}/v1/query/{path}", json=QUESTIONS[kind], headers=bearer(key), timeout=300)


def test_spark_answers_every_compiled_question_as_the_embedded_engine(uplift, data):
    assert SPARK, "UPLIFT_REQUIRE_SPARK=1 but no cluster (UPLIFT_TEST_SPARK)"
    directory, keys = data
    embedded = {}
    srv = Server(uplift, directory).start()
    try:
        for kind in QUESTIONS:
            r = ask(srv, kind, keys["read"])
            assert r.status_code == 200, r.text
            embedded[kind] = r.json()
    finally:
        srv.stop_ok()
    srv = Server(uplift, directory, extra_args=["--engine", SPARK, "--flush-interval", "1h"]).start()
    try:
        for kind in QUESTIONS:
            r = ask(srv, kind, keys["read"])
            assert r.status_code == 200, r.text
            doc = r.json()
            assert doc.pop("engine") == {"name": "spark", "events_not_included": 0}
            assert doc == embedded[kind], kind
        # An acknowledged event not yet flushed (the flush interval is an hour) is in no segment: Spark
        # cannot see it, and the answer says so.
        r = requests.post(srv.url + "/v1/track", headers=bearer(keys["write"]), timeout=30, json={
            "event": "search", "userId": "late", "timestamp": "2026-01-02T10:00:00Z"})
        assert r.status_code == 200, r.text
        r = ask(srv, "trend", keys["read"])
        assert r.status_code == 200 and r.json()["engine"]["events_not_included"] == 1, r.text
    finally:
        srv.stop_ok()


class Forwarder:
    """A TCP forwarder on a fixed loopback port to the Spark Connect server: Spark "comes back" when it starts."""

    def __init__(self, target):
        host_port = target.removeprefix("sc://").split("/")[0]
        self.target = (host_port.rsplit(":", 1)[0], int(host_port.rsplit(":", 1)[1]))
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.listener = None

    def start(self):
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a, b):
        try:
            while chunk := a.recv(65536):
                b.sendall(chunk)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def stop(self):
        if self.listener:
            self.listener.close()


def test_a_spark_that_is_not_there_is_503_with_retry_after_then_answers_when_it_is(uplift, data):
    assert SPARK, "UPLIFT_REQUIRE_SPARK=1 but no cluster (UPLIFT_TEST_SPARK)"
    directory, keys = data
    forwarder = Forwarder(SPARK)
    srv = Server(uplift, directory, extra_args=["--engine", f"sc://127.0.0.1:{forwarder.port}"]).start()
    try:
        r = ask(srv, "trend", keys["read"])
        assert r.status_code == 503, r.text
        assert r.headers.get("Retry-After", "").isdigit()
        body = r.json()["error"]
        assert body["code"] == "engine_unavailable" and f"127.0.0.1:{forwarder.port}" in body["message"], body
        # The server itself stays up: health and ingestion are answered.
        assert requests.get(srv.url + "/healthz", timeout=10).status_code == 200
        r = requests.post(srv.url + "/v1/track", headers=bearer(keys["write"]), timeout=30, json={
            "event": "search", "userId": "while-spark-is-away", "timestamp": "2026-01-02T11:00:00Z"})
        assert r.status_code == 200, r.text
        # Spark comes back: the same server answers, with nothing restarted.
        forwarder.start()
        r = ask(srv, "trend", keys["read"])
        assert r.status_code == 200 and r.json()["engine"]["name"] == "spark", r.text
    finally:
        forwarder.stop()
        srv.stop_ok()


class Hole:
    """A loopback port that accepts connections and never answers: a Spark Connect server that hangs."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                self.accepted.append(self.listener.accept()[0])
            except OSError:
                return

    def closed_by_peer(self, conn, within):
        """Whether the other side closes `conn` within `within` seconds (what it sends is read and dropped)."""
        conn.settimeout(within)
        try:
            while conn.recv(65536):
                pass
            return True
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False

    def close(self):
        self.listener.close()
        for conn in self.accepted:
            conn.close()


def test_a_spark_question_whose_client_leaves_is_stopped_there(uplift, data):
    """The question waits on a Spark that never answers; its client gives up after 2.5 s. The server stops the
    call (its connection to the engine closes within seconds), not at the 60 s time limit, and stays healthy."""
    directory, keys = data
    hole = Hole()
    srv = Server(uplift, directory, extra_args=["--engine", f"sc://127.0.0.1:{hole.port}", "--query-timeout", "60"])
    srv.start()
    try:
        with pytest.raises(requests.exceptions.Timeout):
            requests.post(f"{srv.url}/v1/query/trend", json=QUESTIONS["trend"], headers=bearer(keys["read"]),
                          timeout=2.5)
        assert hole.accepted, "the question reached the engine"
        assert hole.closed_by_peer(hole.accepted[0], within=20), "the call to the engine went on after its client left"
        assert requests.get(srv.url + "/healthz", timeout=10).status_code == 200
    finally:
        hole.close()
        srv.stop_ok()
