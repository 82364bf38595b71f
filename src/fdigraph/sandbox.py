"""Defence in depth: a process that evaluates queries and has no network at all.

The SERVICE check (``fdigraph.protocol``) decides on the text; this makes its mistakes
harmless. On Linux a gunicorn worker moves itself, right after the fork, into a new
network namespace of its own, which holds only a loopback interface that is down: any
socket it opens afterwards has nowhere to go ("Network is unreachable"), even to
127.0.0.1. Sockets it already holds keep the namespace they were made in, so the
listening socket the arbiter bound (TCP with ``--front none``, the Unix socket behind
nginx) keeps accepting. As root ``unshare(CLONE_NEWNET)`` is enough; otherwise a new user
namespace comes with it, which the kernel allows only to a single-threaded process, as
a worker is before gunicorn starts its threads. Elsewhere (macOS, Windows, a kernel or
container that forbids namespaces) nothing is changed and the text check alone holds.
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys
import threading

CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000

# What /health reports for this process: "on", or "off: why".
state = "off: not a worker of fdigraph serve"


def _unshare(flags: int) -> int:
    """libc's unshare(2); 0 or an errno. (Python 3.11 has no os.unshare; 3.12 does.)"""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(ctypes.c_int(flags)) == 0:
        return 0
    return ctypes.get_errno() or errno.EPERM


def _map_self(uid: int, gid: int) -> None:
    """In a new user namespace, keep our own ids (else files look owned by nobody)."""
    for path, text in (
        ("/proc/self/uid_map", f"{uid} {uid} 1"),
        ("/proc/self/setgroups", "deny"),
        ("/proc/self/gid_map", f"{gid} {gid} 1"),
    ):
        try:
            with open(path, "w", encoding="ascii") as out:
                out.write(text)
        except OSError:
            return  # the ids show as nobody's; access is still checked on the real ones


def isolate() -> str:
    """Move this process into a new, empty network namespace; return the new state."""
    global state
    if not sys.platform.startswith("linux"):
        state = f"off: no network namespaces on {sys.platform}"
        return state
    failed = _unshare(CLONE_NEWNET)
    if failed == errno.EPERM:
        if threading.active_count() > 1 or _threads() > 1:
            state = "off: not root, and a user namespace needs a single-threaded process"
            return state
        uid, gid = os.getuid(), os.getgid()
        failed = _unshare(CLONE_NEWUSER | CLONE_NEWNET)
        if not failed:
            _map_self(uid, gid)
    if failed:
        state = f"off: unshare failed ({os.strerror(failed)})"
        return state
    state = "on"
    return state


def _threads() -> int:
    """Threads of this process, native ones included (Linux)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 1


def wanted(allowlist: str, remote: bool) -> str | None:
    """Why the workers must keep the network, or None when they can go without it."""
    if remote:
        return "the store is a remote endpoint"
    if allowlist.split():
        return "FDIGRAPH_SERVICE_ALLOWLIST names endpoints"
    return None


def probe() -> str:
    """Whether :func:`isolate` works here, tried in a short-lived child process."""
    if not sys.platform.startswith("linux"):
        return f"off: no network namespaces on {sys.platform}"
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: try, report, leave without running any cleanup
        try:
            os.write(write, isolate().encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as answer:
        said = answer.read().decode() or "off: the probe died"
    os.waitpid(pid, 0)
    return said
