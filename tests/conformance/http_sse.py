"""HTTP and SSE for the conformance scenario, standard library only.

Why not a client library: framing faults (a cut connection, a missing blank
line, named events, multi-line data) must be seen exactly as the server sent
them, and every read must be bounded so that a hanging server becomes a FAIL
instead of a hanging harness.
"""

from __future__ import annotations

import http.client
import json
import re
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MAX_BODY = 32 * 1024 * 1024


def short(value: Any, limit: int = 160) -> str:
    """A JSON-ish excerpt for FAIL details."""
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"), default=str)
    return text if len(text) <= limit else text[:limit] + "..."


# ---------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------


@dataclass
class Reply:
    status: int | None = None
    content_type: str = ""
    body: bytes = b""
    error: str | None = None  # the answer did not arrive completely (timeout, cut connection...)
    seconds: float = 0.0

    @property
    def mime(self) -> str:
        return self.content_type.split(";")[0].strip().lower()

    def excerpt(self, limit: int = 200) -> str:
        return short(self.body.decode("utf-8", "replace"), limit) if self.body else "<empty body>"


class Client:
    """POSTs bodies to the endpoint; every read is bounded so a hanging server is a FAIL, not a hang."""

    def __init__(
        self,
        url: str,
        headers: dict[str, str],
        timeout: float,
        stream_timeout: float,
        check_request: Callable[[dict[str, Any]], list[str]] = lambda request: [],
    ) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        self.https = parts.scheme == "https"
        self.host = parts.hostname
        self.port = parts.port or (443 if self.https else 80)
        self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.headers = headers
        self.timeout = timeout
        self.stream_timeout = stream_timeout
        self.check_request = check_request

    def send(self, request: dict[str, Any], stream: bool = False) -> Reply:
        """POST a protocol request; the harness's own requests are validated first."""
        problems = self.check_request(request)
        if problems:
            raise AssertionError(f"harness bug: invalid {request.get('type')} request: {problems}")
        return self.post(json.dumps(request).encode(), stream)

    def post(self, body: bytes, stream: bool = False) -> Reply:
        limit = self.stream_timeout if stream else self.timeout
        started = time.monotonic()
        conn_cls = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
        conn = conn_cls(self.host, self.port, timeout=min(self.timeout, limit))
        reply = Reply()
        try:
            conn.request("POST", self.path, body=body, headers={"Content-Type": "application/json", **self.headers})
            sock = conn.sock  # kept: http.client may drop conn.sock once the response owns it
            response = conn.getresponse()
            reply.status = response.status
            reply.content_type = response.getheader("Content-Type", "")
            self._read_body(response, sock, started + limit, reply)
        except TimeoutError:
            reply.error = f"no complete answer within {limit:g} s"
        except http.client.IncompleteRead:
            reply.error = "connection closed before the body was complete"
        except (OSError, http.client.HTTPException, ValueError) as exc:
            reply.error = f"{type(exc).__name__}: {exc}"
        finally:
            conn.close()
            reply.seconds = time.monotonic() - started
        return reply

    def _read_body(self, response: http.client.HTTPResponse, sock: Any, deadline: float, reply: Reply) -> None:
        body = bytearray()
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                sock.settimeout(min(self.timeout, left))
                chunk = response.read1(65536)
                if not chunk:
                    break
                body += chunk
                if len(body) > MAX_BODY:
                    raise ValueError(f"answer larger than {MAX_BODY} bytes")
            if not response.chunked and response.length:
                raise http.client.IncompleteRead(bytes(body), response.length)
        finally:
            reply.body = bytes(body)


# ---------------------------------------------------------------------------
# SSE
# ---------------------------------------------------------------------------

LINE_END = re.compile(r"\r\n|\r|\n")  # not str.splitlines: JSON may hold U+2028 unescaped


@dataclass
class Sse:
    events: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def parse_sse(body: bytes) -> Sse:
    """Parse a complete text/event-stream body the way the protocol uses it (spec 1.5).

    Only unnamed events made of one `data:` line holding one JSON object are
    allowed; comment lines are fine; the last event must end with a blank line.
    """
    out = Sse()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        out.problems.append("stream is not valid UTF-8")
        text = body.decode("utf-8", "replace")
    lines = LINE_END.split(text.removeprefix("\ufeff"))
    if lines[-1] != "":
        out.problems.append(f"stream ends inside a line: {short(lines[-1], 80)!r}")
    data: list[str] = []
    for line in lines[:-1]:
        if line == "":
            if data:
                _dispatch(data, out)
            data = []
        elif line.startswith(":"):
            continue  # a comment / keep-alive
        else:
            name, _, value = line.partition(":")
            if name == "data":
                data.append(value.removeprefix(" "))
            else:
                out.problems.append(f"SSE field {name!r} (the protocol only sends unnamed 'data:' events)")
    if data:
        out.problems.append("the last event is not terminated by a blank line (a client drops it)")
    if not out.events:
        out.problems.append("no events at all")
    return out


def _dispatch(data: list[str], out: Sse) -> None:
    n = len(out.events)
    if len(data) > 1:
        out.problems.append(f"event {n} spans {len(data)} data lines (one compact JSON line expected)")
    try:
        value = json.loads("\n".join(data))
    except json.JSONDecodeError as exc:
        out.problems.append(f"event {n} is not JSON ({exc})")
        return
    if not isinstance(value, dict):
        out.problems.append(f"event {n} is not a JSON object: {short(value, 60)}")
        return
    out.events.append(value)
