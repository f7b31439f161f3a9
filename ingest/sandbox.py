"""Running a file's parser in a child process that the operating system stops at a limit.

A small hostile file can make a parser take gigabytes and hours (a 4 KB PDF of nested forms
reached 9 GB in 120 s; a 357 KB DOCX, 2.6 GB). A thread cannot be stopped, so the parse runs
in a child process instead, with three limits that end it:
- memory: the child's address space (`RLIMIT_AS`), so an allocation past it fails;
- processor time (`RLIMIT_CPU`, reset before each file), so the kernel stops a runaway parse
  even if this process is gone;
- wall-clock time: past it this process kills the child.

One child serves file after file (starting one costs 0.1-0.25 s; passing a file through it,
0.1-8 ms), and a new one is started only after a kill or a memory failure. The child is a
fresh interpreter (`python -m ingest.sandbox`), never a fork: this process may already run
ONNX or Chroma threads, and the child imports only the parser it is given (no torch,
onnxruntime, chromadb).
"""

from __future__ import annotations

import atexit
import math
import os
import pickle
import resource
import signal
import subprocess
import sys
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from ingest.sources import IngestError

T = TypeVar("T")

# Defaults of the `GOVASSIST_PARSE_*` settings. The largest dev document (a 0.7 MB, 55-page
# PDF) peaks at 53 MB in the child, a 100 MB DOCX body took 2.6 GB: 2 GB leaves room for
# large real files and stops bombs well before they trouble the machine.
MEMORY_LIMIT_MB = 2048
CPU_LIMIT_S = 120.0
# A file that takes longer than this to read is skipped with a message (a hostile PDF can make
# a parser loop for hours). Big real documents read in well under a minute here.
WALL_LIMIT_S = 120.0


@dataclass(frozen=True)
class ParseLimits:
    """What one file's parse may cost before it is stopped and the file skipped."""

    wall_s: float = WALL_LIMIT_S
    cpu_s: float = CPU_LIMIT_S
    memory_mb: int = MEMORY_LIMIT_MB


class Sandbox:
    """One child process running functions under `limits`; restarted after it is stopped."""

    def __init__(self, limits: ParseLimits) -> None:
        self.limits = limits
        self._process: subprocess.Popen[bytes] | None = None
        self._requests: Connection | None = None
        self._replies: Connection | None = None
        _every.add(self)

    @property
    def pid(self) -> int | None:
        """The running child's process id, None before the first call or after a stop."""
        return self._process.pid if self._process is not None else None

    def _start(self) -> None:
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        environment = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        command = [sys.executable, "-m", "ingest.sandbox", str(request_read), str(reply_write)]
        try:
            self._process = subprocess.Popen(
                command, pass_fds=(request_read, reply_write), env=environment, close_fds=True
            )
        finally:
            os.close(request_read)
            os.close(reply_write)
        self._requests = Connection(request_write, readable=False)
        self._replies = Connection(reply_read, writable=False)
        self._requests.send((list(sys.path), self.limits))

    def run(self, function: Callable[..., T], *args: Any) -> T:
        """`function(*args)` in the child; IngestError with a plain reason if it fails or is
        stopped at a limit. `function` and its arguments and result must pickle."""
        if self._process is None or self._process.poll() is not None:
            self.stop()
            self._start()
        assert self._requests is not None and self._replies is not None
        try:
            self._requests.send((function, args))
            ready = self._replies.poll(self.limits.wall_s)
            reply = self._replies.recv() if ready else None
        except (EOFError, OSError):
            reply = ("died",)
        if reply is None:
            self.stop()
            raise IngestError(
                f"reading it took longer than {self.limits.wall_s:g} s, so it was skipped"
            )
        kind = reply[0]
        if kind == "ok":
            return reply[1]
        if kind == "error":
            raise IngestError(reply[1])
        # The child ran out of memory or died: start a fresh one for the next file. It has
        # closed its end of the pipe, so it is exiting: let it, to learn why.
        code = self.stop(grace_s=5)
        if kind == "memory":
            raise IngestError(
                f"reading it needed more than the {self.limits.memory_mb} MB memory limit, "
                "so it was skipped"
            )
        if code == -signal.SIGXCPU:
            raise IngestError(
                f"reading it used more than {self.limits.cpu_s:g} s of processor time, "
                "so it was skipped"
            )
        stopped = f"signal {signal.Signals(-code).name}" if code and code < 0 else f"code {code}"
        raise IngestError(f"the reader stopped on it ({stopped}), so it was skipped")

    def stop(self, grace_s: float = 0) -> int | None:
        """Kill the child (if any, after `grace_s` to exit by itself) and wait for it; return
        its exit code."""
        process, self._process = self._process, None
        for connection in (self._requests, self._replies):
            if connection is not None:
                connection.close()
        self._requests = self._replies = None
        if process is None:
            return None
        try:
            return process.wait(grace_s)
        except subprocess.TimeoutExpired:
            process.kill()
            return process.wait()


_every: weakref.WeakSet[Sandbox] = weakref.WeakSet()
_idle: list[Sandbox] = []
_idle_lock = threading.Lock()


def run_limited(limits: ParseLimits, function: Callable[..., T], *args: Any) -> T:
    """`function(*args)` in an idle child with these limits (a new one if none is free)."""
    with _idle_lock:
        matching = [s for s in _idle if s.limits == limits]
        sandbox = matching[0] if matching else Sandbox(limits)
        if matching:
            _idle.remove(sandbox)
    try:
        return sandbox.run(function, *args)
    finally:
        with _idle_lock:
            if sandbox.pid is not None:
                _idle.append(sandbox)


@atexit.register
def stop_all() -> None:
    """Stop every child, busy or idle (at exit, so none outlives this process)."""
    with _idle_lock:
        _idle.clear()
    for sandbox in list(_every):
        sandbox.stop()


def _limit_self(limits: ParseLimits) -> None:
    """In the child: the memory limit, and no core file when the processor limit stops it.

    An idle child ends when this process does (its request pipe closes); a busy one at its
    processor-time limit at the latest."""
    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _allow_cpu(seconds: float) -> None:
    """In the child: `seconds` more of processor time from now, then SIGXCPU stops it."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = usage.ru_utime + usage.ru_stime
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (math.ceil(used + seconds), hard))


def _serve(request_fd: int, reply_fd: int) -> None:
    """The child's loop: run each function it is sent, reply with its result or reason."""
    requests = Connection(request_fd, writable=False)
    replies = Connection(reply_fd, readable=False)
    sys_path, limits = requests.recv()
    sys.path[:] = sys_path
    _limit_self(limits)
    while True:
        try:
            request = requests.recv_bytes()
        except EOFError:  # the parent closed the pipe or exited
            return
        try:
            function, args = pickle.loads(request)
            _allow_cpu(limits.cpu_s)
            reply: tuple[Any, ...] = ("ok", function(*args))
        except IngestError as error:
            reply = ("error", str(error))
        except MemoryError:
            replies.send(("memory",))
            return  # the heap may be left fragmented and huge: a fresh child is cheaper
        except Exception as error:  # a parser library's own exception, named for the user
            reply = ("error", f"could not be read ({type(error).__name__})")
        try:
            replies.send(reply)
        except MemoryError:
            replies.send(("memory",))
            return
        except Exception as error:  # a result that does not pickle
            replies.send(("error", f"could not be read ({type(error).__name__})"))


if __name__ == "__main__":
    _serve(int(sys.argv[1]), int(sys.argv[2]))
