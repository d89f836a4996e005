"""A throwaway `uplift serve` for the OpenAPI tests as a context manager: a fresh data directory
with project `demo`, its write and read keys, and conftest's `Server` on a free port."""
import json
import shutil
import tempfile
from pathlib import Path

from conftest import Server, run, uplift_binary


class UpliftServer:
    """`with UpliftServer() as s:` gives s.url, s.write_key, s.read_key, s.data; stops with SIGTERM
    on exit and checks the server exited 0 (a crash or a hang fails the test)."""

    def __init__(self, extra_args=()):
        self.binary = uplift_binary()
        self.extra_args = list(extra_args)
        self.server = None
        self.code = None

    def cli(self, *args):
        """Runs `uplift ARGS --data <this server's data>` and returns its stdout."""
        r = run([self.binary, *args, "--data", str(self.data)], timeout=60)
        if r.returncode != 0:
            raise RuntimeError(f"uplift {' '.join(args)} failed ({r.returncode}): {r.stderr}")
        return r.stdout

    def __enter__(self):
        self._tmp = tempfile.mkdtemp(prefix="uplift-openapi-")
        self.data = Path(self._tmp) / "data"
        self.cli("project", "create", "demo")
        self.write_key = json.loads(self.cli("key", "create", "--project", "demo", "--kind", "write", "--json"))["key"]
        self.read_key = json.loads(self.cli("key", "create", "--project", "demo", "--kind", "read", "--json"))["key"]
        self.server = Server(self.binary, self.data, extra_args=self.extra_args).start()
        self.url = self.server.url
        return self

    def stop(self):
        """SIGTERM, wait for the flush and exit; returns the exit code (idempotent)."""
        if self.server is not None and self.server.proc is not None:
            self.code = self.server.stop()
        return self.code

    def __exit__(self, exc_type, exc, tb):
        try:
            code = self.stop()
            if exc_type is None and code != 0:
                raise RuntimeError(f"uplift serve exited {code}:\n{self.server.log_tail()}")
        finally:
            shutil.rmtree(self._tmp, ignore_errors=True)
        return False
