"""`uplift serve` with its catalog on PostgreSQL (the production setup): keys are checked there and
identify/alias links land there, on the throwaway cluster `make test` starts (Tests/postgres.sh)."""
import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest
import requests

from conftest import Server, run, stored_events


def psql(base_url, sql):
    binary = Path(os.environ.get("UPLIFT_TEST_POSTGRES_BIN", "/usr/bin")) / "psql"
    r = subprocess.run([str(binary), base_url, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return [line.split("|") for line in r.stdout.splitlines() if line]


def test_serve_with_postgres_catalog(uplift, tmp_path, monkeypatch):
    base = os.environ.get("UPLIFT_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("set UPLIFT_TEST_POSTGRES_URL (make test does)")
    schema = "serve_" + uuid.uuid4().hex[:12]
    psql(base, f"CREATE SCHEMA {schema}")
    try:
        monkeypatch.setenv("UPLIFT_CATALOG", base + ("&" if "?" in base else "?") + f"schema={schema}")
        data = tmp_path / "data"
        assert run([uplift, "project", "create", "pg", "--data", str(data)]).returncode == 0
        r = run([uplift, "key", "create", "--project", "pg", "--kind", "write", "--data", str(data), "--json"])
        assert r.returncode == 0, r.stderr
        key = json.loads(r.stdout)["key"]

        server = Server(uplift, data, project="pg").start()
        try:
            ready = requests.get(server.url + "/readyz", timeout=5).json()
            assert ready == {"status": "ready", "checks": {"log": "ok", "catalog": "ok", "storage": "local"}}
            r = requests.post(server.url + "/v1/batch", auth=(key, ""), timeout=10, json={"batch": [
                {"type": "track", "anonymousId": "anon-7", "event": "Viewed Pricing", "messageId": "pg-1"},
                {"type": "identify", "userId": "user-7", "anonymousId": "anon-7", "messageId": "pg-2"},
            ]})
            assert r.status_code == 200, r.text
            assert r.json()["accepted"] == 2
            bad = requests.post(server.url + "/v1/track", auth=("upw_" + "x" * 43, ""), timeout=10,
                                json={"userId": "u", "event": "e"})
            assert bad.status_code == 401 and bad.json()["error"]["code"] == "unauthorized"
        finally:
            server.stop_ok()

        assert sorted(e["event_id"] for e in stored_events(data)) == ["pg-1", "pg-2"]
        persons = dict(psql(base, f"SELECT distinct_id, person_id FROM {schema}.person_ids WHERE project = 'pg'"))
        assert persons.keys() == {"anon-7", "user-7"}
        assert persons["anon-7"] == persons["user-7"]
    finally:
        psql(base, f"DROP SCHEMA {schema} CASCADE")
