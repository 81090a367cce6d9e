"""textual-serve's server with the door :mod:`studyapp.cli.serve` describes.

Built on textual-serve 1.1.3's ``Server`` and ``AppService``: the routes, the page's context,
the websocket handler and the app process's start and stop are ours; the page template,
its JavaScript, the packet protocol and the process's output pump are textual-serve's.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import shlex
from asyncio.subprocess import Process
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from studyapp.cli.serve import (
    MAX_MESSAGE_BYTES,
    host_allowed,
    origin_allowed,
    page_websocket_url,
    token_matches,
)

log = logging.getLogger("studyapp.serve")

QUIT_WAIT_S = 3.0
"""How long an app process has to quit when its connection ends, before SIGTERM."""
TERM_WAIT_S = 3.0
"""How long it has after SIGTERM, before SIGKILL."""
STDIN_WAIT_S = 10.0
"""A connection whose app has not read its input for this long is closed."""
MAX_STDIN_CHARS = 16 << 10
SIZE_LIMITS = {"width": (10, 500), "height": (5, 300)}


class BoundedAppService(AppService):
    """An app process started without a shell and ended with its connection."""

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        environment = self._build_environment(width=width, height=height)
        self._process = process = await asyncio.create_subprocess_exec(
            *shlex.split(self.command),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=environment,
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def stop(self) -> None:
        """Ask the app to quit; SIGTERM it if it has not in QUIT_WAIT_S, SIGKILL after
        TERM_WAIT_S more (a busy app never reads the quit: it kept a CPU for minutes)."""
        task, process = self._task, self._process
        if task is None:
            return
        self._task = None
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.send_meta({"type": "quit"}), QUIT_WAIT_S)
        if process is not None:
            await _end(process)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


async def _end(process: Process) -> None:
    """Wait for ``process`` to exit; SIGTERM, then SIGKILL, when it takes too long."""
    for wait_s, step in ((QUIT_WAIT_S, process.terminate), (TERM_WAIT_S, process.kill)):
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(process.wait(), wait_s)
            return
        with contextlib.suppress(ProcessLookupError):
            step()
    await process.wait()


class StudyServer(Server):
    """textual-serve's ``Server`` behind a token, an Origin check and a session cap."""

    def __init__(
        self, command: str, *, host: str, port: int, public_url: str | None, token: str,
        max_sessions: int,
    ) -> None:  # fmt: skip
        super().__init__(command, host=host, port=port, title="studyapp", public_url=public_url)
        self.given_public_url = public_url
        self.token = token
        self.max_sessions = max_sessions
        self.sessions = 0

    async def _make_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_MESSAGE_BYTES)
        loader = jinja2.FileSystemLoader(self.templates_path)
        aiohttp_jinja2.setup(app, loader=loader, autoescape=True)
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/ws/{token}", self.handle_websocket, name="websocket"),
                web.static("/static", self.statics_path, name="static"),
            ]
        )
        app.on_startup.append(self.on_startup)
        return app

    async def on_startup(self, app: web.Application) -> None:
        """Nothing: ``studyapp serve`` has printed its URL (with the token) already."""

    def _refusal(self, request: web.Request, *, websocket: bool) -> web.Response | None:
        """The answer to a request that may not pass, else None."""
        if not host_allowed(request.host, self.host, self.given_public_url):
            return web.Response(status=403, text="studyapp serve: unknown Host\n")
        given = request.match_info.get("token") if websocket else request.query.get("token")
        if not token_matches(given, self.token):
            text = "studyapp serve: open the URL printed when the server started (it has a token)\n"
            return web.Response(status=403, text=text)
        if websocket and not origin_allowed(
            request.headers.get("Origin"), request.host, self.given_public_url
        ):
            return web.Response(status=403, text="studyapp serve: foreign Origin\n")
        return None

    async def handle_index(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
        refused = self._refusal(request, websocket=False)
        if refused is not None:
            return refused
        context = {
            "font_size": _clamp(request.query.get("fontsize"), 16, 6, 64),
            "app_websocket_url": page_websocket_url(
                request.host, request.secure, self.token, self.given_public_url
            ),
            "config": {"static": {"url": "/static/"}},
            "application": {"name": self.title},
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse | web.Response:  # type: ignore[override]
        refused = self._refusal(request, websocket=True)
        if refused is not None:
            return refused
        if self.sessions >= self.max_sessions:
            text = f"studyapp serve: {self.max_sessions} sessions already open\n"
            return web.Response(status=503, text=text)
        self.sessions += 1
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE_BYTES)
        width = _clamp(request.query.get("width"), 80, *SIZE_LIMITS["width"])
        height = _clamp(request.query.get("height"), 24, *SIZE_LIMITS["height"])
        service: BoundedAppService | None = None
        try:
            await websocket.prepare(request)

            async def close() -> None:
                await websocket.close()

            service = BoundedAppService(
                self.command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            await service.start(width, height)
            await self._pump(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # one connection's failure: logged, the server goes on
            log.warning("session ended: %s: %s", type(error).__name__, error)
        finally:
            self.sessions -= 1
            if service is not None:
                await service.stop()
            if not websocket.closed:
                await websocket.close()
        return websocket

    async def _pump(self, websocket: web.WebSocketResponse, service: BoundedAppService) -> None:
        """Browser messages to the app until the connection ends; a malformed message, an
        oversized one (aiohttp closes with 1009) or an app that stops reading ends it."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            envelope = json.loads(message.data)
            if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
                break
            kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
            if kind == "stdin" and isinstance(data, str) and len(data) <= MAX_STDIN_CHARS:
                sent = await asyncio.wait_for(service.send_bytes(data.encode()), STDIN_WAIT_S)
                if not sent:
                    break
            elif kind == "resize" and isinstance(data, dict):
                width = _clamp(data.get("width"), 80, *SIZE_LIMITS["width"])
                height = _clamp(data.get("height"), 24, *SIZE_LIMITS["height"])
                await service.set_terminal_size(width, height)
            elif kind == "ping":
                await websocket.send_json(["pong", data if _is_number(data) else str(data)[:64]])
            elif kind == "blur":
                await service.blur()
            elif kind == "focus":
                await service.focus()
            else:
                break


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _clamp(value: Any, default: int, low: int, high: int) -> int:
    """``value`` as an int in [low, high]; ``default`` when it is not a number."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return max(low, min(high, number))
