"""Renders reports in headless Chromium through screenshot.py.

Skips when no Chromium is installed (Debian: apt-get install chromium). The sample reports come
from `swift test --filter UpliftReportTests` (ReportPageTests writes them to Tests/browser/out/);
their PNGs stay in Tests/browser/out/ as build artefacts.
"""
import os
import struct

import pytest

import screenshot

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "out")
FIXTURES = os.path.join(HERE, "fixtures")

pytestmark = pytest.mark.skipif(screenshot.find_chromium() is None, reason="chromium is not installed")


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", head[16:24])


def shoot(html, name, media="screen"):
    os.makedirs(OUT, exist_ok=True)
    png = os.path.join(OUT, name)
    problems, height = screenshot.render(html, png, media=media)
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
