"""Serve the app from several worker processes that share one loaded index and its models.

    serve(create_app(settings), host="127.0.0.1", port=8000, workers=2)

The parent loads the index and the models (`api.main.preload`), opens one
listening socket per worker on the same port (SO_REUSEPORT) and forks the
workers; each serves its socket from its own event loop, and the
memory the parent filled (model weights, the index's records) stays shared
until a worker writes to it: `gc.freeze` keeps the collector from touching it,
and the index's arrays are mapped from its files anyway (ingest/store.py). Each
worker watches the index itself and loads a new build when a re-ingest switches
it, as a single process does. uvicorn's own `--workers` starts each worker
afresh (spawn), which loads everything once per worker.

One socket each rather than one shared: the kernel then spreads new
connections over the workers, where on a shared socket the first worker to wake
accepts every connection waiting (asyncio accepts up to the backlog at once) and
keeps them, with keep-alive, for good: under 32 clients arriving together one
of two workers answered 860 of 1,004 questions.

Forking a loaded process is safe here because no loaded model has work in other
threads at the fork: the ONNX sessions run in the calling thread (one intra-op
thread, no pool), FAISS on one OpenMP thread; what other threads there are
(tqdm's monitor, the BLAS libraries' idle pools) the workers do not wait on.
Another backend that holds a connection (a database client) would have to
open it after the fork. The parent only supervises: a worker that dies is replaced; SIGTERM or
SIGINT stops them all, each finishing its requests in flight.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import socket
import sys
import time

import uvicorn
from fastapi import FastAPI

from api.main import preload

__all__ = ["serve"]

log = logging.getLogger("uvicorn.error")  # the supervisor's lines, among uvicorn's and in its format
QUICK_DEATH_S = 10.0  # a worker that dies sooner than this after its start counts towards giving up
MAX_QUICK_DEATHS = 5
BACKLOG = 2048  # uvicorn's


def serve(app: FastAPI, *, host: str, port: int, workers: int = 1, log_level: str = "info", access_log: bool = False) -> None:
    """Serve until SIGTERM or SIGINT. One worker: in this process, no fork."""
    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=access_log, lifespan="on")
    if workers <= 1:
        uvicorn.Server(config).run()
        return
    preload(app)
    sockets = listening_sockets(host, port, workers)
    log.info("serving on http://%s:%d with %d workers", host, port, workers)
    gc.collect()
    gc.freeze()  # what is loaded now stays out of the collector's way: its pages stay shared
    Supervisor(app, config, sockets).run()


def listening_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    """`count` sockets listening on host:port (SO_REUSEPORT: the kernel balances connections
    among them). A port already served is refused first: SO_REUSEPORT alone would share
    it with another server that set it too."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
        # IPPROTO_TCP named: asyncio sets TCP_NODELAY only on connections of a socket that says
        # so, and without it a response's header and body writes met the client's delayed
        # ACK: 40 ms a request
        sockets = [socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP) for _ in range(count)]
        for sock in sockets:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((host, port))
            sock.listen(BACKLOG)
    except OSError as exc:
        log.error("cannot listen on %s:%d: %s", host, port, exc)
        raise SystemExit(1) from exc
    return sockets


class Supervisor:
    """Forks a worker per socket and keeps one alive on each."""

    def __init__(self, app: FastAPI, config: uvicorn.Config, sockets: list[socket.socket]) -> None:
        self.app, self.config, self.sockets = app, config, sockets
        self.slots: dict[int, tuple[int, float]] = {}  # pid -> (slot, started)
        self.stopping = False
        self.quick_deaths = 0
        for slot in range(len(sockets)):
            self.fork(slot)

    def fork(self, slot: int) -> None:
        sys.stdout.flush(), sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            run_worker(self.app, self.config, self.sockets[slot], slot)
        self.slots[pid] = (slot, time.monotonic())
        log.info("worker %d started (pid %d)", slot, pid)

    def stop(self, signum: int, frame) -> None:
        self.stopping = True
        for pid in self.slots:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        while self.slots:
            pid, status = os.wait()  # restarted after a signal's handler ran (PEP 475)
            slot, started = self.slots.pop(pid, (None, 0.0))
            if slot is None or self.stopping:
                continue
            self.replace(slot, pid, status, time.monotonic() - started)
        for sock in self.sockets:
            sock.close()
        if self.quick_deaths > MAX_QUICK_DEATHS:
            raise SystemExit(1)

    def replace(self, slot: int, pid: int, status: int, lived: float) -> None:
        log.error("worker %d (pid %d) died (%s) after %.0f s; starting another", slot, pid, describe_exit(status), lived)
        self.quick_deaths = self.quick_deaths + 1 if lived < QUICK_DEATH_S else 0
        if self.quick_deaths > MAX_QUICK_DEATHS:
            log.error("workers keep dying at start; stopping")
            self.stop(signal.SIGTERM, None)
            return
        self.fork(slot)


def run_worker(app: FastAPI, config: uvicorn.Config, sock: socket.socket, slot: int) -> None:
    """A forked worker's life; never returns into the parent's code."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, signal.SIG_DFL)  # uvicorn installs its own while it serves
    status = 0
    try:
        app.state.metrics.use_slot(slot)
        uvicorn.Server(config).run(sockets=[sock])
    except BaseException:  # noqa: BLE001 - report, then leave without the parent's clean-up
        log.exception("worker %d failed", slot)
        status = 1
    finally:
        sys.stdout.flush(), sys.stderr.flush()
        os._exit(status)


def describe_exit(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"
