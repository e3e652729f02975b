"""A PostgreSQL server of the test's own, on a free loopback port, that the test may freeze.

The shared server (127.0.0.1:5432) is never stopped: a test that freezes a database starts
this one (``initdb`` in a temporary folder, run as ``postgres`` when the suite runs as root),
sends SIGSTOP/SIGCONT to its processes and removes it afterwards.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivatePostgres:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="private-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str, **kwargs) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        return subprocess.run([*prefix, *command], check=True, capture_output=True, **kwargs)

    def start(self) -> PrivatePostgres:
        if not (BIN / "initdb").exists():
            pytest.fail(f"no PostgreSQL binaries in {BIN} (set PG_BIN)")
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(str(BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust")
        self._run(
            str(BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"), "-w",
            "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off",
            "start",
        )  # fmt: skip
        return self

    def pids(self) -> list[int]:
        """The postmaster and every process it started."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    status = (entry / "status").read_text()
                except OSError:
                    continue
                ppid = next(line for line in status.splitlines() if line.startswith("PPid:"))
                if int(ppid.split()[1]) == postmaster:
                    children.append(int(entry.name))
        return [postmaster, *children]

    def freeze(self) -> None:
        for pid in self.pids():
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in self.pids():
            os.kill(pid, signal.SIGCONT)

    def stop(self) -> None:
        try:
            self.thaw()
            self._run(str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        except (OSError, subprocess.CalledProcessError, StopIteration):
            pass
        finally:
            time.sleep(0.1)
            shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def private_postgres():
    """One private server per test process (``initdb`` takes seconds); a test that freezes
    it thaws it before it ends."""
    server = PrivatePostgres().start()
    try:
        yield server
    finally:
        server.stop()
