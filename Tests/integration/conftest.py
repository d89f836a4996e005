"""Fixtures for end-to-end tests against a running `uplift serve`.

The server is the real binary (UPLIFT_BIN, else the debug build) on a free port (`--port 0`) over a
temporary data directory; it is stopped with SIGTERM and must exit 0, which is also what flushes
every acknowledged event to Parquet segments the tests then read back.
"""
import json
import os
import re
import selectors
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
LISTENING = re.compile(r"uplift listening on (https?://[^\s:]+:(\d+))")
START_TIMEOUT = 30.0
STOP_TIMEOUT = 60.0


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


class Server:
    """One `uplift serve` process over `data`; start() may be called again after stop() or kill()."""

    def __init__(self, binary, data, project="demo", extra_args=(), verify=True):
        self.binary = binary
        # What requests checks an https:// server's certificate against (a CA bundle path, for --tls-cert).
        self.verify = verify
        self.data = Path(data)
        self.project = project
        self.extra_args = list(extra_args)
        self.proc = None
        self.url = None
        self.starts = 0

    @property
    def log_path(self):
        return self.data.parent / f"{self.data.name}-serve-{self.starts}.log"

    def log_tail(self, limit=4000):
        try:
            return self.log_path.read_text(errors="replace")[-limit:]
        except OSError:
            return ""

    def start(self):
        assert self.proc is None, "server already running"
        self.starts += 1
        # stderr (logs) goes to a file: a full pipe would block the server.
        log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--data", str(self.data), "--port", "0", *self.extra_args],
            stdout=subprocess.PIPE, stderr=log)
        log.close()
        line = self._read_listening_line()
        match = LISTENING.search(line)
        if not match:
            self.kill()
            pytest.fail(f"unexpected startup line {line!r}; log:\n{self.log_tail()}")
        self.url = match.group(1)
        self._wait_healthy()
        return self

    def _read_listening_line(self):
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + START_TIMEOUT
        buf = b""
        try:
            while b"\n" not in buf:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    self.kill()
                    pytest.fail(f"no startup line within {START_TIMEOUT} s; log:\n{self.log_tail()}")
                chunk = os.read(self.proc.stdout.fileno(), 4096)
                if not chunk:
                    code = self.proc.wait()
                    self.proc = None
                    pytest.fail(f"uplift serve exited with {code} before listening; log:\n{self.log_tail()}")
                buf += chunk
        finally:
            sel.close()
        return buf.split(b"\n", 1)[0].decode(errors="replace")

    def _wait_healthy(self):
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                r = requests.get(self.url + "/healthz", timeout=2, verify=self.verify)
                if r.status_code == 200 and r.json().get("status") == "ok":
                    return
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                self.kill()
                pytest.fail(f"/healthz not ok within {START_TIMEOUT} s; log:\n{self.log_tail()}")
            time.sleep(0.05)

    def stop(self):
        """SIGTERM, wait, and return the exit code (0 means every acknowledged event is in segments)."""
        proc, self.proc = self.proc, None
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            pytest.fail(f"uplift serve did not exit within {STOP_TIMEOUT} s of SIGTERM; log:\n{self.log_tail()}")
        finally:
            proc.stdout.close()
        return code

    def stop_ok(self):
        code = self.stop()
        assert code == 0, f"uplift serve exited with {code} after SIGTERM; log:\n{self.log_tail()}"

    def kill(self):
        """SIGKILL: no flush, no goodbye; what was acknowledged must survive in the write-ahead log."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()


def uplift_binary():
    """Path of the uplift binary under test (UPLIFT_BIN, else the debug build)."""
    path = Path(os.environ.get("UPLIFT_BIN", ROOT / ".build" / "debug" / "uplift"))
    if not path.exists():
        pytest.fail(f"{path} does not exist: run `swift build` first (make test does)")
    return str(path)


@pytest.fixture(scope="session")
def uplift():
    return uplift_binary()


@pytest.fixture
def project(uplift, tmp_path):
    """A fresh data directory with project `demo` and a write key: (data dir, write key)."""
    data = tmp_path / "data"
    r = run([uplift, "project", "create", "demo", "--data", str(data)])
    assert r.returncode == 0, r.stderr
    r = run([uplift, "key", "create", "--project", "demo", "--kind", "write", "--data", str(data), "--json"])
    assert r.returncode == 0, r.stderr
    key = json.loads(r.stdout)
    assert key["kind"] == "write" and key["key"].startswith("upw_"), key
    return data, key["key"]


@pytest.fixture
def server(uplift, project):
    """A started server; at teardown, if still running, it must stop on SIGTERM with exit code 0."""
    data, _ = project
    srv = Server(uplift, data).start()
    yield srv
    if srv.proc is not None:
        srv.stop_ok()


def stored_events(data, columns=("event_id", "type", "event", "distinct_id", "user_id", "anonymous_id",
                                 "properties")):
    """Every row of every Parquet segment under `data`, as dicts (pyarrow reads them independently of uplift).
    `event_id` is the id as ingested: the text column, else the UUID column's canonical text (schemas/STORAGE.md)."""
    rows = []
    wanted = list(columns) + (["event_uuid"] if "event_id" in columns else [])
    for path in sorted((Path(data) / "events").rglob("*.parquet")):
        for row in pq.read_table(path, columns=wanted).to_pylist():
            if "event_id" in columns:
                u = row.pop("event_uuid")
                row["event_id"] = row["event_id"] if row["event_id"] is not None else str(uuid.UUID(bytes=u))
            rows.append(row)
    return rows
