"""The front door in Chromium, as a person uses it: `uplift serve --dashboards dashboards/` over a small
generated demo data set; open http://…/, type the read key, press Enter; the home page shows every
PR/FAQ with its goal cards, the experiments and the flags; follow a report link with the keyboard; sign
out. Throughout: no console error or warning, no CSP violation, no request to any host but the server.
The session cookie is HttpOnly and SameSite=Strict and does not hold the key. Over plain HTTP (requests):
the sign-in form refuses a write key, a post from another site, and the pages answer with their policy.

Without Chromium the browser test skips, unless UPLIFT_REQUIRE_CHROMIUM=1 (as `make test` sets it).
PNGs of the pages stay in Tests/browser/out/ (front-door-*.png) as build artefacts.
"""
import json
import subprocess
import sys

import pytest
import requests

from conftest import ROOT, Server, run

sys.path.insert(0, str(ROOT / "Tests" / "browser"))
from browser_checks import require_chromium  # noqa: E402
from browser_session import BrowserSession  # noqa: E402

DASHBOARDS = ROOT / "dashboards"
OUT = ROOT / "Tests" / "browser" / "out"
PRFAQS = ("feature-x", "new-checkout", "onboarding-checklist")
TIMEOUT = 60


@pytest.fixture(scope="module")
def demo(uplift, tmp_path_factory):
    """(server URL, read key, write key) over a small demo data set, a flag and an experiment."""
    data = tmp_path_factory.mktemp("front-door") / "data"
    gen = subprocess.Popen([uplift, "generate", "--events", "8000", "--users", "400", "--days", "60",
                            "--start", "2026-01-01", "--seed", "7"], stdout=subprocess.PIPE)
    imp = subprocess.run([uplift, "import", "--data", str(data), "--project", "demo", "-"],
                         stdin=gen.stdout, capture_output=True, text=True, timeout=300)
    gen.stdout.close()
    assert gen.wait() == 0 and imp.returncode == 0, imp.stderr
    keys = {}
    for kind in ("read", "write"):
        r = run([uplift, "key", "create", "--data", str(data), "--project", "demo", "--kind", kind, "--json"])
        assert r.returncode == 0, r.stderr
        keys[kind] = json.loads(r.stdout)["key"]
    srv = Server(uplift, data, extra_args=["--dashboards", str(DASHBOARDS)]).start()
    bearer = {"Authorization": f"Bearer {keys['read']}"}
    r = requests.post(f"{srv.url}/v1/flags", headers=bearer, timeout=TIMEOUT,
                      json={"key": "new-navigation", "description": "The new navigation", "enabled": True})
    assert r.status_code == 201, r.text
    yield srv.url, keys["read"], keys["write"]
    srv.stop_ok()


def test_sign_in_form_over_http(demo):
    url, read_key, write_key = demo
    page = requests.get(url + "/", timeout=TIMEOUT)
    assert page.status_code == 200 and page.headers["Content-Type"] == "text/html; charset=utf-8"
    policy = page.headers["Content-Security-Policy"]
    for directive in ("default-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"):
        assert directive in policy, policy
    assert "<script" not in page.text
    same_origin = {"Origin": url, "Sec-Fetch-Site": "same-origin"}
    refused = requests.post(url + "/sign-in", data={"key": write_key}, headers=same_origin,
                            allow_redirects=False, timeout=TIMEOUT)
    assert refused.status_code == 401 and "Set-Cookie" not in refused.headers
    assert "a write key cannot read" in refused.text.lower()
    elsewhere = requests.post(url + "/sign-in", data={"key": read_key}, allow_redirects=False, timeout=TIMEOUT,
                              headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
    assert elsewhere.status_code == 403 and "Set-Cookie" not in elsewhere.headers
    # A program keeps its cookie jar like a browser: the session opens the home page and a report.
    with requests.Session() as s:
        signed_in = s.post(url + "/sign-in", data={"key": read_key}, headers=same_origin, timeout=TIMEOUT)
        assert signed_in.status_code == 200 and signed_in.url == url + "/home"
        assert s.get(url + "/v1/reports/feature-x", timeout=TIMEOUT).status_code == 200


def test_sign_in_navigate_and_sign_out_in_chromium(demo):
    require_chromium()
    url, read_key, _ = demo
    OUT.mkdir(parents=True, exist_ok=True)
    browser = BrowserSession(url, timeout=TIMEOUT)
    try:
        page, status = browser.open("/")
        assert (page, status) == (url + "/", 200)
        assert 'for="key"' in browser.html()
        browser.screenshot(str(OUT / "front-door-sign-in.png"))

        # Type the key and press Enter in the field: the form posts, the server answers 303 to /home.
        browser.type_into("#key", read_key)
        page, status = browser.press_enter_on("#key")
        assert (page, status) == (url + "/home", 200)
        home = browser.html()
        assert "<h1>Project demo</h1>" in home
        for prfaq in PRFAQS:
            assert f'href="/v1/reports/{prfaq}"' in home, prfaq
        assert home.count('class="goal-card status-') >= len(PRFAQS)
        assert "new-navigation" in home and "<td>On</td>" in home
        # The experiment new-checkout names with its own definition file, linked to its report section.
        assert 'href="/v1/reports/new-checkout#experiment-checkout-redesign"' in home
        assert read_key not in home
        browser.screenshot(str(OUT / "front-door-home.png"))
        browser.screenshot(str(OUT / "front-door-home-print.png"), media="print")

        cookies = browser.cookies()
        assert [c["name"] for c in cookies] == ["uplift_session"], cookies
        cookie = cookies[0]
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
        assert not cookie["session"] and cookie["expires"] > 0  # Max-Age: it expires
        assert read_key not in cookie["value"] and read_key[4:16] not in cookie["value"]

        # Follow the first PR/FAQ's report link with the keyboard: the report opens with the cookie alone.
        link = "article h3 a"
        href = browser.attribute(link, "href")
        assert href.startswith("/v1/reports/")
        page, status = browser.press_enter_on(link)
        assert (page, status) == (url + href, 200)
        assert "PR/FAQ report" in browser.html()

        # Back home, sign out with the button: the session ends on the server and in the browser.
        assert browser.open("/home") == (url + "/home", 200)
        page, status = browser.press_enter_on("form.sign-out button")
        assert (page, status) == (url + "/?reason=signed-out", 200)
        assert "You have signed out." in browser.html()
        assert browser.cookies() == []
        page, status = browser.open("/home")
        assert (page, status) == (url + "/", 200)  # no session: back at the sign-in form

        assert browser.problems() == []
        methods = {(r["method"], r["url"].split("?")[0]) for r in browser.requests()}
        assert ("POST", url + "/sign-in") in methods and ("POST", url + "/sign-out") in methods
    finally:
        browser.close()
