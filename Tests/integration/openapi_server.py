"""A throwaway `uplift serve` for the OpenAPI tests: a fresh data directory with project `demo`,
its write and read keys, and the server on a free port. (Kept out of conftest.py, which another
suite owns; any test can use it as a context manager.)"""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LISTENING = re.compile(r"uplift listening on (http://[^ ]+)")


def uplift_binary():
    """The binary under test: UPLIFT_BIN, else the package's debug build."""
    path = Path(os.environ.get("UPLIFT_BIN", ROOT / ".build" / "debug" / "uplift"))
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: build it (swift build) or set UPLIFT_BIN")
    return str(path)


class UpliftServer:
    """`with UpliftServer() as s:` gives s.url, s.write_key, s.read_key, s.data; stops with SIGTERM
    on exit and checks the server exited 0 (a crash or a hang fails the test)."""

    def __init__(self, extra_args=(), start_timeout=30):
        self.binary = uplift_binary()
        self.extra_args = list(extra_args)
        self.start_timeout = start_timeout
        self.process = None
        self.stderr_lines = []

    def _cli(self, *args):
        r = subprocess.run([self.binary, *args, "--data", str(self.data)], capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError(f"uplift {' '.join(args)} failed ({r.returncode}): {r.stderr}")
        return r.stdout

    def __enter__(self):
        self._tmp = tempfile.mkdtemp(prefix="uplift-openapi-")
        self.data = Path(self._tmp) / "data"
        self._cli("project", "create", "demo")
        self.write_key = json.loads(self._cli("key", "create", "--project", "demo", "--kind", "write", "--json"))["key"]
        self.read_key = json.loads(self._cli("key", "create", "--project", "demo", "--kind", "read", "--json"))["key"]
        self.process = subprocess.Popen(
            [self.binary, "serve", "--data", str(self.data), "--port", "0", *self.extra_args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # Drain stderr in the background so a chatty server never blocks on a full pipe.
        threading.Thread(target=lambda: self.stderr_lines.extend(self.process.stderr), daemon=True).start()
        found = {}

        def read_first_line():
            line = self.process.stdout.readline()
            match = LISTENING.search(line)
            if match:
                found["url"] = match.group(1)

        reader = threading.Thread(target=read_first_line, daemon=True)
        reader.start()
        reader.join(self.start_timeout)
        if "url" not in found:
            self.stop()
            raise RuntimeError("uplift serve did not report listening: " + "".join(self.stderr_lines[-20:]))
        self.url = found["url"]
        return self

    def stop(self):
        """SIGTERM, wait for the flush and exit; returns the exit code (idempotent)."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise RuntimeError("uplift serve did not stop within 30 s of SIGTERM")
        return self.process.returncode if self.process else None

    def cli(self, *args):
        """Runs `uplift ARGS --data <this server's data>` and returns its stdout."""
        return self._cli(*args)

    def __exit__(self, exc_type, exc, tb):
        try:
            code = self.stop()
            if exc_type is None and code != 0:
                raise RuntimeError(f"uplift serve exited {code}: " + "".join(self.stderr_lines[-20:]))
        finally:
            shutil.rmtree(self._tmp, ignore_errors=True)
        return False
