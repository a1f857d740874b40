"""A real QloApps to test against: `QLOAPPS_TEST_URL` (the shop's address or its /api) and
`QLOAPPS_TEST_KEY` (a webservice key with every permission). Without them the live tests skip
with this reason, in CI too: no CI machine has a QloApps."""

from __future__ import annotations

import os

import pytest

URL_VAR, KEY_VAR = "QLOAPPS_TEST_URL", "QLOAPPS_TEST_KEY"


def live_qloapps() -> tuple[str, str]:
    url, key = os.environ.get(URL_VAR, "").strip(), os.environ.get(KEY_VAR, "").strip()
    if not (url and key):
        pytest.skip(f"no real QloApps: set {URL_VAR} and {KEY_VAR} (see README, QloApps)")
    return url, key
