"""Run one function in a forked child that can neither outlive nor block its parent.

A plain `multiprocessing` fork child inherits every descriptor its parent
holds: the ingest lock (so the kernel cannot release it while the child lives)
and the read end of the child's own result pipe (so the pipe never breaks when
the parent dies, and the child blocks for ever writing its result). A killed
ingest left such children behind, each holding the lock for good.

Here the child keeps only the write end of its pipe and the standard error,
asks the kernel to SIGKILL it when its parent dies (Linux `PR_SET_PDEATHSIG`),
and the parent kills and reaps it on every way out of the wait: the result,
the time limit, Ctrl-C, SIGTERM. A plain fork (rather than spawn or a fork
server) keeps the parent's imports: measured on ../shared/pdf-samples, see
`benchmarks/pdf_bench.py`.
"""

from __future__ import annotations

import ctypes
import gc
import os
import pickle
import select
import signal
import time
from collections.abc import Callable

__all__ = ["run_isolated", "ChildFailed", "ChildCrashed", "ChildTimedOut"]

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


class ChildFailed(Exception):
    """The child raised, or died without a result; the message says how."""


class ChildCrashed(ChildFailed):
    """The child died without a result (a signal, or a crash inside a C extension)."""


class ChildTimedOut(ChildFailed):
    """The child did not finish within its time limit and was killed."""


def run_isolated(function: Callable, *args, timeout: float):
    """`function(*args)` computed in a child process; its (picklable) return value."""
    parent = os.getpid()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which never returns
        child_main(parent, write_end, function, args)
    os.close(write_end)
    try:
        payload = read_until_eof(read_end, deadline=time.monotonic() + timeout)
    finally:
        os.close(read_end)
        kill_and_reap(pid)
    if payload is None:
        raise ChildTimedOut(f"took longer than {timeout:g} s")
    if not payload:
        raise ChildCrashed("the child process died without a result")
    status, value = pickle.loads(payload)
    if status == "error":
        raise ChildFailed(value)
    return value


def read_until_eof(fd: int, *, deadline: float) -> bytes | None:
    """Everything written to the pipe until the child closes it; None past the deadline."""
    chunks = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            return None
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def kill_and_reap(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:  # pragma: no cover - already reaped elsewhere
        return
    os.waitpid(pid, 0)


def child_main(parent: int, write_end: int, function: Callable, args: tuple) -> None:  # pragma: no cover - child
    try:
        detach_from(parent, write_end)
        payload = pickle.dumps(("ok", function(*args)))
    except BaseException as exc:  # noqa: BLE001 - every failure becomes a message for the parent
        detail = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else ""
        payload = pickle.dumps(("error", f"{type(exc).__name__}{': ' + detail if detail else ''}"))
    try:
        view = memoryview(payload)
        while view:
            view = view[os.write(write_end, view) :]
    finally:
        os._exit(0)


def detach_from(parent: int, write_end: int) -> None:  # pragma: no cover - child
    """Die with the parent, and hold nothing of its but the result pipe and stderr.

    The parent's objects are frozen out of garbage collection first: one that
    owned a descriptor closed here would otherwise close whatever reuses its
    number when collected (seen: a pool's pipe closing the result pipe)."""
    gc.freeze()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, signal.SIG_DFL)
    set_parent_death_signal()
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.closerange(3, write_end)
    os.closerange(write_end + 1, os.sysconf("SC_OPEN_MAX"))


def set_parent_death_signal() -> None:  # pragma: no cover - child
    """SIGKILL this process when the thread that forked it dies (Linux only)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the closed descriptors still keep the lock free
        pass
