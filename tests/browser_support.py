"""What the browser tests share: finding Chromium, a free port, a Streamlit server.

Browser tests skip locally when Chromium or Playwright is missing, and fail in CI (CI=true),
which must run them.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
# Debian's Chromium, headless, as root, on a machine with no network but localhost.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require_browser() -> None:
    """Skip without Chromium or Playwright locally; in CI (CI=true) that is a failure."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package")
    if missing:
        reason = "browser tests need " + " and ".join(missing)
        if in_ci():
            pytest.fail(reason + "; CI must run them")
        pytest.skip(reason)


def origin(url: str) -> str:
    """scheme://host:port of a URL: what "the app's own host" means to the guard."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


LOCAL_SCHEMES = ("data", "blob", "about")  # never leave the browser


class OwnHostOnly:
    """Every request of a browser context goes through ``route``: the apps' own origins pass,
    any other host is refused and recorded. Recording only failed requests would let a CDN
    fetch pass on a machine with network; this fails it on every machine."""

    def __init__(self) -> None:
        self.origins: set[str] = set()
        self.refused: list[str] = []
        self.served: list[tuple[str, int]] = []  # (url, status) of every response

    def allow(self, url: str) -> str:
        """Let the app at ``url`` serve the pages; returns the URL."""
        self.origins.add(origin(url))
        return url

    def attach(self, context: Any) -> None:
        context.route("**/*", self._route)
        context.on("response", lambda r: self.served.append((r.url, r.status)))

    def _route(self, route: Any) -> None:
        url = route.request.url
        if urlsplit(url).scheme in LOCAL_SCHEMES or origin(url) in self.origins:
            route.continue_()
        else:
            self.refused.append(url)
            route.abort("blockedbyclient")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def streamlit_server(data_dir: Path, log: Path) -> Iterator[str]:
    """The dashboard on `data_dir` (never building tables), started from the repository root
    so it reads .streamlit/config.toml; stopped on exit."""
    port = free_port()
    env = {**os.environ, "PARLEY_DATA": str(data_dir), "PARLEY_SEEDS": ""}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard/app.py",
             "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"streamlit did not start:\n{log.read_text()}")
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
