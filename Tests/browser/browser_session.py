"""A headless Chromium session that a test drives step by step, as a person would: open a page, type into
a field, press Enter on a control (a form's button, a link), read the page and its cookies. Everything the
browser did is collected, and `problems()` lists what must not happen on a page of ours: a console error,
an uncaught exception, a browser log error (CSP violations are logged so), or a request to any host other
than the server's.

The pages under test run no scripts; this drives them through the DevTools protocol (cdp.py), whose
input events reach the page as a keyboard's would.
"""
import base64
import shutil
import subprocess
import tempfile
import time
import urllib.parse

import screenshot
from cdp import DevTools


class BrowserSession:
    def __init__(self, server_url, width=1100, timeout=60.0):
        binary = screenshot.find_chromium()
        if not binary:
            raise screenshot.BrowserError("chromium not found; install Debian's `chromium` package")
        self.server = urllib.parse.urlsplit(server_url)
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="uplift-chromium-")
        self.proc = None
        try:
            self.proc, port = screenshot.launch(binary, self.profile)
            self.dt = DevTools(screenshot.page_target(port), timeout=timeout)
            for domain in ("Page", "Runtime", "Log", "Network", "DOM"):
                self.dt.call(f"{domain}.enable")
            self.dt.call("Emulation.setDeviceMetricsOverride",
                         {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False})
        except Exception:
            self.close()
            raise
        self.seen = 0  # events before this index belong to earlier steps

    def close(self):
        if getattr(self, "dt", None) is not None:
            self.dt.close()
            self.dt = None
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None
        shutil.rmtree(self.profile, ignore_errors=True)

    # --- steps -------------------------------------------------------------------------------------------

    def _load(self, action):
        """Runs `action` and waits for the page it leads to; returns that document's final (url, status)."""
        start = len(self.dt.events)
        action()
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if any(e["method"] == "Page.loadEventFired" for e in self.dt.events[start:]):
                break
            self.dt.drain(0.1)
        else:
            raise TimeoutError("the page did not load")
        self.dt.drain(0.3)  # late console messages, lazy requests
        documents = [e["params"]["response"] for e in self.dt.events[start:]
                     if e["method"] == "Network.responseReceived" and e["params"].get("type") == "Document"]
        assert documents, "no document was loaded"
        return documents[-1]["url"], documents[-1]["status"]

    def open(self, path):
        return self._load(lambda: self.dt.call("Page.navigate", {"url": self.url(path)}))

    def url(self, path):
        return f"{self.server.scheme}://{self.server.netloc}{path}"

    def node(self, selector):
        root = self.dt.call("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node = self.dt.call("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        assert node, f"no element matches {selector!r}"
        return node

    def type_into(self, selector, text):
        self.dt.call("DOM.focus", {"nodeId": self.node(selector)})
        self.dt.call("Input.insertText", {"text": text})

    def press_enter_on(self, selector):
        """Focuses the control and presses Enter, as a keyboard user does; returns the next page's (url, status)."""
        self.dt.call("DOM.focus", {"nodeId": self.node(selector)})

        def enter():
            key = {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "nativeVirtualKeyCode": 13}
            self.dt.call("Input.dispatchKeyEvent", {"type": "keyDown", "text": "\r", **key})
            self.dt.call("Input.dispatchKeyEvent", {"type": "keyUp", **key})
        return self._load(enter)

    def html(self):
        root = self.dt.call("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        return self.dt.call("DOM.getOuterHTML", {"nodeId": root})["outerHTML"]

    def attribute(self, selector, name):
        values = self.dt.call("DOM.getAttributes", {"nodeId": self.node(selector)})["attributes"]
        return dict(zip(values[::2], values[1::2])).get(name)

    def cookies(self):
        return self.dt.call("Network.getCookies", {"urls": [self.url("/")]})["cookies"]

    def screenshot(self, png_path, media="screen"):
        self.dt.call("Emulation.setEmulatedMedia", {"media": "" if media == "screen" else media})
        metrics = self.dt.call("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics.get("contentSize")
        shot = self.dt.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                       "clip": {"x": 0, "y": 0, "width": size["width"],
                                                                "height": min(size["height"], 20000), "scale": 1}},
                            timeout=60)
        with open(png_path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        self.dt.call("Emulation.setEmulatedMedia", {"media": ""})

    # --- what went wrong ---------------------------------------------------------------------------------

    def requests(self):
        return [e["params"]["request"] for e in self.dt.events if e["method"] == "Network.requestWillBeSent"]

    def problems(self):
        problems = []
        for e in self.dt.events:
            m, p = e["method"], e.get("params", {})
            if m == "Network.requestWillBeSent":
                url = urllib.parse.urlsplit(p["request"]["url"])
                if (url.scheme, url.netloc) != (self.server.scheme, self.server.netloc):
                    problems.append(f"request beyond the server: {p['request']['url'][:200]}")
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert", "warning"):
                text = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
                problems.append(f"console.{p.get('type')}: {text[:300]}")
            elif m == "Runtime.exceptionThrown":
                problems.append(f"uncaught exception: {p.get('exceptionDetails', {}).get('text', '')}")
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") in ("error", "warning"):
                entry = p["entry"]
                problems.append(f"browser log {entry.get('level')} ({entry.get('source')}): "
                                f"{entry.get('text', '')[:300]} {entry.get('url', '')[:120]}")
        return problems
