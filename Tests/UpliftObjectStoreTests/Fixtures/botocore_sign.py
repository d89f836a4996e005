"""Signs requests with botocore's own S3 signer, for SigV4BotocoreTests.

Reads a JSON list on stdin, one object per request Uplift's S3 client makes:
  {"method", "url" (as sent: path and query percent-encoded), "headers": [[name, value], ...] (those Uplift
   signs besides the date, the token and the payload hash), "body_hex", "region", "access_key", "secret_key",
   "token" (or null), "time" (seconds since the epoch)}
and prints a JSON list of the Authorization header botocore computes for each.
"""
import datetime
import json
import sys
from unittest import mock

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def sign(r):
    request = AWSRequest(method=r["method"], url=r["url"], data=bytes.fromhex(r["body_hex"]))
    for name, value in r["headers"]:
        request.headers[name] = value
    when = datetime.datetime.fromtimestamp(r["time"], tz=datetime.timezone.utc)
    credentials = Credentials(r["access_key"], r["secret_key"], r["token"])
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=when):
        botocore.auth.S3SigV4Auth(credentials, "s3", r["region"]).add_auth(request)
    return request.headers["Authorization"]


print(json.dumps([sign(r) for r in json.load(sys.stdin)]))
