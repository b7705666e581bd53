"""Shared pieces of the reliability suite: the hostile corpus, a blocked network, a fake
geocoding service on loopback and a Streamlit server for browser tests.

Small hostile files live in ``tests/fixtures/bad/``; large or binary ones (a PNG renamed
``.txt``, Latin-1 and UTF-16 text, 50 MB of text, a 1 MB line, NUL bytes, a 10 MB CSV cell, a
symlink loop, an unreadable file, a named pipe) are generated here, per test, in a temp folder.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
BAD = ROOT / "tests" / "fixtures" / "bad"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
MB = 1024 * 1024
LOCKED = "locked.txt"  # the unreadable file


# ---------------------------------------------------------------------------------------------
# the hostile corpus


@dataclass
class Corpus:
    """A folder of good and bad inputs and what the ETL must make of each.

    ``good`` maps a path (a file, or ``file.jsonl#L3``) to a word its article text must
    contain; ``bad`` maps a path to a fragment of the reason it must be reported with.
    """

    root: Path
    good: dict[str, str] = field(default_factory=dict)
    bad: dict[str, str] = field(default_factory=dict)


def _write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def make_bad_corpus(root: Path, *, huge: bool = True) -> Corpus:
    """Copy the small fixtures and generate the large and binary ones under ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    c = Corpus(root)

    def good(name: str, word: str) -> None:
        c.good[str(root / name)] = word

    def bad(name: str, reason: str) -> None:
        c.bad[str(root / name)] = reason

    for name in ("empty.txt", "whitespace.md", "no_text_column.csv", "mixed.jsonl",
                 "scripts_only.html", "no_sentences.txt", "good_geneva.txt"):
        shutil.copy(BAD / name, root / name)
    bad("empty.txt", "empty file")
    bad("whitespace.md", "empty file")
    bad("no_text_column.csv", "no text column found")
    bad("scripts_only.html", "no article text")
    bad("no_sentences.txt", "no words")
    good("good_geneva.txt", "Araghchi")
    good("mixed.jsonl#L1", "Ruto")
    bad("mixed.jsonl#L2", "invalid JSON")
    bad("mixed.jsonl#L3", "invalid JSON")
    good("mixed.jsonl#L4", "Araghchi met European Union envoy")
    bad("mixed.jsonl#L5", "expected a JSON object")
    bad("mixed.jsonl#L6", "empty text")
    good("mixed.jsonl#L7", "Khalilzad")

    _write(root / "image.txt", PNG + bytes(range(256)) * 64)
    bad("image.txt", "binary file (PNG image)")
    _write(root / "latin1.txt", "ZÜRICH: Swiss mediator Jürg Müller met the Colombian envoy "
                                "in Zürich on Friday, the café owners said.".encode("latin-1"))
    good("latin1.txt", "Zürich")
    _write(root / "utf16.txt", codecs.BOM_UTF16_LE + (
        "BOGOTÁ: Colombian President Gustavo Petro met ELN negotiator Pablo Beltrán in "
        "Bogotá on Thursday.").encode("utf-16-le"))
    good("utf16.txt", "Beltrán")
    havana = ("HAVANA:\x00 Cuban Foreign Minister Bruno Rodríguez met the Vatican envoy\x07 in "
              "Havana\x1b on Wednesday.\x00\x0cThey spoke\x00 for an hour about the release of "
              "prisoners, officials said. " + "The ministry gave no further details. " * 12)
    _write(root / "control.txt", havana.encode("utf-8"))  # NUL and control bytes in text
    good("control.txt", "Vatican envoy in Havana on Wednesday.\nThey spoke for an hour")
    line = "LIMA: Peruvian officials met the Chilean envoy in Lima on Monday. "
    _write(root / "one_line.txt", (line + "z" * MB)[:MB])  # one 1 MB line, no newline
    good("one_line.txt", "Chilean envoy")
    cell = "<p>" + "raw markup " * (10 * MB // 11) + "</p>"
    _write(root / "big_cell.csv", 'title,text,raw_html\nBig,"ACCRA: Ghanaian and Togolese '
                                  f'ministers met in Accra on Tuesday.","{cell}"\n')
    good("big_cell.csv#row1", "Togolese")
    if huge:
        with (root / "huge.txt").open("wb") as out:
            block = b"KAMPALA: The envoy met the minister again in Kampala. " * 1000
            while out.tell() < 50 * MB:
                out.write(block)
        bad("huge.txt", "file too large")

    loop = root / "loop"
    _write(loop / "inner" / "tunis.txt", "TUNIS: Tunisian and Libyan ministers met in Tunis "
                                         "on Saturday.")
    (loop / "inner" / "back").symlink_to(loop, target_is_directory=True)
    (loop / "self").symlink_to(".", target_is_directory=True)
    good("loop/inner/tunis.txt", "Libyan ministers")

    _write(root / LOCKED, "RABAT: Moroccan officials met the envoy in Rabat on Monday.")
    (root / LOCKED).chmod(0)
    bad(LOCKED, "Permission denied")
    os.mkfifo(root / "pipe.txt")  # reading a named pipe blocks forever: must not be opened
    bad("pipe.txt", "not a regular file")
    return c


def refuse_locked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the OS refuse ``locked.txt`` even for root, who ignores file modes."""
    if os.geteuid() != 0:
        return
    read_bytes, open_ = Path.read_bytes, Path.open

    def guard(original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(self: Path, *args: Any, **kwargs: Any) -> Any:
            if self.name == LOCKED:
                raise PermissionError(13, "Permission denied", str(self))
            return original(self, *args, **kwargs)
        return wrapper

    monkeypatch.setattr(Path, "read_bytes", guard(read_bytes))
    monkeypatch.setattr(Path, "open", guard(open_))


@pytest.fixture
def bad_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Corpus]:
    corpus = make_bad_corpus(tmp_path / "corpus")
    refuse_locked(monkeypatch)
    yield corpus
    (corpus.root / LOCKED).chmod(0o644)


# ---------------------------------------------------------------------------------------------
# no network


class NetworkBlocked(OSError):
    """Raised by every socket connect or name lookup while the network is blocked."""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Refuse (and record) every connection and DNS lookup, however a library makes it."""
    attempts: list[str] = []

    def refuse(what: str) -> Callable[..., Any]:
        def blocked(*args: Any, **kwargs: Any) -> Any:
            attempts.append(f"{what}{args[1:] if what.startswith('socket') else args}")
            raise NetworkBlocked(f"network access in a test: {what}")
        return blocked

    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket, "gethostbyname", refuse("gethostbyname"))
    return attempts


# ---------------------------------------------------------------------------------------------
# a fake Nominatim on 127.0.0.1


PLACES = {  # what the fake service knows: name -> (lat, lon, country code)
    "kabul": (34.5, 69.2, "af"), "islamabad": (33.7, 73.1, "pk"), "doha": (25.3, 51.5, "qa"),
    "moscow": (55.8, 37.6, "ru"), "geneva": (46.2, 6.1, "ch"),
}


# Modes that send a body a byte every 0.3 s, so no single read ever times out: for how long.
TRICKLE_S = {"trickle": 3.6, "dribble": 20.0}


@dataclass
class FakeGeocoder:
    """A Nominatim look-alike whose behaviour the test sets: ok, slow, trickle, dribble, 500,
    429, junk, badshape.

    Every handler finishes by itself within a few seconds, or at the end of the test ("dribble"
    outlasts any client's timeout), so no thread outlives the test for long; only loopback is
    ever bound.
    """

    mode: str = "ok"
    requests: list[str] = field(default_factory=list)
    arrived: list[float] = field(default_factory=list)  # time.monotonic() of each request
    port: int = 0
    stop: threading.Event = field(default_factory=threading.Event)  # set at the test's end

    def handle(self, req: BaseHTTPRequestHandler) -> None:
        self.arrived.append(time.monotonic())
        query = parse_qs(urlsplit(req.path).query).get("q", [""])[0]
        self.requests.append(query)
        if self.mode == "slow":
            time.sleep(3)  # longer than the client's timeout
        if self.mode in ("500", "429"):
            body = b'{"error": "go away"}'
            req.send_response(int(self.mode))
            if self.mode == "429":
                req.send_header("Retry-After", "3600")
        elif self.mode == "junk":
            body = b"<html>not json</html>"
            req.send_response(200)
        elif self.mode == "badshape":
            body = b'[{"display_name": "Nowhere"}]'
            req.send_response(200)
        else:
            body = json.dumps(self.answer(query)).encode()
            req.send_response(200)
        req.send_header("Content-Type", "application/json")
        trickle = TRICKLE_S.get(self.mode, 0.0)
        req.send_header("Content-Length", str(len(body) + (1000 if trickle else 0)))
        req.end_headers()
        if trickle:  # the body never completes
            until = time.monotonic() + trickle
            while time.monotonic() < until and not self.stop.wait(0.3):
                with contextlib.suppress(OSError):
                    req.wfile.write(b" ")
                    req.wfile.flush()
            return
        with contextlib.suppress(OSError):
            req.wfile.write(body)

    @staticmethod
    def answer(query: str) -> list[dict[str, Any]]:
        hit = PLACES.get(query.strip().lower())
        if hit is None:
            return []
        lat, lon, cc = hit
        return [{"lat": str(lat), "lon": str(lon), "display_name": f"{query}, fake",
                 "addresstype": "city", "address": {"country_code": cc}}]


@pytest.fixture
def fake_geocoder() -> Iterator[FakeGeocoder]:
    fake = FakeGeocoder()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            fake.handle(self)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.stop.set()
        server.shutdown()
        server.server_close()
