"""The load-sharing board of the gunicorn workers and the one-line access log."""

from __future__ import annotations

import datetime
import logging
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest

from fdigraph.worker import AccessLogger, Board


def test_a_worker_accepts_only_while_no_other_holds_fewer() -> None:
    board = Board(2)
    me, other = board.claim(os.getpid()), board.claim(os.getppid())
    assert me != other
    board.publish(me, 3)
    board.publish(other, 1)
    assert board.fewest(me) == 1  # I hold more: stop accepting
    assert board.fewest(other) == 3  # it holds fewer: keep accepting
    board.release(other)
    assert board.fewest(me) == 1 << 30  # alone: accept


def test_slots_of_dead_workers_are_reused() -> None:
    board = Board(1)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    assert board.claim(os.getpid()) == 0
    assert board.claim(dead.pid) == 1
    assert board.claim(os.getppid()) == 1  # the dead worker's slot is taken again
    assert board.fewest(0) == 0  # a live worker with no connections is counted


def test_access_line_has_the_time_the_request_took(caplog: pytest.LogCaptureFixture) -> None:
    cfg = SimpleNamespace(
        accesslog="-",
        logconfig=None,
        logconfig_dict={},
        logconfig_json=None,
        syslog=False,
        disable_redirect_access_to_syslog=False,
        errorlog="-",
        loglevel="info",
        capture_output=False,
        access_log_format="",
        logconfig_default=None,
        dogstatsd_tags="",
        statsd_host=None,
        user=os.getuid(),
        group=os.getgid(),
        umask=0,
        syslog_addr=None,
        syslog_prefix=None,
        syslog_facility="user",
        enable_stdio_inheritance=False,
    )
    log = AccessLogger.__new__(AccessLogger)
    log.cfg = cfg
    log.access_log = logging.getLogger("fdigraph-test-access")
    log._access_log_enabled = True
    environ = {
        "REMOTE_ADDR": "127.0.0.1",
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/sparql?query=ASK%7B%7D",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    response = SimpleNamespace(status="200 OK", sent=42)
    with caplog.at_level(logging.INFO, logger="fdigraph-test-access"):
        log.access(response, None, environ, datetime.timedelta(microseconds=12345))
    assert caplog.messages == ['127.0.0.1 "GET /sparql?query=ASK%7B%7D HTTP/1.1" 200 42 12.3ms']
