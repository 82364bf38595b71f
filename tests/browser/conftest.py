"""Headless Debian Chromium, driven by Playwright, against a real ``fdigraph serve``.

Chromium is Debian's package (``make install`` installs it); Playwright never downloads
a browser here. Each test gets a fresh page whose console errors and requests are
recorded: a test fails on any console error or any request that leaves 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fdigraph.build import BuildResult

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL = "http://127.0.0.1:"


def chromium() -> str:
    """Debian's Chromium, or a skip that says why (only when it cannot be installed)."""
    found = os.environ.get("FDIGRAPH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(found).is_file():
        reason = f"no Chromium at {found}: run `make install` (apt-get install chromium)"
        print(reason, file=sys.stderr)
        pytest.skip(reason)
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def server(built: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real server process (gunicorn, one worker) on a free loopback port."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    command = [sys.executable, "-m", "fdigraph", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--store", str(built.store_path), "--workers", "1"]
    with log.open("wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    url = f"{LOCAL}{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url + "/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("server did not start:\n" + log.read_text()) from None
                time.sleep(0.2)
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One Chromium per session with a fresh, empty profile."""
    executable = chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = "Playwright is not installed: run `make install` (dev extras)"
        print(reason, file=sys.stderr)
        pytest.skip(reason)
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=executable,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1280, "height": 900},
            locale="vi-VN",
        )
        ctx.set_default_timeout(15000)
        yield ctx
        ctx.close()


@pytest.fixture
def expected_statuses() -> set[int]:
    """HTTP error statuses a test asks for on purpose (a 400 form, a 404 page).

    Chromium logs each one as a console error; only those are forgiven, nothing else.
    """
    return set()


@pytest.fixture
def page(context: Any, server: str, expected_statuses: set[int]) -> Iterator[Any]:
    """A fresh page; afterwards, no console errors and no request beyond this server."""
    context.clear_cookies()
    tab = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.on("request", lambda r: requests.append(r.url))
    yield tab
    tab.close()
    errors = [e for e in errors if _status(e) not in expected_statuses]
    assert errors == [], f"console errors: {errors}"
    outside = [u for u in requests if not u.startswith(server + "/") and not u.startswith("data:")]
    assert outside == [], f"requests beyond {server}: {outside}"
    assert requests, "the page made no request at all"


def _status(message: str) -> int | None:
    """The status of a failed request's console error: Chromium's, or YASGUI's own log of
    the endpoint's JSON error body (it logs every failed query)."""
    pattern = r"Failed to load resource: the server responded with a status of (\d+)"
    found = re.match(pattern, message)
    if found:
        return int(found.group(1))
    try:
        body = json.loads(message)
    except ValueError:
        return None
    if isinstance(body, dict) and body.get("ok") is False and isinstance(body.get("status"), int):
        return int(body["status"])
    return None
