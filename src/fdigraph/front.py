"""The cache front: nginx in front of gunicorn, answering repeated requests itself.

A build is immutable, so a response is a pure function of the request. Python answers a
repeated request from its per-worker cache in about 0.2 ms, nearly all of it gunicorn's
HTTP handling; nginx answers it from ``proxy_cache`` without reaching Python at all. The
app decides what may be kept: it marks a cacheable 200 with ``X-Accel-Expires`` (which
nginx reads and never forwards), and only when it serves a local store, whose build
cannot change while it runs. nginx ignores every other caching header, so nothing else
is ever kept.

The cache key is what a response can depend on: method, URL, Accept, Accept-Encoding,
Origin, and for the pages their language (cookie and Accept-Language). nginx keeps no
response that sets a cookie, and honours ``Vary`` besides. The app is passed exactly
what the key holds: each of those headers is set from the variable the key reads (one
value, however many copies the client sent), and of the cookies only the language
cookie, found by its exact name as Flask finds it.

The front also owns what a proxy should: slow clients, the access log (with the time
each request took and whether the cache answered it), and errors in the app's own JSON
shape for the requests nginx refuses before gunicorn sees them. gunicorn listens on a
Unix socket in a private run folder; the cache lives there too and goes with it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fdigraph.errors import ConfigError
from fdigraph.headers import CACHE_HEADER, EXPOSED, KEEP_SECONDS, LANG_COOKIE

__all__ = ["CACHE_HEADER", "EXPOSED", "KEEP_SECONDS", "LANG_COOKIE", "MODES", "Front"]

MODES = ("auto", "nginx", "none")
START_SECONDS = 5.0


def find_nginx() -> str | None:
    """nginx on PATH, or where Debian puts it (outside a user's PATH)."""
    found = shutil.which("nginx")
    if found:
        return found
    for candidate in ("/usr/sbin/nginx", "/usr/local/sbin/nginx"):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def choose(mode: str, *, remote: bool) -> str | None:
    """The nginx binary to front the server with, or None to serve from gunicorn alone.

    ``auto`` fronts a local store when nginx is installed; a remote store's data can
    change under it, so ``auto`` leaves it alone. ``nginx`` insists (an error when it is
    missing), ``none`` refuses.
    """
    if mode not in MODES:
        raise ConfigError(f"FRONT must be one of {', '.join(MODES)}, not {mode!r}")
    if mode == "none" or (mode == "auto" and remote):
        return None
    binary = find_nginx()
    if binary is None and mode == "nginx":
        raise ConfigError("FRONT=nginx but nginx is not installed (apt-get install nginx-light)")
    return binary


def _error_body(status: int, code: str, message: str) -> str:
    body = {"ok": False, "status": status, "code": code, "error": message}
    return json.dumps(body, ensure_ascii=False)


# Requests nginx answers itself, in the app's error shape (see fdigraph.web.errors):
# nginx's status -> the status answered (494 is nginx's own, sent as a 400: answered 431
# here, as gunicorn answers a header over its limits), code, message.
_OWN_ERRORS = {
    400: (400, "bad_request", "the request is not valid HTTP"),
    405: (405, "method_not_allowed", "this method is not allowed"),
    # 408, should nginx answer one (a body that stops coming); headers that are too slow
    # (client_header_timeout) it closes unanswered
    408: (408, "request_timeout", "the request did not arrive in time"),
    411: (411, "bad_request", "the request has a body but no Content-Length"),
    413: (413, "payload_too_large", "the request body is larger than {limit} bytes"),
    414: (
        414,
        "bad_request",
        "the request line is longer than {line} bytes; send the query by POST",
    ),
    494: (
        431,
        "header_too_large",
        "the request's headers are too large: a header line over {line} bytes, "
        "or all of them over {headers} bytes",
    ),
    500: (500, "internal_error", "internal error in the front; it has been logged"),
    501: (
        501,
        "not_implemented",
        "the Transfer-Encoding is not supported; send chunked or a Content-Length",
    ),
    502: (502, "upstream_unavailable", "the server is starting or restarting; try again"),
    504: (504, "upstream_timeout", "the server took too long to answer"),
    505: (505, "bad_request", "the HTTP version is not supported; send HTTP/1.1"),
}
HEADER_BUFFERS = 8  # large_client_header_buffers: this many of the request line's size


def _nginx_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


@dataclass
class Front:
    """One nginx master process (one worker) in front of gunicorn's Unix socket."""

    binary: str
    host: str
    port: int
    timeout: float
    max_body: int
    cors: str = "*"
    run_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="fdigraph-")))
    process: subprocess.Popen[bytes] | None = None
    header_timeout: float = 10.0  # seconds for a request's headers, then 408
    quitting: bool = False  # told to stop taking connections (:meth:`quit`)

    @property
    def socket(self) -> Path:
        return self.run_dir / "app.sock"

    @property
    def bind(self) -> str:
        """What gunicorn binds to."""
        return f"unix:{self.socket}"

    def config(self) -> str:
        run = self.run_dir
        line_bytes = 1024 * 1024
        user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        errors = []
        for own, (status, code, message) in sorted(_OWN_ERRORS.items()):
            text = message.format(
                limit=self.max_body,
                line=line_bytes,
                headers=HEADER_BUFFERS * line_bytes,
            )
            errors.append(
                f"    location = /_fdigraph_error_{own} {{\n"
                f"      internal;\n"
                f"      default_type 'application/json; charset=utf-8';\n"
                "      add_header Access-Control-Allow-Origin $fdigraph_cors always;\n"
                f"      add_header Access-Control-Expose-Headers {_nginx_string(EXPOSED)} always;\n"
                "      add_header Vary $fdigraph_vary always;\n"
                f"      return {status} {_nginx_string(_error_body(status, code, text) + chr(10))};\n"
                f"    }}\n"
            )
        # "=status": an error page keeps nginx's status unless told (494 goes out as 431)
        pages = "\n    ".join(
            f"error_page {own} ={status} /_fdigraph_error_{own};"
            for own, (status, _, _) in sorted(_OWN_ERRORS.items())
        )
        temp = "\n".join(
            f"  {kind}_temp_path {run / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        return f"""# written by fdigraph serve; see fdigraph/front.py
# One worker: with two, a third identical request on another connection sometimes came
# while the second's answer was still being stored (a miss), cold queries lost ~5 %,
# and only ASK {{}} with 8 clients gained (93k -> 104k a second).
{user}worker_processes 1;
daemon off;
master_process on;
pid {run / "nginx.pid"};
error_log stderr warn;
events {{ worker_connections 4096; }}
http {{
  server_tokens off;
  # cache hits: keep their files open (a kept file never changes); small answers go out
  # faster read and written in one go than by sendfile (8 clients: 74k -> 91k ASK {{}} a second)
  open_file_cache max=4096 inactive=60s;
  open_file_cache_valid 3600s;
  sendfile off;
  log_format fdigraph '$remote_addr "$request" $status $body_bytes_sent '
                      '${{request_time}}s cache=$upstream_cache_status';
  access_log /dev/stderr fdigraph buffer=16k flush=1s;
{temp}
  proxy_cache_path {run / "cache"} levels=1:2 keys_zone=fdigraph:16m max_size=1g
                   inactive=7d use_temp_path=off;
{self._cors_map()}
  # The language cookie as Flask reads it: the first cookie named exactly {LANG_COOKIE}
  # (nginx's $cookie_ variable would match its name in any case). The app is passed this
  # one cookie and no other (it reads no other), so it reads what the key holds.
  map $http_cookie $fdigraph_cookie {{
    "~(?:^|;)[ \\t]*{LANG_COOKIE}=(?<fdigraph_lang_value>[^;]*)" "{LANG_COOKIE}=$fdigraph_lang_value";
    default '';
  }}
  # HTTP/1.0 may come without Host: the app then builds its links (VoID's endpoint, the
  # service description) on the address it listens at, not on an empty host
  map $http_host $fdigraph_host {{
    "" "{host}:{self.port}";
    default $http_host;
  }}
  # pages are written in the language of ?lang=, the cookie, or Accept-Language
  map $uri $fdigraph_lang {{
    /sparql '';
    default "$fdigraph_cookie|$http_accept_language";
  }}
  upstream fdigraph_app {{
    server unix:{self.socket};
    keepalive 32;
  }}
  server {{
    listen {host}:{self.port} backlog=1024;
    client_max_body_size {max(self.max_body, 1)};
    client_body_buffer_size 1m;
    # the request line and each header line up to 1 MB, all of them up to 8 MB (494,
    # answered 431); gunicorn behind holds a header line to 8190 bytes and 100 of them
    large_client_header_buffers {HEADER_BUFFERS} {line_bytes};
    # a client has this long to send its headers (408 after), as without nginx
    client_header_timeout {max(1, round(self.header_timeout))}s;
    keepalive_requests 100000;
    {pages}
    location / {{
      proxy_pass http://fdigraph_app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $fdigraph_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      # What the key holds is exactly what the app is passed. A header the client sent
      # twice is one value to nginx ($http_accept: the first copy; nginx 1.23 and later
      # join them) but all copies joined to Werkzeug, so `Accept: */*` then
      # `Accept: text/csv` would keep a CSV answer for every `Accept: */*`. Each header
      # the key reads is therefore set here from the very variable the key reads, which
      # drops every copy the client sent (an empty value: none is passed, as in the key).
      proxy_set_header Accept $http_accept;
      proxy_set_header Accept-Encoding $http_accept_encoding;
      proxy_set_header Accept-Language $http_accept_language;
      proxy_set_header Origin $http_origin;
      proxy_set_header Cookie $fdigraph_cookie;
      # gunicorn trusts these from its Unix socket and would change the scheme the app
      # writes into IRIs; the key holds $scheme, which X-Forwarded-Proto carries
      proxy_set_header X-Forwarded-Ssl "";
      proxy_set_header X-Forwarded-Protocol "";
      proxy_read_timeout {int(self.timeout) + 30}s;
      proxy_send_timeout {int(self.timeout) + 30}s;
      proxy_redirect off;
      proxy_cache fdigraph;
      proxy_cache_methods GET HEAD;
      proxy_cache_key "$request_method $scheme://$fdigraph_host$request_uri|$http_accept|$http_accept_encoding|$http_origin|$fdigraph_lang";
      # the key holds all that a kept answer varies by, so Vary need not be checked again
      proxy_ignore_headers Cache-Control Expires Vary;
      # kept from the second identical request on: a one-off query never costs a file
      # write (measured: cold lookups 1,220 -> 1,560/s with one client)
      proxy_cache_min_uses 2;
      add_header Fdigraph-Cache $upstream_cache_status always;
    }}
{"".join(errors)}  }}
}}
"""

    def _cors_map(self) -> str:
        """Access-Control-Allow-Origin for nginx's own errors, as the app sets it."""
        origins = self.cors.split()
        if "*" in origins:
            return (
                "  map $http_origin $fdigraph_cors { default '*'; }\n"
                "  map $http_origin $fdigraph_vary { default ''; }"
            )
        lines = "".join(f"    {_nginx_string(o)} $http_origin;\n" for o in origins)
        # one origin allowed: the only one a browser could accept, so named without an
        # Origin too, as gunicorn names it for a request it could not parse (fdigraph.worker)
        default = _nginx_string(origins[0]) if len(origins) == 1 else "''"
        return (
            f"  map $http_origin $fdigraph_cors {{\n    default {default};\n{lines}  }}\n"
            "  map $http_origin $fdigraph_vary { default 'Origin'; }"
        )

    def start(self) -> Front:
        """Write the config, check it, and start nginx; an error says why it failed."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.run_dir.chmod(0o755)  # nginx's worker (nobody, when run as root) reads it
        conf = self.run_dir / "nginx.conf"
        conf.write_text(self.config(), encoding="utf-8")
        argv = [self.binary, "-p", str(self.run_dir), "-c", str(conf), "-e", "stderr"]
        check = subprocess.run([*argv, "-t", "-q"], capture_output=True, text=True)
        if check.returncode != 0:
            self.stop()
            raise ConfigError(f"nginx refused its configuration: {check.stderr.strip()}")
        pid_file = self.run_dir / "nginx.pid"
        pid_file.unlink(missing_ok=True)  # `nginx -t` leaves one behind
        self.process = subprocess.Popen(argv, preexec_fn=_die_with_parent)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code is not None:
                self.stop()
                raise ConfigError(
                    f"nginx stopped at start (exit {code}); "
                    f"is {self.host}:{self.port} already in use?"
                )
            # nginx writes its pid only once it holds the port
            with contextlib.suppress(OSError):
                if pid_file.read_text().strip() == str(self.process.pid):
                    return self
            time.sleep(0.02)
        self.stop()
        raise ConfigError(
            f"nginx did not start listening on {self.host}:{self.port} in {START_SECONDS:g} s; "
            f"is the port already in use?"
        )

    def watch(self, on_exit: Callable[[], None]) -> None:
        """Call ``on_exit()`` from a thread if nginx ends before :meth:`stop`."""
        process = self.process
        if process is None:
            return

        def wait() -> None:
            process.wait()
            if self.process is process and not self.quitting:  # not stopped by us
                on_exit()

        threading.Thread(target=wait, name="fdigraph-front-watch", daemon=True).start()

    def quit(self) -> None:
        """Stop taking connections now and finish those it has (nginx's graceful quit).

        Sent when the server is told to stop: new clients are refused by the system at
        once, where they used to be let in and answered 502 while gunicorn drained.
        """
        self.quitting = True
        process = self.process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGQUIT)

    def stop(self, grace: float = 10.0) -> None:
        """Graceful stop (SIGQUIT: finish what is in flight), then remove the run folder.

        nginx runs in a process group of its own, which is emptied at the end: a master
        that died without stopping its workers (SIGKILL) leaves them holding the port.
        """
        process, self.process = self.process, None
        if process is not None:
            if process.poll() is None:
                process.send_signal(signal.SIGQUIT)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(grace)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                process.wait()
        shutil.rmtree(self.run_dir, ignore_errors=True)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """A process group of nginx's own (a terminal's Ctrl-C reaches fdigraph, which stops
    it in order), and on Linux SIGTERM to nginx if fdigraph dies without stopping it."""
    os.setpgid(0, 0)
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
