"""The benchmark's own database: created on the server the settings point to, never the real one.

`point_settings_at(name)` must run before `django.setup()`: it loads the settings (which starts
or joins the embedded PostgreSQL when DATABASE_URL is unset) and renames the default database.
"""

import os

import psycopg
from psycopg import sql

# Connection OPTIONS that Django's backend understands but libpq does not.
_DJANGO_ONLY_OPTIONS = {"pool", "server_side_binding", "isolation_level", "assume_role", "prepare_threshold"}


def point_settings_at(name: str) -> dict:
    """Load the settings with DEBUG off, point the default connection at `name`; return the
    original database settings (a copy) for the maintenance connection."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "0"  # no query log, production-like template and error handling
    os.environ.setdefault("SECRET_KEY", "django-insecure-gudang-bench-only")  # DEBUG off needs one
    # Without `collectstatic` the manifest storage cannot resolve {% static %}; serve plain names.
    os.environ.setdefault("STATIC_MANIFEST", "0")
    from django.conf import settings

    db = settings.DATABASES["default"]
    original = dict(db)
    db["NAME"] = name
    db["TEST"] = {**db.get("TEST", {}), "NAME": f"test_{name}"}
    # The test Client sends Host: testserver.
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    return original


def connect_kwargs(db: dict, dbname: str | None = None) -> dict:
    kwargs = {
        "dbname": dbname or db["NAME"],
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": str(db["PORT"]) if db.get("PORT") else None,
    }
    for key, value in (db.get("OPTIONS") or {}).items():
        if key not in _DJANGO_ONLY_OPTIONS:
            kwargs[key] = value
    return {k: v for k, v in kwargs.items() if v is not None}


def _maintenance_connection(original: dict) -> psycopg.Connection:
    """Autocommit connection to the server's `postgres` database (or, failing that, the
    developer's database, used only to issue CREATE/DROP DATABASE)."""
    try:
        return psycopg.connect(**connect_kwargs(original, "postgres"), autocommit=True)
    except psycopg.OperationalError:
        return psycopg.connect(**connect_kwargs(original), autocommit=True)


def _drop(conn: psycopg.Connection, name: str) -> None:
    force = sql.SQL(" WITH (FORCE)") if conn.info.server_version >= 130000 else sql.SQL("")
    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)) + force)


def refuse_developer_database(original: dict, name: str) -> None:
    if name == original["NAME"]:
        raise SystemExit(f"refusing to use the developer's database {name!r} for the benchmark")


def recreate_database(original: dict, name: str) -> None:
    refuse_developer_database(original, name)
    with _maintenance_connection(original) as conn:
        _drop(conn, name)
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(original: dict, name: str) -> None:
    if name == original["NAME"]:
        return
    with _maintenance_connection(original) as conn:
        _drop(conn, name)


def server_summary(cursor) -> str:
    """One line about the server, for the report (any DB-API cursor)."""
    values = []
    for setting in ("server_version", "shared_buffers", "synchronous_commit", "fsync", "max_connections"):
        cursor.execute(f"SHOW {setting}")  # constant names, not user input
        values.append(f"{setting}={cursor.fetchone()[0]}")
    return ", ".join(values)
