"""``studyapp serve``: the page, the door (issue 19, item 6) and a card answered from Chromium.

The server runs as a subprocess on a free loopback port with a tmp database; its URL, with
this run's token, is read from what it prints. Without a browser: the page needs the token;
a websocket from a foreign Origin is refused and the database stays untouched, while the
same keys from the page's own Origin answer a card (the control); the session cap, the
message size limit and an app process ending with its connection; ``--host 0.0.0.0`` warns
and its page never points at ``ws://0.0.0.0``. The browser test drives Debian's
``chromium`` through the DevTools protocol (aiohttp's websocket client): it loads the page,
types Enter (review the deck), space (reveal) and 3 (Good) into the terminal, and finds the
answer in the database. Skipped, with the reason, where textual-serve or Chromium is missing.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.ui.conftest import open_service, test_deck

pytest.importorskip("textual_serve", reason="textual-serve is not installed")

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str, timeout: float = 5.0) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


@dataclass
class Served:
    """A ``studyapp serve`` process, what it printed (read all along: a full pipe would
    block it) and the URL with its token."""

    process: subprocess.Popen[bytes]
    output: list[str] = field(default_factory=list)
    url: str = ""

    @property
    def token(self) -> str:
        return self.url.rsplit("token=", 1)[1]

    @property
    def base(self) -> str:
        return self.url.split("?", 1)[0]

    def text(self) -> str:
        return "".join(self.output)


def start_server(tmp_path: Path, db: Path, *args: str) -> Served:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "STUDYAPP_DB": str(db)}
    command = [sys.executable, "-m", "studyapp", "--db", str(db), "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, *args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    served = Served(process)

    def drain() -> None:
        assert process.stdout is not None
        for line in iter(process.stdout.readline, b""):
            served.output.append(line.decode("utf-8", "replace"))

    threading.Thread(target=drain, daemon=True).start()
    deadline = time.monotonic() + 60
    while not served.url:
        found = re.search(r"open (http://127\.0\.0\.1:\d+/\?token=\S+)", served.text())
        if found:
            served.url = found.group(1)
        elif process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"studyapp serve printed no URL: {served.text()}")
        else:
            time.sleep(0.05)
    return served


def wait_for_page(url: str, server: subprocess.Popen[bytes], timeout: float = 60.0) -> str:
    """The page's HTML once the server answers (fails if the server exits first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"studyapp serve exited with {server.returncode}")
        try:
            status, body = get(url)
        except OSError:
            time.sleep(0.2)
            continue
        assert status == 200, body
        return body
    raise AssertionError(f"no answer from {url} in {timeout:.0f} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """End a process group we started (the server and the app processes it spawned)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # app processes left in the group


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "served.db"
    service = open_service(path)
    service.imports.parsed(test_deck(missing=False))
    service.close()
    return path


@pytest.fixture
def served(db: Path, tmp_path: Path) -> Iterator[Served]:
    server = start_server(tmp_path, db)
    try:
        yield server
    finally:
        stop(server.process)


@pytest.fixture
def server(served: Served) -> tuple[str, subprocess.Popen[bytes]]:
    """(the URL with its token, the process), for the browser test."""
    return served.url, served.process


def test_serve_answers_http_with_the_app_page(served: Served) -> None:
    page = wait_for_page(served.url, served.process)
    assert "textual-terminal" in page and "data-session-websocket-url" in page
    assert "studyapp" in page
    own_socket = served.base.replace("http", "ws") + f"ws/{served.token}"
    assert f'data-session-websocket-url="{own_socket}"' in page
    status, text = get(served.base)  # no token: no page
    assert status == 403 and "open the URL printed when the server started" in text
    assert get(f"{served.base}?token=wrong")[0] == 403


def test_serve_refuses_a_bad_port() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "studyapp", "serve", "--port", "70000"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 1
    assert done.stderr.strip() == "studyapp: error: --port must be in 1-65535, got 70000"


# -- the door (issue 19, item 6): no browser needed -------------------------------------------

FOREIGN = "http://evil.example"


def children(pid: int) -> list[int]:
    """Live child processes of ``pid`` (the app processes a server started), from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and state != "Z":
            found.append(int(entry))
    return found


def files_of(db: Path) -> dict[str, str]:
    """Every file beside the database (WAL, journal included) and its SHA-256."""
    beside = (p for p in db.parent.iterdir() if p.name.startswith(db.name) and p.is_file())
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in beside}


async def attack(url: str, origin: str | None, db: Path, seconds: float) -> tuple[int | None, int]:
    """Open the app socket at ``url`` with ``origin`` and, while it lasts, type Enter, space
    and 3 (review, reveal, Good) again and again. (the refusal's HTTP status or None,
    bytes of screen received)."""
    import aiohttp

    headers = {"Origin": origin} if origin else {}
    received = 0

    async def read(ws: Any) -> None:  # no timeout on receive: aiohttp would drop the socket
        nonlocal received
        async for message in ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                received += len(message.data)

    try:
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(url + "?width=80&height=24", headers=headers) as ws,
        ):
            reader = asyncio.create_task(read(ws))
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline and not reader.done() and good_answers(db) == 0:
                await asyncio.sleep(1.0)
                if received:
                    for key in ("\r", " ", "3"):
                        await ws.send_json(["stdin", key])
                        await asyncio.sleep(0.3)
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
    except aiohttp.WSServerHandshakeError as error:
        return error.status, received
    return None, received


def test_a_foreign_origin_reads_and_writes_nothing(served: Served, db: Path) -> None:
    """A page on another site opens the app socket (with and without the token, on the old
    path too): refused before any app starts; the database files are byte for byte the
    same. The control: the page's own Origin, same keys, answers a card."""
    wait_for_page(served.url, served.process)
    before = files_of(db)
    own = served.base.replace("http://", "ws://")
    for path, origin in [
        (f"ws/{served.token}", FOREIGN),
        (f"ws/{served.token}", None),
        (f"ws/{served.token}", served.base.replace("127.0.0.1", "localhost").rstrip("/")),
        ("ws/not-the-token", served.base.rstrip("/")),
        ("ws", FOREIGN),  # textual-serve's own path
    ]:
        status, received = asyncio.run(attack(own + path, origin, db, 20))
        assert status in (403, 404) and received == 0, (path, origin, status)
    assert files_of(db) == before and good_answers(db) == 0
    assert children(served.process.pid) == []  # no app process was started
    status, received = asyncio.run(
        attack(own + f"ws/{served.token}", served.base.rstrip("/"), db, 90)
    )
    assert status is None and received > 10_000, served.text()[-2000:]
    assert good_answers(db) >= 1  # the same keys from the page itself do answer


def test_sessions_are_capped_and_apps_end_with_their_connection(db: Path, tmp_path: Path) -> None:
    import aiohttp

    served = start_server(tmp_path, db, "--max-sessions", "1")
    url = served.base.replace("http://", "ws://") + f"ws/{served.token}?width=80&height=24"
    origin = {"Origin": served.base.rstrip("/")}

    async def scenario() -> None:
        async with aiohttp.ClientSession() as session:
            first = await session.ws_connect(url, headers=origin)
            message = await asyncio.wait_for(first.receive(), 60)
            assert message.type == aiohttp.WSMsgType.BINARY  # the app drew its screen
            [app] = children(served.process.pid)
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session.ws_connect(url, headers=origin)
            assert refused.value.status == 503
            await first.send_json(["stdin", "x" * (1 << 20)])  # 1 MB: past the 64 KiB limit
            while (await asyncio.wait_for(first.receive(), 30)).type not in (
                aiohttp.WSMsgType.CLOSE,
                aiohttp.WSMsgType.CLOSED,
            ):
                pass
            assert first.close_code == 1009  # "message too big"
            deadline = time.monotonic() + 20
            while app in children(served.process.pid):
                assert time.monotonic() < deadline, "the app process outlived its connection"
                await asyncio.sleep(0.2)
            again = await session.ws_connect(url, headers=origin)  # the slot is free again
            await again.close()

    try:
        asyncio.run(asyncio.wait_for(scenario(), 150))
    finally:
        stop(served.process)


def test_any_address_warns_and_the_page_never_points_at_0_0_0_0(db: Path, tmp_path: Path) -> None:
    served = start_server(tmp_path, db, "--host", "0.0.0.0")
    try:
        page = wait_for_page(served.url, served.process)
        assert "warning: serving on 0.0.0.0: anyone who can reach this machine" in served.text()
        assert "0.0.0.0" not in page
        assert f"ws://127.0.0.1:{served.base.rsplit(':', 1)[1]}ws/{served.token}" in page
    finally:
        stop(served.process)


def test_the_door_rules() -> None:
    from studyapp.cli import serve

    assert serve.is_loopback("127.0.0.1") and serve.is_loopback("::1")
    assert serve.is_loopback("localhost") and serve.is_loopback("[::1]")
    assert not serve.is_loopback("0.0.0.0") and not serve.is_loopback("192.168.1.5")
    assert serve.exposure_warning("127.0.0.1") is None
    assert "serving on 192.168.1.5" in (serve.exposure_warning("192.168.1.5") or "")
    own = "127.0.0.1:8000"
    assert serve.origin_allowed("http://127.0.0.1:8000", own, None)
    assert not serve.origin_allowed("http://127.0.0.1:8001", own, None)
    assert not serve.origin_allowed("http://evil.example", own, None)
    assert not serve.origin_allowed("null", own, None) and not serve.origin_allowed(None, own, None)
    assert serve.origin_allowed("https://study.example", own, "https://study.example/")
    assert not serve.origin_allowed("http://study.example", own, "https://study.example/")
    # DNS rebinding: on loopback, a Host naming another machine is refused
    assert serve.host_allowed("localhost:8000", "127.0.0.1", None)
    assert not serve.host_allowed("evil.example:8000", "127.0.0.1", None)
    assert serve.host_allowed("study.example", "127.0.0.1", "https://study.example")
    assert serve.host_allowed("anything:8000", "0.0.0.0", None)
    assert serve.page_websocket_url("10.0.0.2:8000", False, "t", None) == "ws://10.0.0.2:8000/ws/t"
    assert serve.page_websocket_url("x", False, "t", "https://s.example/app/") == (
        "wss://s.example/app/ws/t"
    )
    assert serve.start_urls("0.0.0.0", 8000, "t", None)[0] == "http://127.0.0.1:8000/?token=t"
    assert serve.token_matches("abc", "abc") and not serve.token_matches(None, "abc")


# -- the browser ----------------------------------------------------------------------------

KEYS = {
    "enter": {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "text": "\r"},
    "space": {"key": " ", "code": "Space", "windowsVirtualKeyCode": 32, "text": " "},
    "3": {"key": "3", "code": "Digit3", "windowsVirtualKeyCode": 51, "text": "3"},
}


class DevTools:
    """A tiny Chrome DevTools protocol client over one page's websocket."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.next_id = 0

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        await self.ws.send_json({"id": self.next_id, "method": method, "params": params})
        while True:
            reply = json.loads((await asyncio.wait_for(self.ws.receive(), 20)).data)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise AssertionError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))

    async def evaluate(self, expression: str) -> Any:
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    async def press(self, name: str) -> None:
        key = KEYS[name]
        await self.call("Input.dispatchKeyEvent", type="keyDown", **key)
        up = {k: v for k, v in key.items() if k != "text"}
        await self.call("Input.dispatchKeyEvent", type="keyUp", **up)


def start_chromium(tmp_path: Path) -> tuple[subprocess.Popen[bytes], int]:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")
    profile = tmp_path / "chromium"
    browser = subprocess.Popen(
        [
            binary,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--remote-debugging-port=0",
            "--remote-debugging-address=127.0.0.1",
            f"--user-data-dir={profile}",
            "--window-size=1280,800",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    port_file = profile / "DevToolsActivePort"
    while time.monotonic() < deadline:
        if port_file.exists() and port_file.read_text().strip():
            return browser, int(port_file.read_text().split()[0])
        if browser.poll() is not None:
            pytest.skip(f"Chromium exited at start ({browser.returncode})")
        time.sleep(0.1)
    stop(browser)
    pytest.skip("Chromium did not open its DevTools port in 30 s")


def good_answers(db: Path) -> int:
    """Review answers rated Good in the database."""
    import sqlite3

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        query = "SELECT count(*) FROM review_log WHERE rating = 3 AND kind = 'review'"
        return int(connection.execute(query).fetchone()[0])


async def drive(url: str, devtools_port: int, db: Path) -> None:
    import aiohttp

    _, targets = get(f"http://127.0.0.1:{devtools_port}/json/list")
    page = next(t for t in json.loads(targets) if t["type"] == "page")
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as ws,
    ):
        tools = DevTools(ws)
        await tools.call("Page.enable")
        await tools.call("Page.navigate", url=url)
        # the terminal connects its websocket and the app process starts (seconds)
        deadline = time.monotonic() + 90
        focus = "(() => { const t = document.querySelector('.xterm-helper-textarea');"
        focus += " if (!t) return false; t.focus(); return true; })()"
        while not await tools.evaluate(focus):
            assert time.monotonic() < deadline, "the page never showed a terminal"
            await asyncio.sleep(0.5)
        # keys before the app has drawn are lost: repeat until an answer lands
        while good_answers(db) == 0:
            assert time.monotonic() < deadline, "no answer reached the database in 90 s"
            await asyncio.sleep(3.0)
            await tools.evaluate(focus)
            for name in ("enter", "space", "3"):
                await tools.press(name)
                await asyncio.sleep(0.7)


def test_browser_reveals_and_answers_a_card(
    server: tuple[str, subprocess.Popen[bytes]], db: Path, tmp_path: Path
) -> None:
    url, process = server
    wait_for_page(url, process)
    browser, devtools_port = start_chromium(tmp_path)
    try:
        asyncio.run(asyncio.wait_for(drive(url, devtools_port, db), 150))
    finally:
        stop(browser)
    assert good_answers(db) >= 1
    service = open_service(db)
    try:
        answered = [c for c in service.cards.browse() if c.reps > 0]
    finally:
        service.close()
    assert answered and all(c.state != "new" for c in answered)
