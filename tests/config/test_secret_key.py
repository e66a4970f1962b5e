"""Production refuses to start without its own SECRET_KEY; development (DEBUG=1) has a fixed one."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """`manage.py <args>` in a fresh process with the production settings and, of the variables
    that matter, only `env` (a DATABASE_URL that is never connected to: no database needed)."""
    keep = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**keep, "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("debug", [{}, {"DEBUG": "0"}], ids=["DEBUG unset", "DEBUG=0"])
def test_production_without_secret_key_refuses_to_start(debug):
    result = manage("check", **debug)
    assert result.returncode == 1
    assert "ImproperlyConfigured: SECRET_KEY is not set: set the SECRET_KEY environment variable" in result.stderr


def test_production_with_secret_key_starts():
    result = manage("check", DEBUG="0", SECRET_KEY="a-long-random-production-key-" + "x" * 40)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_development_uses_the_development_key():
    result = manage("diffsettings", DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "SECRET_KEY = 'django-insecure-gudang-development-key'" in result.stdout
