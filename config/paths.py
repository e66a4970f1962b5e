"""Where Gudang's files are, in a checkout and when installed from the wheel.

- Templates, static files and translations ship with the code: `gudang_assets.ROOT`.
- What Gudang writes at run time (the embedded database, collected static files) never goes
  into site-packages: it goes under `GUDANG_DATA_DIR` when that is set, else into the
  checkout (`var/`, `staticfiles/`), else, installed, into a per-user folder
  (`~/.local/share/gudang` on Linux).
"""

import os
from pathlib import Path

import gudang_assets

ASSETS = gudang_assets.ROOT
_PARENT = Path(__file__).resolve().parent.parent
# A checkout has manage.py beside the config package; site-packages does not.
CHECKOUT: Path | None = _PARENT if (_PARENT / "manage.py").is_file() else None


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser().resolve() if value else None


def data_dir() -> Path:
    """The folder for what Gudang writes at run time."""
    if configured := _env_path("GUDANG_DATA_DIR"):
        return configured
    if CHECKOUT:
        return CHECKOUT / "var"
    import platformdirs

    return platformdirs.user_data_path("gudang")


def static_root() -> Path:
    """Where `collectstatic` writes and WhiteNoise serves from: `STATIC_ROOT` when set."""
    if configured := _env_path("STATIC_ROOT"):
        return configured
    return CHECKOUT / "staticfiles" if CHECKOUT else data_dir() / "staticfiles"
