"""Renders reports in headless Chromium through screenshot.py, from files and from served URLs.

Skips when no Chromium is installed (Debian: apt-get install chromium), unless
UPLIFT_REQUIRE_CHROMIUM=1 (as `make test` sets it): then a missing Chromium fails. The sample reports come
from `swift test --filter UpliftReportTests` (ReportPageTests writes them to Tests/browser/out/);
their PNGs stay in Tests/browser/out/ as build artefacts.
"""
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import screenshot
from browser_checks import png_size, require_chromium

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "out")
FIXTURES = os.path.join(HERE, "fixtures")



@pytest.fixture(autouse=True)
def chromium():
    require_chromium()

def shoot(html, name, media="screen", headers=None):
    os.makedirs(OUT, exist_ok=True)
    png = os.path.join(OUT, name)
    problems, height = screenshot.render(html, png, media=media, headers=headers)
    return problems, png, height


def test_clean_page_passes():
    problems, png, _ = shoot(os.path.join(FIXTURES, "clean.html"), "fixture-clean.png")
    assert problems == []
    assert png_size(png)[0] == 1100


def test_external_request_is_reported():
    problems, _, _ = shoot(os.path.join(FIXTURES, "network.html"), "fixture-network.png")
    assert any("network request: http://127.0.0.1:9/pixel.png" in p for p in problems), problems


def test_console_error_is_reported():
    problems, _, _ = shoot(os.path.join(FIXTURES, "console.html"), "fixture-console.png")
    assert any("planted error" in p for p in problems), problems


def test_csp_violation_is_reported():
    problems, _, _ = shoot(os.path.join(FIXTURES, "csp.html"), "fixture-csp.png")
    assert any("Content Security Policy" in p or "Content-Security-Policy" in p for p in problems), problems


@pytest.mark.parametrize("name", ["sample-report", "payload-report"])
def test_sample_report_renders_cleanly(name):
    html = os.path.join(OUT, f"{name}.html")
    if not os.path.exists(html):
        pytest.skip(f"{html} missing: run `swift test --filter UpliftReportTests` first")
    problems, png, height = shoot(html, f"{name}.png")
    assert problems == [], problems
    width, png_height = png_size(png)
    assert width == 1100 and png_height == height and height > 1500


def test_sample_report_print_media():
    html = os.path.join(OUT, "sample-report.html")
    if not os.path.exists(html):
        pytest.skip(f"{html} missing: run `swift test --filter UpliftReportTests` first")
    problems, png, height = shoot(html, "sample-report-print.png", media="print")
    assert problems == [], problems
    assert png_size(png)[0] == 1100 and height > 1500


# --- served pages: the URL is rendered with its response headers and extra request headers ------------

TOKEN = "Bearer test-token"
PAGES = {
    # path: (extra response headers, body)
    # Chromium asks a served page's origin for /favicon.ico unless a policy forbids images (as the
    # reports' does): that request counts, so the clean page comes with a policy too.
    "/clean": ({"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"},
               open(os.path.join(FIXTURES, "clean.html"), "rb").read()),
    "/no-policy": ({}, open(os.path.join(FIXTURES, "clean.html"), "rb").read()),
    # No <meta> policy: only the header can block the inline script.
    "/header-csp": ({"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"},
                    b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>h</title></head>"
                    b"<body><p>blocked</p><script>document.title = 'ran';</script></body></html>"),
    # A same-origin stylesheet is still a request beyond the page itself.
    "/same-origin": ({}, b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>s</title>"
                         b"<link rel='stylesheet' href='/style.css'></head><body><p>s</p></body></html>"),
    "/style.css": ({"Content-Type": "text/css"}, b"p{color:red}"),
}


class Handler(BaseHTTPRequestHandler):
    seen = []

    def do_GET(self):
        Handler.seen.append((self.path, self.headers.get("Authorization")))
        page = PAGES.get(self.path)
        if self.headers.get("Authorization") != TOKEN:
            status, headers, body = 401, {"WWW-Authenticate": "Basic"}, b"<!DOCTYPE html><p>who are you?</p>"
        elif page is None:
            status, headers, body = 404, {}, b"<!DOCTYPE html><p>no such page</p>"
        else:
            status, (headers, body) = 200, page
        self.send_response(status)
        self.send_header("Content-Type", headers.get("Content-Type", "text/html; charset=utf-8"))
        for name, value in headers.items():
            if name != "Content-Type":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_served_page_with_header_passes(site):
    Handler.seen.clear()
    problems, png, _ = shoot(site + "/clean", "fixture-served-clean.png", headers={"Authorization": TOKEN})
    assert problems == []
    assert png_size(png)[0] == 1100
    assert ("/clean", TOKEN) in Handler.seen


def test_served_error_page_is_reported(site):
    problems, _, _ = shoot(site + "/clean", "fixture-served-401.png")
    assert any("page answered HTTP 401" in p for p in problems), problems
    problems, _, _ = shoot(site + "/missing", "fixture-served-404.png", headers={"Authorization": TOKEN})
    assert any("page answered HTTP 404" in p for p in problems), problems


def test_response_header_csp_is_enforced(site):
    problems, _, _ = shoot(site + "/header-csp", "fixture-served-csp.png", headers={"Authorization": TOKEN})
    assert any("Content Security Policy" in p or "Content-Security-Policy" in p for p in problems), problems


def test_served_page_requests_beyond_itself_are_reported(site):
    problems, _, _ = shoot(site + "/same-origin", "fixture-served-same-origin.png", headers={"Authorization": TOKEN})
    assert any(p == f"network request: {site}/style.css" for p in problems), problems


def test_implicit_favicon_request_is_reported(site):
    problems, _, _ = shoot(site + "/no-policy", "fixture-served-favicon.png", headers={"Authorization": TOKEN})
    assert any(p == f"network request: {site}/favicon.ico" for p in problems), problems


def test_cli_sends_header_and_renders_url(site):
    png = os.path.join(OUT, "fixture-served-cli.png")
    os.makedirs(OUT, exist_ok=True)
    r = subprocess.run([sys.executable, os.path.join(HERE, "screenshot.py"), site + "/clean", "--out", png,
                        "--header", f"Authorization: {TOKEN}"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "0 problem(s)" in r.stdout and png_size(png)[0] == 1100
    r = subprocess.run([sys.executable, os.path.join(HERE, "screenshot.py"), site + "/clean", "--out", png],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and "HTTP 401" in r.stderr, r.stderr
