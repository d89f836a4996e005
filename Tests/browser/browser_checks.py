"""What the browser tests share: the Chromium rule (skip without it, unless UPLIFT_REQUIRE_CHROMIUM=1 says
it must be there, so CI never skips silently) and a PNG's size."""
import os
import struct

import pytest

import screenshot


def require_chromium():
    if screenshot.find_chromium() is None:
        if os.environ.get("UPLIFT_REQUIRE_CHROMIUM") == "1":
            pytest.fail("chromium is not installed and UPLIFT_REQUIRE_CHROMIUM=1: install it with `make chromium` "
                        "(Debian's chromium package)")
        pytest.skip("chromium is not installed (Debian: apt-get install chromium)")


def png_size(path):
    """(width, height) of a PNG file; fails when it is not one."""
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])
