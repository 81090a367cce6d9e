"""``studyapp serve``: the app's page over HTTP, and a card answered from headless Chromium.

The server runs as a subprocess on a free loopback port with a tmp database. The browser
test drives Debian's ``chromium`` through the DevTools protocol (aiohttp's websocket client,
which textual-serve brings): it loads the page, types Enter (review the deck), space
(reveal) and 3 (Good) into the terminal, and finds the answer in the database. Skipped,
with the reason, where textual-serve or Chromium is missing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
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

from tests.ui.conftest import open_service, test_deck

pytest.importorskip("textual_serve", reason="textual-serve is not installed")

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str, timeout: float = 5.0) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read().decode("utf-8", "replace")


def wait_for_page(url: str, server: subprocess.Popen[bytes], timeout: float = 60.0) -> str:
    """The page's HTML once the server answers (fails if the server exits first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            out = server.stdout.read().decode(errors="replace") if server.stdout else ""
            raise AssertionError(f"studyapp serve exited with {server.returncode}: {out}")
        try:
            status, body = get(url)
        except OSError:
            time.sleep(0.2)
            continue
        assert status == 200
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
def server(db: Path, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "STUDYAPP_DB": str(db)}
    process = subprocess.Popen(
        [sys.executable, "-m", "studyapp", "--db", str(db), "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield f"http://127.0.0.1:{port}/", process
    finally:
        stop(process)


def test_serve_answers_http_with_the_app_page(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    url, process = server
    page = wait_for_page(url, process)
    assert "textual-terminal" in page and "data-session-websocket-url" in page
    assert "studyapp" in page
    assert url.replace("http", "ws") + "ws" in page  # this server's own app socket


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
