"""The real thing for tests and benchmarks: gunicorn workers on 127.0.0.1, and a browser-like client.

The client keeps one keep-alive connection and its own cookies, reads the CSRF
token from each form as a browser would, and never follows redirects, so a test
sees the 302 that means "saved".
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

REPO_ROOT = Path(__file__).resolve().parents[2]
GUNICORN = REPO_ROOT / ".venv" / "bin" / "gunicorn"
_TOKEN = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"|value="([^"]+)"[^>]*?name="csrf_token"')
_VERSION = re.compile(r'name="version"[^>]*?value="(\d+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """``with Gunicorn(database_url) as server:`` serves wsgi:app until the block ends."""

    def __init__(
        self,
        database_url: str,
        *,
        workers: int = 2,
        secret_key: str = "live-server-secret-key",
        extra_env: dict | None = None,
        timeout: float = 30.0,
    ):
        self.database_url = database_url
        self.workers = workers
        self.port = free_port()
        self.secret_key = secret_key
        self.extra_env = extra_env or {}
        self.timeout = timeout
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Gunicorn:
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": self.secret_key,
            "SCORING_ENV": "development",
            "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            **self.extra_env,
        }
        env.pop("FLASK_DEBUG", None)
        self.process = subprocess.Popen(
            [
                str(GUNICORN),
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                "--error-logfile",
                "-",
                "wsgi:app",
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.output()}")
            try:
                if WebClient(self.port).get("/sign-in").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not answer within {self.timeout} s:\n{self.output()}")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-20_000:]


class Reply:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes, seconds: float):
        self.status = status
        self.headers = headers
        self.body = body
        self.seconds = seconds

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    def csrf_token(self) -> str:
        match = _TOKEN.search(self.text)
        if not match:
            raise AssertionError(f"No csrf_token in the page (status {self.status})")
        return match.group(1) or match.group(2)

    def version(self) -> int:
        match = _VERSION.search(self.text)
        if not match:
            raise AssertionError(f"No version field in the page (status {self.status})")
        return int(match.group(1))


class WebClient:
    """One user's browser: a keep-alive connection to 127.0.0.1 and a cookie jar."""

    def __init__(self, port: int, *, timeout: float = 60.0):
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self._connection: http.client.HTTPConnection | None = None

    def _request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Reply:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self._connection is None:
                self._connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            started = time.perf_counter()
            try:
                self._connection.request(method, path, body=body, headers=headers)
                response = self._connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The worker closed an idle keep-alive connection: reconnect once, as browsers do.
                self._connection.close()
                self._connection = None
                if attempt == 2:
                    raise
                continue
            seconds = time.perf_counter() - started
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                for name, morsel in cookie.items():
                    if (morsel["expires"] and "1970" in morsel["expires"]) or morsel["max-age"] == "0":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            if response.getheader("Connection", "").lower() == "close":
                self._connection.close()
                self._connection = None
            return Reply(response.status, response.headers, data, seconds)
        raise AssertionError("unreachable")

    def get(self, path: str) -> Reply:
        return self._request("GET", path)

    def post(self, path: str, data: dict) -> Reply:
        return self._request(
            "POST", path, urlencode(data).encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        )

    def sign_in(self, email: str, password: str) -> Reply:
        token = self.get("/sign-in").csrf_token()
        reply = self.post("/sign-in", {"email": email, "password": password, "csrf_token": token})
        if reply.status != 302:
            raise AssertionError(f"Sign-in as {email} gave {reply.status}")
        return reply

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
