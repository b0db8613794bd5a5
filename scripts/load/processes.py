"""The processes of the load benchmark: started on loopback, each in its own process group, logged to a file,
and stopped with everything they started.

Each child runs in a session of its own, so that Ctrl+C reaches the benchmark alone and the benchmark stops
them in order; on Linux each is also told to end if the benchmark dies without cleaning up.
"""

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

PR_SET_PDEATHSIG = 1


def free_port():
    """A TCP port that nothing listens on at 127.0.0.1 now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _die_with_parent():
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Child:
    """A started process, its name and its log file."""

    def __init__(self, name, argv, *, env, cwd, log_path):
        self.name, self.log_path = name, log_path
        with open(log_path, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 (our own argv, no shell)
                argv,
                env=env,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )

    @property
    def running(self):
        return self.process.poll() is None

    def stop(self, timeout=20):
        """Ends the process and its own children: SIGTERM (they finish what they are doing), SIGKILL after
        ``timeout`` seconds. Does nothing to a process that already ended."""
        if not self.running:
            return
        self._signal_group(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._signal_group(signal.SIGKILL)
            self.process.wait(timeout=10)
        # Workers of a server that was killed may linger in its group for a moment.
        self._signal_group(signal.SIGKILL)

    def _signal_group(self, signum):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signum)

    def log_tail(self, lines=30):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as log:
                return "".join(log.readlines()[-lines:])
        except OSError:
            return ""


class StartFailed(RuntimeError):
    """A process did not come up; the message says which, with the end of its log."""

    def __init__(self, child, what):
        super().__init__(f"{child.name} {what}. End of {child.log_path}:\n{child.log_tail()}")


def wait_for_port(child, port, timeout=60):
    """Waits until ``child`` listens on 127.0.0.1:``port``; raises ``StartFailed`` if it dies or times out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not child.running:
            raise StartFailed(child, "stopped while starting")
        with socket.socket() as probe:
            probe.settimeout(1)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise StartFailed(child, f"did not listen on port {port} within {timeout} s")


def answers(url, headers):
    """Whether ``url`` answers 200 within 5 seconds."""
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (http on loopback)
    with (
        contextlib.suppress(urllib.error.URLError, OSError),
        urllib.request.urlopen(request, timeout=5) as response,  # noqa: S310
    ):
        return response.status == 200
    return False


def wait_for_health(child, url, headers, timeout=60):
    """Waits until ``url`` (the portal's health page) answers 200; raises ``StartFailed`` otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not child.running:
            raise StartFailed(child, "stopped while starting")
        if answers(url, headers):
            return
        time.sleep(0.5)
    raise StartFailed(child, f"did not answer {url} within {timeout} s")
