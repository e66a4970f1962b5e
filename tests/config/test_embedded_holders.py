"""The embedded PostgreSQL keeps running while any process holds it, and stops with the last.

Real processes against a real embedded server in a temporary data folder (never the
checkout's): a long-lived holder, a holder killed after registering, one killed while writing
the list of holders, a forked child of the holder, and a short command that joins and exits.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import psutil
import pytest

from config.database import Holders

ROOT = Path(__file__).resolve().parents[2]

# A holder: joins the server in argv[1], says "ready <pid>", then obeys commands on stdin.
HOLDER = r"""
import os, sys
from pathlib import Path
import psycopg
from config.database import start_embedded_server

db = start_embedded_server(Path(sys.argv[1]))
print("ready", os.getpid(), flush=True)
for command in sys.stdin:
    command = command.strip()
    if command == "query":
        with psycopg.connect(host=db["HOST"], port=db["PORT"], user="postgres", dbname=db["NAME"]) as conn:
            print("answer", conn.execute("SELECT 1").fetchone()[0], flush=True)
    elif command == "fork":
        child = os.fork()
        if child == 0:
            sys.exit(0)  # a normal exit: the inherited atexit hook runs in the child
        os.waitpid(child, 0)
        print("forked", child, flush=True)
    elif command == "exit":
        break
"""

# Joins like a holder, but the write of the list of holders truncates the file it writes and
# hangs, so that the test can SIGKILL the process in the middle of its registration.
STALLING = r"""
import sys, time
from pathlib import Path
data = Path(sys.argv[1])

def stall(self, *args, **kwargs):
    if data.parent in self.parents:
        open(self, "w").close()
        print("writing", flush=True)
        time.sleep(60)
    return real(self, *args, **kwargs)

real, Path.write_text = Path.write_text, stall
from config.database import start_embedded_server
start_embedded_server(data)
"""


def spawn(script: str, data: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script, str(data)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def said(process: subprocess.Popen, word: str) -> str:
    line = process.stdout.readline()
    assert line.startswith(word), f"expected {word!r}, the process said {line!r} (exit code {process.poll()})"
    return line[len(word) :].strip()


def tell(process: subprocess.Popen, command: str) -> None:
    process.stdin.write(command + "\n")
    process.stdin.flush()


def postmaster(data: Path) -> psutil.Process | None:
    """The server's main process while it runs (PostgreSQL removes postmaster.pid when it stops)."""
    try:
        process = psutil.Process(int((data / "postmaster.pid").read_text().split()[0]))
        return process if process.status() != psutil.STATUS_ZOMBIE else None
    except (FileNotFoundError, psutil.NoSuchProcess):
        return None


@pytest.fixture
def data():
    """A fresh data folder. As root pgserver widens the permissions of every parent folder, so
    then it goes under /var/tmp (see config.database.embedded_data_dir)."""
    base = Path(tempfile.mkdtemp(prefix="gudang-holders-", dir="/var/tmp" if os.geteuid() == 0 else None))
    yield base / "pgdata"
    if server := postmaster(base / "pgdata"):  # the test failed with the server still running
        server.terminate()
        psutil.wait_procs([server], timeout=10)
    shutil.rmtree(base, ignore_errors=True)


def test_server_runs_while_a_holder_remains_and_stops_with_the_last(data):
    holder = spawn(HOLDER, data)
    processes = [holder]
    try:
        holder_pid = int(said(holder, "ready"))
        server = postmaster(data)
        assert server is not None

        # Killed after registering: its pid stays in the list until someone sees it is dead.
        killed = spawn(HOLDER, data)
        processes.append(killed)
        said(killed, "ready")
        killed.kill()
        killed.wait()

        # Killed while writing the list of holders.
        stalled = spawn(STALLING, data)
        processes.append(stalled)
        said(stalled, "writing")
        stalled.send_signal(signal.SIGKILL)
        stalled.wait()

        # A forked child of the holder exits normally: it must not unregister its parent.
        tell(holder, "fork")
        said(holder, "forked")

        # The next short command joins and leaves: the server goes on for the holder.
        short = subprocess.run(
            [sys.executable, "-c", "import sys; from pathlib import Path; "
             "from config.database import start_embedded_server; start_embedded_server(Path(sys.argv[1]))",
             str(data)],
            cwd=ROOT,
            timeout=60,
        )  # fmt: skip
        assert short.returncode == 0
        assert postmaster(data) == server
        tell(holder, "query")
        assert said(holder, "answer") == "1"
        assert json.loads(Holders(data).path.read_text()) == [holder_pid]

        # The last holder exits: the server stops.
        tell(holder, "exit")
        assert holder.wait(30) == 0
        assert postmaster(data) is None
        assert json.loads(Holders(data).path.read_text()) == []
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
