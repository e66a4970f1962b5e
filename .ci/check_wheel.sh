#!/usr/bin/env bash
# The wheel works on its own (README "Production"): build it from the work tree, install it into
# a fresh virtualenv, and from a folder outside the checkout migrate a fresh database on the
# machine's PostgreSQL (127.0.0.1:5432), collect the static files into the folder STATIC_ROOT
# names, serve with gunicorn (DEBUG=0, WhiteNoise) on a free port, fetch the login page and its
# CSS. Everything it made (folder, database, server) is removed at the end.
set -euo pipefail

cd "$(dirname "$0")/.."
SRC=$PWD
PY="${PY:-$SRC/.venv/bin/python}"
TMP=$(mktemp -d /tmp/gudang-wheel.XXXXXX)
DB="gudang_wheel_$$_$(date +%s)"
PG="psql -h 127.0.0.1 -U postgres -d postgres -Atqc"
server=""
say() { echo "wheel check, ${SECONDS} s: $*"; }

cleanup() {
    if [ -n "$server" ]; then
        kill -INT "$server" 2>/dev/null || true  # gunicorn: SIGINT stops at once, SIGTERM waits for workers
        wait "$server" 2>/dev/null || true
    fi
    $PG "DROP DATABASE IF EXISTS \"${DB}\" WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$TMP"
    say "cleaned up"
}
trap cleanup EXIT

say "building from the work tree"
# A copy of the files git knows (tracked or new, not ignored): no build/ folder left in the
# checkout, and nothing from .venv/, var/ or staticfiles/ in the wheel.
mkdir "$TMP/src"
git ls-files -z --cached --others --exclude-standard |
    tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C "$TMP/src"
"$PY" -m pip wheel --quiet --quiet --no-deps --wheel-dir "$TMP/dist" "$TMP/src"
WHEEL=$(ls "$TMP"/dist/gudang-*.whl)
say "$(basename "$WHEEL")"

# Every module of the apps and every template, static file and translation is in the wheel.
"$PY" - "$WHEEL" "$TMP/src" <<'EOF'
import sys
import tomllib
import zipfile
from pathlib import Path

wheel, src = zipfile.ZipFile(sys.argv[1]), Path(sys.argv[2])
inside = set(wheel.namelist())
wanted = set()
packages = tomllib.loads((src / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
for top in sorted({package.split(".")[0] for package in packages}):
    wanted |= {p.relative_to(src).as_posix() for p in (src / top).rglob("*.py")}
for folder in ("templates", "static", "locale"):
    wanted |= {f"gudang_assets/{p.relative_to(src).as_posix()}" for p in (src / folder).rglob("*") if p.is_file()}
missing = sorted(wanted - inside)
if missing:
    sys.exit(f"wheel check: the wheel lacks {len(missing)} files, e.g. {missing[:10]}")
print(f"wheel check: all {len(wanted)} modules, templates, static files and translations are in it")
EOF

say "installing into a fresh virtualenv"
"$PY" -m venv "$TMP/venv"
"$TMP/venv/bin/python" -m pip install --quiet --quiet --disable-pip-version-check "$WHEEL"

mkdir "$TMP/elsewhere"
cd "$TMP/elsewhere"  # outside the checkout: only the installed package is importable
export PATH="$TMP/venv/bin:$PATH" DEBUG=0 ALLOWED_HOSTS=127.0.0.1
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DB}" STATIC_ROOT="$TMP/static" GUDANG_DATA_DIR="$TMP/data"
unset SECRET_KEY DJANGO_SETTINGS_MODULE PYTHONPATH

if refused=$(gudang check 2>&1); then
    echo "wheel check: DEBUG=0 without SECRET_KEY started" >&2
    exit 1
fi
grep -q "SECRET_KEY is not set" <<<"$refused"
say "without SECRET_KEY it refuses to start"
SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(50))')
export SECRET_KEY

$PG "CREATE DATABASE \"${DB}\"" >/dev/null
gudang migrate --no-input -v 0
gudang collectstatic --no-input -v 0
test -f "$STATIC_ROOT/staticfiles.json"
say "migrated ${DB}; collectstatic wrote $(find "$STATIC_ROOT" -type f | wc -l) files to \$STATIC_ROOT"
[ "$(gudang shell --no-imports -c 'from django.utils.translation import gettext, override
with override("id"): print(gettext("Stock receipts"))')" = "Penerimaan stok" ]
say "the Indonesian translations are there"

PORT=$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
gunicorn config.wsgi --workers 1 --bind "127.0.0.1:${PORT}" --log-level warning &
server=$!
python - "http://127.0.0.1:${PORT}" <<'EOF'
import re
import sys
import time
import urllib.request

base = sys.argv[1]
for _ in range(60):
    try:
        page = urllib.request.urlopen(f"{base}/accounts/login/", timeout=5)
        break
    except OSError:
        time.sleep(0.5)
else:
    sys.exit("gunicorn did not answer within 30 s")
assert page.status == 200, page.status
html = page.read().decode()
styles = re.findall(r'<link[^>]+href="(/static/[^"]+\.css)"', html)
assert any("gudang." in href for href in styles), f"no Gudang stylesheet in the login page: {styles}"
for href in styles:
    css = urllib.request.urlopen(base + href, timeout=5)
    kind = css.headers.get("Content-Type", "")
    assert css.status == 200 and kind.startswith("text/css"), (href, css.status, kind)
print(f"wheel check: gunicorn serves /accounts/login/ (200) and its {len(styles)} stylesheets (200, text/css): {styles}")
EOF

SITE=$(python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
for leaked in "$SITE/staticfiles" "$SITE/var"; do
    if [ -e "$leaked" ]; then
        echo "wheel check: Gudang wrote into site-packages: $leaked" >&2
        exit 1
    fi
done
say "check passed"
