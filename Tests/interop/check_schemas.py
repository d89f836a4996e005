"""Checks schemas/*.json against golden wire samples and the records Uplift decodes from them.

Run from the package root:  .venv/bin/python Tests/interop/check_schemas.py BENCH (test_schemas.py does)
where BENCH is a built `uplift-bench` (its `decode` command prints the stored records).
Needs the `jsonschema` package.
"""
import json, pathlib, subprocess, sys, tempfile
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

root = pathlib.Path(__file__).resolve().parents[2]
schemas = {p.name: json.loads(p.read_text()) for p in (root / "schemas").glob("*.schema.json")}
registry = Registry().with_resources(
    [(s["$id"], Resource.from_contents(s)) for s in schemas.values()])
def validator(name):
    Draft202012Validator.check_schema(schemas[name])
    return Draft202012Validator(schemas[name], registry=registry)

segment, segment_batch = validator("segment-message.schema.json"), validator("segment-batch.schema.json")
posthog, posthog_batch = validator("posthog-event.schema.json"), validator("posthog-batch.schema.json")
record = validator("event-record.schema.json")

samples = [
    (segment, {"type": "track", "event": "Signed Up", "userId": "u1", "messageId": "m1",
               "timestamp": "2024-05-01T11:59:00.123Z", "sentAt": "2024-05-01T11:59:30Z",
               "properties": {"plan": "pro"}, "context": {"ip": "1.2.3.4"}}),
    (segment, {"type": "identify", "userId": "u1", "anonymousId": "a1", "traits": {"email": "x@y.z"}}),
    (segment, {"type": "page", "name": "Pricing", "anonymousId": "a1", "properties": {"url": "/p"}}),
    (segment, {"type": "screen", "name": "Home", "userId": 42}),
    (segment, {"type": "group", "groupId": "g1", "userId": "u1", "traits": {"name": "Acme"}}),
    (segment, {"type": "alias", "userId": "u1", "previousId": "a9"}),
    (segment_batch, {"writeKey": "wk", "context": {"library": {"name": "x"}}, "sentAt": "2024-05-01T12:00:00Z",
                     "batch": [{"type": "track", "event": "a", "userId": "u"},
                               {"type": "track", "event": "b", "anonymousId": "a"}]}),
    (posthog, {"event": "clicked", "distinct_id": "d1", "uuid": "0190-aa", "properties": {"n": 1},
               "timestamp": "2024-05-01T11:00:00+02:00", "api_key": "phc"}),
    (posthog, {"event": "$identify", "distinct_id": "u1", "properties": {"$anon_distinct_id": "a1"},
               "$set": {"email": "a@b.c"}}),
    (posthog, {"event": "$create_alias", "distinct_id": "u1", "properties": {"alias": "a7"}}),
    (posthog, {"event": "$pageview", "properties": {"distinct_id": "p1", "$insert_id": "i1"},
               "timestamp": 1714564800123}),
    (posthog_batch, [{"event": "a", "distinct_id": "d"}, {"event": "$screen", "distinct_id": "e"}]),
    (posthog_batch, {"api_key": "k", "sent_at": "2024-05-01T12:00:00Z",
                     "batch": [{"event": "a", "distinct_id": "d", "offset": 100}]}),
]
invalid = [
    (segment, {"type": "track", "userId": "u"}),            # no event
    (segment, {"type": "track", "event": "x"}),             # no id
    (segment, {"type": "click", "userId": "u"}),            # unknown type
    (segment, {"type": "alias", "userId": "u"}),            # no previousId
    (segment, {"type": "track", "event": "x", "userId": "u", "properties": [1]}),
    (posthog, {"event": "e"}),                              # no distinct id
    (posthog, {"event": "$create_alias", "distinct_id": "d"}),
    (posthog_batch, {"batch": {}}),
]

failures = 0
for v, doc in samples:
    for error in v.iter_errors(doc):
        failures += 1
        print("valid sample refused by schema:", json.dumps(doc), "->", error.message)
for v, doc in invalid:
    if v.is_valid(doc):
        failures += 1
        print("invalid sample accepted by schema:", json.dumps(doc))

with tempfile.NamedTemporaryFile("w", suffix=".ndjson", delete=False) as f:
    for _, doc in samples:
        f.write(json.dumps(doc, separators=(",", ":")) + "\n")
out = subprocess.run([sys.argv[1], "decode", f.name], capture_output=True, text=True, check=True)
if out.stderr:
    failures += 1
    print("decoder rejected golden samples:", out.stderr)
records = [json.loads(line) for line in out.stdout.splitlines()]
expected = sum(len(d["batch"]) if isinstance(d, dict) and "batch" in d else len(d) if isinstance(d, list) else 1
               for _, d in samples)
if len(records) != expected:
    failures += 1
    print(f"expected {expected} records, decoded {len(records)}")
for r in records:
    for error in record.iter_errors(r):
        failures += 1
        print("record refused by event-record schema:", json.dumps(r), "->", error.message)

print(f"{len(samples)} valid samples, {len(invalid)} invalid samples, {len(records)} records; failures: {failures}")
sys.exit(1 if failures else 0)
