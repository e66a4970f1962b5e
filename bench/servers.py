"""Gudang as it runs in production, started on this machine: N gunicorn instances (each with
its own port and workers) and the background worker, every one its own process on one database.

Used by the bench (API throughput with 1 and 2 app servers) and by the test of several app
servers on one database. The processes get the database as `DATABASE_URL` (an embedded
server's socket folder percent-encoded as the host), DEBUG off, a throwaway secret key and
plain static names (no `collectstatic` needed), and listen on 127.0.0.1 only.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def database_url(db: dict) -> str:
    """Django connection settings as a `DATABASE_URL` that dj-database-url reads back."""
    user = quote(db.get("USER") or "postgres", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    host = quote(db.get("HOST") or "127.0.0.1", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{quote(db['NAME'], safe='')}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(db: dict, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "PYTHONPATH"}}
    env.update(
        DATABASE_URL=database_url(db),
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_MANIFEST="0",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def _wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server for {url} exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"{url} answered {error.code}") from error
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no answer from {url} within {timeout:.0f} s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)  # gunicorn: SIGINT stops at once, SIGTERM waits for workers
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def app_servers(db: dict, *, instances: int = 2, workers: int = 2, worker: bool = True, env: dict | None = None):
    """Start `instances` gunicorn servers of `workers` workers each (and the db worker when
    `worker`) on the database `db` (Django connection settings); yield their base URLs; stop
    them all at the end."""
    static = tempfile.TemporaryDirectory(prefix="gudang-static-")  # empty: the API serves no static files
    environment = server_env(db, STATIC_ROOT=static.name, **(env or {}))
    processes: list[subprocess.Popen] = []
    urls = []
    try:
        if worker:
            processes.append(
                subprocess.Popen(
                    [str(BIN / "python"), "manage.py", "db_worker", "--no-startup-delay", "--interval", "1"],
                    cwd=ROOT,
                    env=environment,
                    stdout=subprocess.DEVNULL,
                )
            )
        for _ in range(instances):
            port = free_port()
            command = [str(BIN / "gunicorn"), "config.wsgi", "--workers", str(workers)]
            command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
            processes.append(subprocess.Popen(command, cwd=ROOT, env=environment))
            urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(urls, processes[-instances:], strict=True):
            _wait_until_up(f"{url}/accounts/login/", process)
        yield urls
    finally:
        for process in reversed(processes):
            _stop(process)
        static.cleanup()
