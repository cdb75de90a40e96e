"""One FastAPI server: the JSON API, the Gradio chat UI (`/`, `/embed`), the widget and the web component.

    python -m app serve --allow-origin https://intranet.example   # calls serve() below

Cross-origin access is an explicit allow-list: the `--allow-origin` values plus `DOCQA_ALLOW_ORIGINS`
(comma-separated). Requests whose `Origin` is neither on it nor the server's own are refused with 403,
CORS headers go only to listed origins, and only listed origins may frame the UI.
Gradio is imported lazily (it takes seconds), so `python -m app ask` never pays for it.
"""
from __future__ import annotations

import os
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse
from pydantic import BaseModel, Field, field_validator
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from app.settings import MAX_QUESTION_CHARS

STATIC_DIR = Path(__file__).resolve().parent / "static"
ORIGINS_ENV = "DOCQA_ALLOW_ORIGINS"
MAX_BODY_BYTES = 256 * 1024        # a question plus a long chat history fits easily
MAX_HISTORY_TURNS = 200
MAX_TURN_CHARS = 20_000
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def _encodable(value: str) -> str:
    """Refuse strings with lone surrogates (valid JSON escapes, but not text): the tokenizer would crash on them."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("is not valid Unicode text (it contains a lone surrogate)") from None
    return value


class Turn(BaseModel):
    """One message of the chat history (Gradio's messages format)."""

    role: Literal["user", "assistant"]
    content: str = Field(max_length=MAX_TURN_CHARS)

    _text = field_validator("content")(_encodable)


class AskRequest(BaseModel):
    """The body of POST /api/ask."""

    question: str = Field(description=f"the question, 1-{MAX_QUESTION_CHARS} characters",
                          examples=["What was the turnout in the largest district?"])
    history: list[Turn] = Field(default_factory=list, max_length=MAX_HISTORY_TURNS,
                                description="earlier turns of this chat, oldest first, for follow-up questions")

    _text = field_validator("question")(_encodable)


def allowed_origins(explicit: list[str] | None = None) -> list[str]:
    """The cross-origin allow-list: explicit origins plus DOCQA_ALLOW_ORIGINS, normalised, deduplicated."""
    raw = list(explicit or []) + os.environ.get(ORIGINS_ENV, "").split(",")
    origins: list[str] = []
    for item in raw:
        origin = normalise_origin(item)
        if origin and origin not in origins:
            origins.append(origin)
    return origins


def normalise_origin(value: str) -> str | None:
    """`scheme://host[:port]` as a browser sends it in `Origin`; None for blank input, ValueError for a non-origin."""
    value = value.strip().rstrip("/")
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an origin (want scheme://host[:port]): {value!r}")
    return f"{parts.scheme}://{parts.netloc}".lower()


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


@dataclass
class OriginGuard:
    """ASGI middleware: refuse cross-origin requests from origins not on the list, and limit who may frame us."""

    app: ASGIApp
    origins: list[str]
    hosts: list[str] | None = None     # accepted Host names (None: any); stops DNS rebinding of a loopback server
    max_body: int = MAX_BODY_BYTES
    frame_ancestors: str = field(init=False)

    def __post_init__(self) -> None:
        self.frame_ancestors = " ".join(["'self'", *self.origins])

    def allows(self, origin: str, host: str | None, scheme: str) -> bool:
        """The server's own origin and the listed ones are allowed."""
        return origin in self.origins or (host is not None and origin == f"{scheme}://{host}".lower())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        origin = headers.get("origin")
        scheme = "https" if scope.get("scheme") in ("https", "wss") else "http"
        if self.hosts is not None and urlsplit("//" + headers.get("host", "")).hostname not in self.hosts:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            await _error(400, f"this server does not answer to the host name {headers.get('host', '')!r}")(
                scope, receive, send)
            return
        if origin is not None and not self.allows(origin.lower(), headers.get("host"), scheme):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            response = _error(403, f"origin {origin} is not allowed to use this server; "
                                   f"start it with --allow-origin {origin} to allow it")
            await response(scope, receive, send)
            return
        length = headers.get("content-length", "")
        if scope["type"] == "http" and length.isdigit() and int(length) > self.max_body \
                and scope["path"].startswith("/api/"):
            await _error(413, f"the request body is over {self.max_body:,} bytes")(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                extra = [(b"content-security-policy", f"frame-ancestors {self.frame_ancestors}".encode()),
                         (b"x-content-type-options", b"nosniff"),
                         (b"referrer-policy", b"strict-origin-when-cross-origin")]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


@dataclass
class JsonNotFound:
    """ASGI middleware: a 404 that is not already our JSON error (Gradio's, Starlette's) becomes one."""

    app: ASGIApp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        held: dict | None = None
        body = b""

        async def send_json_404(message: dict) -> None:
            nonlocal held, body
            if message["type"] == "http.response.start" and message["status"] == 404:
                held = message
                return
            if held is None:
                await send(message)
                return
            body += message.get("body", b"")
            if message.get("more_body"):
                return
            if body.startswith(b'{"error":'):
                await send(held)
                await send({"type": "http.response.body", "body": body})
            else:
                await _error(404, f"not found: {scope['path']}")(scope, receive, send)

        await self.app(scope, receive, send_json_404)


def create_app(engine, allow_origins: list[str] | None = None, *, ui: bool = True,
               allowed_hosts: list[str] | None = None) -> FastAPI:
    """The whole server as an ASGI app: API, widget, web component files and (unless ui=False) the Gradio UI.

    allowed_hosts limits the Host header names answered (None: any); serve() sets it for loopback binds.
    """
    from app.engine import QuestionError, check_question

    origins = allowed_origins(allow_origins)
    api = FastAPI(title="docqa", version="0.1.0",
                  description="Questions answered from the documents, with cited passages. "
                              "POST /api/ask returns the answer contract (DESIGN.md).")
    api.state.engine = engine
    api.state.allow_origins = origins

    @api.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return _error(400, "the request body is not valid JSON")
        problems = []
        for e in errors:
            where = ".".join(str(p) for p in e.get("loc", ()) if p != "body") or "body"
            problems.append(f"{where}: {e.get('msg', 'invalid')}")
        return _error(422, "invalid request: " + "; ".join(problems),
                      detail=[{"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")}
                              for e in errors])

    @api.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = "not found: " + request.url.path if exc.status_code == 404 else str(exc.detail)
        return JSONResponse({"error": message}, status_code=exc.status_code, headers=exc.headers)

    @api.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> JSONResponse:
        return _error(500, "internal error: the server could not answer; the log has the details")

    @api.exception_handler(QuestionError)
    async def bad_question(request: Request, exc: QuestionError) -> JSONResponse:
        return _error(422, f"invalid question: {exc}")

    @api.post("/api/ask", tags=["api"], summary="Answer a question from the documents")
    def ask(body: AskRequest) -> dict:
        """The answer contract: answer, short_answer, kind, confidence, citations, computation, notes."""
        question = check_question(body.question)
        return engine.ask(question, [t.model_dump() for t in body.history])

    @api.api_route("/api/ask", methods=["GET", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    def ask_wrong_method(request: Request) -> JSONResponse:
        return JSONResponse({"error": f"{request.method} is not allowed here; POST a JSON body "
                                      '{"question": "...", "history": [...]}'}, status_code=405,
                            headers={"Allow": "POST"})

    @api.get("/api/health", tags=["api"], summary="What index is loaded")
    def health() -> dict:
        """Documents, chunks, tables, model and build time of the loaded index."""
        return engine.health()

    @api.get("/api/documents/{doc}", tags=["api"], summary="The full text of a document")
    def document(doc: str) -> dict:
        """The original text of a document; citation start/end offsets point into it."""
        try:
            return {"doc": doc, "text": engine.document_text(doc)}
        except KeyError:
            return _error(404, f"no document named {doc!r}")

    @api.get("/widget.js", include_in_schema=False)
    def widget() -> FileResponse:
        return FileResponse(STATIC_DIR / "widget.js", media_type="text/javascript",
                            headers={"Cache-Control": "no-cache"})

    _serve_web_component(api)
    if ui:
        _mount_ui(api, engine)
    else:
        @api.get("/", include_in_schema=False)
        def root() -> RedirectResponse:
            return RedirectResponse("/docs")

    api.add_middleware(JsonNotFound)
    api.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST", "OPTIONS"],
                       allow_headers=["content-type"], allow_credentials=False, max_age=600)
    api.add_middleware(OriginGuard, origins=origins, hosts=allowed_hosts)
    return api


def _serve_web_component(api: FastAPI) -> None:
    """Serve Gradio's packaged `gradio.js` and its `/assets` from this server, so `<gradio-app>` needs no CDN."""
    import importlib.util

    from fastapi.staticfiles import StaticFiles

    spec = importlib.util.find_spec("gradio")
    frontend = Path(spec.origin).parent / "templates" / "frontend" if spec and spec.origin else None
    if frontend is None or not (frontend / "gradio.js").is_file():
        return

    @api.get("/gradio.js", include_in_schema=False)
    def gradio_js() -> FileResponse:
        return FileResponse(frontend / "gradio.js", media_type="text/javascript")

    api.mount("/assets", StaticFiles(directory=frontend / "assets"), name="gradio-assets")


def _mount_ui(api: FastAPI, engine) -> None:
    """Mount the compact chat at /embed and the full chat at /."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    from app import ui

    common = dict(ssr_mode=False, pwa=False, mcp_server=False, theme=ui.theme(), css=ui.CSS)
    gr.mount_gradio_app(api, ui.build_ui(engine, compact=True), path="/embed", footer_links=[], **common)
    gr.mount_gradio_app(api, ui.build_ui(engine), path="/", footer_links=["api"], **common)


@dataclass
class RunningServer:
    """A uvicorn server running in a background thread; stop() shuts it down."""

    url: str
    server: Any
    thread: threading.Thread

    def stop(self, timeout: float = 10) -> None:
        """Ask uvicorn to exit and wait for the thread."""
        self.server.should_exit = True
        self.thread.join(timeout)


def run_in_thread(app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> RunningServer:
    """Serve an app from a background thread (port 0: a free one) and return once it accepts connections."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=2))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="docqa-server")
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.02)
    return RunningServer(f"http://{host}:{sock.getsockname()[1]}", server, thread)


def serve(host: str = "127.0.0.1", port: int = 7860, allow_origins: list[str] | None = None,
          index_dir=None, docs_dir=None, backend: str | None = None) -> None:
    """Load (or build) the index and serve the UI, API and widget until interrupted."""
    import uvicorn

    from app.engine import Engine

    own = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    origins = allowed_origins(allow_origins)
    engine = Engine.open(index_dir, docs_dir, backend=backend)
    loopback = host in LOOPBACK_HOSTS
    app = create_app(engine, origins, allowed_hosts=list(LOOPBACK_HOSTS) if loopback else None)
    print(f"docqa: chat UI on {own}/  (API docs {own}/docs, widget {own}/widget.js)", file=sys.stderr)
    print(f"docqa: cross-origin allowed for: {', '.join(origins) or 'none (own origin only)'}", file=sys.stderr)
    uvicorn.run(app, host=host, port=port, log_level="info", timeout_graceful_shutdown=3)
