"""Locust scenarios for the Uplift ingestion server.

Two user classes:
  * BatchUser  - POST /v1/batch with 100 Segment track events per request (unique messageIds)
  * SingleUser - POST /v1/track with one Segment track event per request (unique messageId)

The write key comes from UPLIFT_WRITE_KEY (sent as `Authorization: Basic base64(KEY:)`, as Segment's
SDKs do). Pick one class with `locust -f loadtests/locustfile.py BatchUser` or run both (weights below).

Constant-rate runs (for latency at a fixed load, wrk2 is not in Debian): set UPLIFT_RATE to the
requests per second *per user*; each user then waits with `constant_throughput`, so
`-u N` users give N * UPLIFT_RATE requests/s as long as the server keeps up.

Example:
  UPLIFT_WRITE_KEY=upw_... locust -f loadtests/locustfile.py --headless -H http://127.0.0.1:8080 \
      -u 64 -r 64 -t 30s BatchUser
"""

import base64
import itertools
import json
import os
import random
import time
import uuid

from locust import FastHttpUser, between, constant_throughput, task

WRITE_KEY = os.environ.get("UPLIFT_WRITE_KEY", "")
BATCH_SIZE = int(os.environ.get("UPLIFT_BATCH_SIZE", "100"))
RATE = float(os.environ.get("UPLIFT_RATE", "0"))  # requests/s per user; 0 = as fast as possible

AUTH = {
    "Authorization": "Basic " + base64.b64encode(f"{WRITE_KEY}:".encode()).decode(),
    "Content-Type": "application/json",
}
EVENTS = ["Page Viewed", "Signed Up", "Button Clicked", "Checkout Started", "Order Completed"]
# A per-process prefix plus a counter: unique across users and processes without a uuid4 per event.
_PREFIX = uuid.uuid4().hex[:12]
_COUNTER = itertools.count()


def message_id():
    return f"{_PREFIX}-{next(_COUNTER)}"


def track_message(now):
    user = random.randrange(100_000)
    return {
        "type": "track",
        "messageId": message_id(),
        "event": random.choice(EVENTS),
        "userId": f"user-{user}",
        "timestamp": now,
        "properties": {"plan": "pro", "amount": user % 97, "path": "/pricing"},
        "context": {"library": {"name": "locust", "version": "1"}},
    }


def iso_now():
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


def wait():
    return constant_throughput(RATE) if RATE > 0 else between(0, 0)


class BatchUser(FastHttpUser):
    """Batches of BATCH_SIZE events to /v1/batch."""

    weight = 1
    wait_time = wait()

    @task
    def batch(self):
        now = iso_now()
        body = {"batch": [track_message(now) for _ in range(BATCH_SIZE)], "sentAt": now}
        with self.client.post("/v1/batch", data=json.dumps(body), headers=AUTH, name="/v1/batch",
                              catch_response=True) as response:
            check(response, BATCH_SIZE)


class SingleUser(FastHttpUser):
    """One event per request to /v1/track."""

    weight = 1
    wait_time = wait()

    @task
    def single(self):
        body = track_message(iso_now())
        with self.client.post("/v1/track", data=json.dumps(body), headers=AUTH, name="/v1/track",
                              catch_response=True) as response:
            check(response, 1)


def check(response, expected):
    """A 200 that did not accept every event is a failure too (a duplicate would mean our ids collide)."""
    if response.status_code != 200:
        response.failure(f"HTTP {response.status_code}: {response.text[:200]}")
        return
    try:
        accepted = json.loads(response.text).get("accepted")
    except ValueError:
        response.failure("response is not JSON")
        return
    if accepted != expected:
        response.failure(f"accepted {accepted} of {expected}")
