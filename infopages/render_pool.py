"""Rendering under a wall-clock budget that the operating system enforces.

Python-Markdown can loop for ever on some short texts (issue 18 found a 28-character one),
and no pre-check predicts every such text. So each render runs in a separate renderer
process, and the process that asked waits for its answer at most ``budget`` seconds; past
that, it kills the renderer (SIGKILL: nothing in it can delay that) and starts a new one for
the next text. A renderer also limits its own memory (``RLIMIT_AS``) and sets an alarm that
ends it should the process that asked be killed itself mid-render (a gunicorn worker timed
out), so no renderer outlives its budget by more than a second.

Renderers are started on first use in each process (a gunicorn worker, runserver, a test
run), kept idle between renders, and shared by the threads of that process, one render at a
time each. A renderer is a plain ``python -m infopages.render_worker`` child that speaks one
JSON line each way: no fork of a process with threads, no pickling.
"""

import atexit
import json
import logging
import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MEMORY_LIMIT_BYTES = 1024 * 1024 * 1024  # a renderer's address space; a render needs ~60 MB
START_SECONDS = 60  # a new renderer imports its libraries: not part of any text's budget
MAX_IDLE = 4  # renderers kept per process; more threads than this start their own
PRELOAD = "infopages.markdown.convert"  # imported and warmed when a renderer starts


class RenderTimedOut(Exception):
    """The renderer did not answer within the budget and was stopped."""


class RenderFailed(Exception):
    """The renderer raised or died (a crash in an extension, out of memory)."""


class _Renderer:
    """One renderer process, used by one thread at a time."""

    def __init__(self):
        # It needs no settings, database or secrets: only where to find the renderer.
        environment = {"PYTHONPATH": str(PROJECT_ROOT), "PATH": os.environ.get("PATH", "")}
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "infopages.render_worker", str(MEMORY_LIMIT_BYTES), PRELOAD],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                cwd=PROJECT_ROOT,
                env=environment,
            )
        except OSError as error:  # out of processes or memory
            raise RenderFailed(f"the renderer could not start: {error}") from error
        self.pending = b""
        try:
            ready = self._read_line(deadline=time.monotonic() + START_SECONDS) == b"ready"
        except RenderFailed:
            ready = False
        if not ready:
            self.stop()
            raise RenderFailed("the renderer did not start")

    def render(self, request: dict, *, budget: float) -> dict:
        try:
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
            self.process.stdin.flush()
        except OSError as error:  # it died while idle
            raise RenderFailed("the renderer had stopped") from error
        line = self._read_line(deadline=time.monotonic() + budget)
        if line is None:
            raise RenderTimedOut
        return json.loads(line)

    def _read_line(self, *, deadline: float) -> bytes | None:
        """One line from the renderer, or None if it is not all there by ``deadline``."""
        fd = self.process.stdout.fileno()
        while b"\n" not in self.pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                return None
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise RenderFailed("the renderer stopped")
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return line

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        self.process.stdin.close()
        self.process.stdout.close()

    def close(self) -> None:
        """Ask an idle renderer to finish (it exits when its input ends)."""
        self.process.stdin.close()
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()


class _Pool:
    def __init__(self):
        self.lock = threading.Condition()
        self.idle: list[_Renderer] = []
        self.starting = 0  # replacements being started in the background
        self.pid = os.getpid()

    def take(self) -> _Renderer:
        with self.lock:
            if self.pid != os.getpid():  # forked (gunicorn --preload): the parent's are not ours
                self.idle, self.starting, self.pid = [], 0, os.getpid()
            # A replacement already on its way is ready sooner than a new one.
            self.lock.wait_for(lambda: self.idle or not self.starting, timeout=START_SECONDS)
            if self.idle:
                return self.idle.pop()
        return _Renderer()

    def give_back(self, renderer: _Renderer) -> None:
        with self.lock:
            if self.pid == os.getpid() and len(self.idle) < MAX_IDLE:
                self.idle.append(renderer)
                self.lock.notify()
                return
        renderer.close()

    def replace_soon(self) -> None:
        """Start a renderer for the next text now, rather than when it comes (~1 s on a busy
        machine, which would be added to the next render's wait)."""

        def start() -> None:
            try:
                renderer = _Renderer()
            except RenderFailed:
                renderer = None  # the next render starts its own, and fails if it must
            with self.lock:
                self.starting -= 1
                if renderer and self.pid == os.getpid() and len(self.idle) < MAX_IDLE:
                    self.idle.append(renderer)
                    renderer = None
                self.lock.notify_all()
            if renderer is not None:
                renderer.close()

        with self.lock:
            self.starting += 1
        threading.Thread(target=start, daemon=True, name="renderer-start").start()

    def close(self) -> None:
        with self.lock:
            idle, self.idle = self.idle, []
            ours = self.pid == os.getpid()
        for renderer in idle if ours else []:
            renderer.close()


_pool = _Pool()
atexit.register(_pool.close)


def render_in_budget(*, text: str, id_prefix: str, converter: str, budget: float) -> str:
    """The HTML ``converter`` (a dotted path) makes of ``text``, rendered in a renderer process.

    Raises ``RenderTimedOut`` past ``budget`` seconds (the renderer is killed) and
    ``RenderFailed`` if the renderer raised or died.
    """
    renderer = _pool.take()
    request = {"text": text, "id_prefix": id_prefix, "converter": converter, "budget": budget}
    try:
        answer = renderer.render(request, budget=budget)
    except BaseException:
        renderer.stop()
        _pool.replace_soon()
        raise
    _pool.give_back(renderer)
    if "error" in answer:
        raise RenderFailed(answer["error"])
    return answer["html"]
