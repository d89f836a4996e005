"""HTTPS without a proxy (issue 17): `uplift serve --tls-cert --tls-key` with a self-signed certificate, and
the official PostHog Python SDK sending to it when told to trust that certificate."""
import datetime as dt
import ipaddress
import json
import uuid

import posthog
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from conftest import Server, run, stored_events


def self_signed(directory, name="uplift-test"):
    """A certificate for 127.0.0.1 and localhost and its key, as PEM files: (cert path, key path)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / f"{name}.crt", directory / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_posthog_sdk_sends_over_tls_to_a_self_signed_server(uplift, project, tmp_path, monkeypatch):
    data, key = project
    cert, cert_key = self_signed(tmp_path)
    srv = Server(uplift, data, extra_args=["--tls-cert", str(cert), "--tls-key", str(cert_key)],
                 verify=str(cert)).start()
    try:
        assert srv.url.startswith("https://"), srv.url
        # Not trusted, not answered: the certificate is what the client checks.
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(srv.url + "/healthz", timeout=5)
        # Plain HTTP on the TLS port gets no answer.
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.get(srv.url.replace("https://", "http://") + "/healthz", timeout=5)
        # The SDK trusts what requests trusts: the certificate, through REQUESTS_CA_BUNDLE.
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
        errors = []
        client = posthog.Posthog(key, host=srv.url, on_error=lambda e, batch: errors.append(e), max_retries=0,
                                 flush_at=2)
        ids = [str(uuid.uuid4()) for _ in range(3)]
        client.capture("signed up", distinct_id="tls-user", properties={"plan": "pro"}, uuid=ids[0])
        client.capture("clicked", distinct_id="tls-user", uuid=ids[1])
        client.capture("clicked", distinct_id="tls-user-2", uuid=ids[2])
        client.flush()
        client.shutdown()
        assert errors == []
    finally:
        srv.stop_ok()
    rows = {row["event_id"]: row for row in stored_events(data)}
    assert set(rows) == set(ids)
    assert json.loads(rows[ids[0]]["properties"])["plan"] == "pro"


def test_a_bad_certificate_or_key_stops_the_start_with_a_clear_error(uplift, project, tmp_path):
    data, _ = project
    cert, cert_key = self_signed(tmp_path)
    other_cert, other_key = self_signed(tmp_path, name="other")
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate\n")
    cases = [
        (["--tls-cert", str(cert)], "--tls-cert and --tls-key go together"),
        (["--tls-cert", str(garbage), "--tls-key", str(cert_key)], "--tls-cert"),
        (["--tls-cert", str(tmp_path / "missing.pem"), "--tls-key", str(cert_key)], "--tls-cert"),
        (["--tls-cert", str(cert), "--tls-key", str(garbage)], "--tls-key"),
        (["--tls-cert", str(cert), "--tls-key", str(other_key)], "do not make a usable pair"),
    ]
    for args, message in cases:
        r = run([uplift, "serve", "--data", str(data), "--port", "0", *args], timeout=30)
        assert r.returncode != 0, args
        assert message in r.stderr, (args, r.stderr)
