#!/usr/bin/env python3
"""Renders an HTML file or an http(s) URL in headless Chromium, saves a full-page PNG, and fails on
any console error, uncaught exception, browser log error (CSP violations included), network
request other than the page itself, or (for a URL) a page that did not answer 2xx.

    python3 Tests/browser/screenshot.py report.html --out report.png [--width 1100]
    python3 Tests/browser/screenshot.py 'http://127.0.0.1:8080/v1/reports/x' --out x.png \
        --header "Authorization: Bearer upr_…"

A served page is rendered with its real response headers (a Content-Security-Policy header is
in force, not only the page's <meta> policy); `--header` sends extra request headers with it.
Every request but the page's own counts, the browser's automatic /favicon.ico included (a served
page avoids it with a policy that forbids images, or an icon of its own).

Exit status 0 when clean, 1 when the page misbehaved (problems listed on stderr), 2 when the
browser could not run. Uses Debian's `chromium` binary through the DevTools protocol; needs
no Python packages (see cdp.py).
"""
import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import DevTools  # noqa: E402


def find_chromium():
    for name in (os.environ.get("UPLIFT_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


class BrowserError(Exception):
    pass


def launch(binary, profile):
    args = [
        binary, "--headless=new", "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
        f"--user-data-dir={profile}", "--no-first-run", "--no-default-browser-check",
        "--disable-gpu", "--disable-dev-shm-usage", "--disable-extensions",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--mute-audio", "--hide-scrollbars", "--font-render-hinting=none",
        "about:blank",
    ]
    if os.geteuid() == 0:
        args.insert(1, "--no-sandbox")  # Chromium refuses to start as root with its sandbox.
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    port_file = os.path.join(profile, "DevToolsActivePort")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BrowserError(f"chromium exited with {proc.returncode}: {proc.stderr.read().decode()[-2000:]}")
        if os.path.exists(port_file):
            lines = open(port_file).read().split()
            if lines:
                return proc, int(lines[0])
        time.sleep(0.1)
    proc.kill()
    raise BrowserError("chromium did not open its DevTools port within 30 s")


def page_target(port):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as r:
            targets = json.load(r)
        pages = [t for t in targets if t.get("type") == "page" and "webSocketDebuggerUrl" in t]
        if pages:
            return pages[0]["webSocketDebuggerUrl"]
        time.sleep(0.1)
    raise BrowserError("no page target in DevTools")


def page_url_of(target):
    """A served page (http/https URL) as it is; a file path as a file:// URL."""
    if target.startswith(("http://", "https://")):
        return target
    return "file://" + os.path.abspath(target)


def problems_in(events, page_url):
    """Every event that means the page is not self-contained or not clean, as readable lines."""
    problems = []
    served = page_url.startswith(("http://", "https://"))
    document_status = None
    for e in events:
        m, p = e["method"], e.get("params", {})
        if m == "Network.responseReceived" and p.get("response", {}).get("url") == page_url:
            document_status = p["response"].get("status")
        if m == "Network.requestWillBeSent":
            url = p.get("request", {}).get("url", "")
            if url != page_url:
                problems.append(f"network request: {url[:200]}")
        elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
            problems.append(f"console.{p.get('type')}: {text[:300]}")
        elif m == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            problems.append(f"uncaught exception: {d.get('text', '')} {d.get('exception', {}).get('description', '')[:300]}")
        elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            entry = p["entry"]
            problems.append(f"browser log error ({entry.get('source')}): {entry.get('text', '')[:300]} {entry.get('url', '')[:120]}")
    # A served error page (401, 404…) can render cleanly; it is still not the page asked for.
    if served and (document_status is None or not 200 <= int(document_status) < 300):
        problems.append(f"page answered HTTP {document_status}: {page_url[:200]}")
    return problems


def render(html_path, png_path, width=1100, settle=1.0, tile_height=0, media="screen", headers=None,
           load_timeout=30.0):
    """Returns (problems, page height). Raises BrowserError when the browser cannot run.
    `html_path` is a file, or an http(s) URL rendered as served (its response headers apply).
    `headers` ({name: value}) are sent with every request, e.g. Authorization for a served report.
    `load_timeout`: seconds the page may take to load (a debug server computes a report slowly).
    With `tile_height`, also writes `<png>-1.png`, `-2.png`… of that height (for reviewing
    a long page at full resolution)."""
    binary = find_chromium()
    if not binary:
        raise BrowserError("chromium not found; install Debian's `chromium` package (apt-get install chromium)")
    page_url = page_url_of(html_path)
    profile = tempfile.mkdtemp(prefix="uplift-chromium-")
    proc = None
    try:
        proc, port = launch(binary, profile)
        dt = DevTools(page_target(port), timeout=max(30.0, load_timeout))
        for domain in ("Page", "Runtime", "Log", "Network"):
            dt.call(f"{domain}.enable")
        if headers:
            dt.call("Network.setExtraHTTPHeaders", {"headers": dict(headers)})
        dt.call("Emulation.setDeviceMetricsOverride",
                {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False})
        if media != "screen":
            dt.call("Emulation.setEmulatedMedia", {"media": media})  # "print" checks the print styles
        dt.call("Page.navigate", {"url": page_url})
        dt.wait_for("Page.loadEventFired", timeout=load_timeout)
        dt.drain(settle)
        metrics = dt.call("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics.get("contentSize")
        height = int(min(20000, max(900, size["height"])))
        dt.call("Emulation.setDeviceMetricsOverride",
                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        shot = dt.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, timeout=60)
        with open(png_path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        if tile_height > 0:
            base = os.path.splitext(png_path)[0]
            for i, top in enumerate(range(0, height, tile_height), start=1):
                clip = {"x": 0, "y": top, "width": width, "height": min(tile_height, height - top), "scale": 1}
                tile = dt.call("Page.captureScreenshot",
                               {"format": "png", "captureBeyondViewport": True, "clip": clip}, timeout=60)
                with open(f"{base}-{i}.png", "wb") as f:
                    f.write(base64.b64decode(tile["data"]))
        dt.drain(0.2)
        problems = problems_in(dt.events, page_url)
        dt.close()
        return problems, height
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(profile, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("html", help="an HTML file, or an http(s) URL to render as served")
    ap.add_argument("--out", help="PNG path (default: the HTML path with .png)")
    ap.add_argument("--width", type=int, default=1100)
    ap.add_argument("--tiles", type=int, default=0, metavar="HEIGHT",
                    help="also write full-resolution tiles of this height next to the PNG")
    ap.add_argument("--media", choices=["screen", "print"], default="screen")
    ap.add_argument("--header", action="append", default=[], metavar="'NAME: VALUE'",
                    help="an extra request header (repeatable), e.g. 'Authorization: Bearer upr_…'")
    a = ap.parse_args()
    headers = {}
    for h in a.header:
        name, sep, value = h.partition(":")
        if not sep or not name.strip():
            ap.error(f"--header {h!r}: expected 'Name: value'")
        headers[name.strip()] = value.strip()
    if a.out:
        out = a.out
    elif a.html.startswith(("http://", "https://")):
        ap.error("--out is required when rendering a URL")
    else:
        out = os.path.splitext(a.html)[0] + ".png"
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    try:
        problems, height = render(a.html, out, a.width, tile_height=a.tiles, media=a.media,
                                  headers=headers or None)
    except BrowserError as e:
        print(f"screenshot: {e}", file=sys.stderr)
        return 2
    for p in problems:
        print(f"screenshot: {p}", file=sys.stderr)
    print(f"screenshot: wrote {out} ({a.width}x{height}); {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
