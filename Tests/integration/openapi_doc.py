"""Reading schemas/openapi.yaml for the tests: the document, its path items with `$ref`s resolved,
and validators for the documented response bodies."""
import copy
import json
from functools import lru_cache
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"
OPENAPI = SCHEMAS / "openapi.yaml"
DOC_URI = "urn:uplift:openapi"

# Which component mirrors which JSON Schema file in schemas/.
MIRRORS = {
    "segment-message.schema.json": "SegmentMessage",
    "segment-batch.schema.json": "SegmentBatch",
    "posthog-event.schema.json": "PostHogEvent",
    "posthog-batch.schema.json": "PostHogBatch",
    "feedback.schema.json": "Feedback",
}
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@lru_cache(maxsize=1)
def document():
    return yaml.safe_load(OPENAPI.read_text())


def resolve(ref):
    """The object a local `#/…` reference points to."""
    assert ref.startswith("#/"), ref
    node = document()
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def deref(node):
    while isinstance(node, dict) and "$ref" in node:
        node = resolve(node["$ref"])
    return node


def operations():
    """(path, method, operation) for every documented operation, path items resolved."""
    for path, item in document()["paths"].items():
        item = deref(item)
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


def _escape(part):
    return part.replace("~", "~0").replace("/", "~1")


def response_pointer(path, method, status):
    """JSON pointer (`#/…`) of the documented response for a status, following `$ref`s; None when
    the operation does not document that status."""
    pointer = "#/paths/" + _escape(path)
    node = document()["paths"][path]
    if "$ref" in node:
        pointer, node = node["$ref"], resolve(node["$ref"])
    responses = node[method.lower()]["responses"]
    if str(status) not in responses:
        return None
    pointer += f"/{method.lower()}/responses/{status}"
    node = responses[str(status)]
    while "$ref" in node:
        pointer, node = node["$ref"], resolve(node["$ref"])
    return pointer


@lru_cache(maxsize=1)
def _registry():
    resource = Resource.from_contents(document(), default_specification=DRAFT202012)
    return Registry().with_resource(DOC_URI, resource)


def validator_for(pointer):
    """A Draft 2020-12 validator for the schema at a JSON pointer (`/components/…`) of the document."""
    return Draft202012Validator({"$ref": DOC_URI + "#" + pointer}, registry=_registry())


def body_validator(response_ptr, media_type="application/json"):
    """Validator of the body of the response at `response_ptr` (from response_pointer)."""
    return validator_for(response_ptr[1:] + "/content/" + _escape(media_type) + "/schema")


def mirrored_from_file(name):
    """What the component mirroring schemas/<name> must be: the file without $schema/$id/$defs and
    with its references rewritten to components (`…#/$defs/time` → Time). Also returns the Time
    definition when the file has one."""
    schema = json.loads((SCHEMAS / name).read_text())

    def rewrite(node):
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if key == "$ref":
                    file, _, fragment = value.partition("#")
                    target = "Time" if fragment == "/$defs/time" else MIRRORS[file or name]
                    out[key] = "#/components/schemas/" + target
                else:
                    out[key] = rewrite(value)
            return out
        if isinstance(node, list):
            return [rewrite(v) for v in node]
        return node

    schema = copy.deepcopy(schema)
    defs = schema.pop("$defs", {})
    schema.pop("$schema", None)
    schema.pop("$id", None)
    return rewrite(schema), (rewrite(defs["time"]) if "time" in defs else None)
