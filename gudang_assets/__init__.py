"""Gudang's templates, static files and translations, wherever the code runs from.

In a checkout they are the top-level folders `templates/`, `static/` and `locale/`, beside this
package; the wheel ships them inside it (pyproject.toml maps them to `gudang_assets.templates`,
`gudang_assets.static` and `gudang_assets.locale`). Settings find them through `ROOT`.
"""

from pathlib import Path

_HERE = Path(__file__).resolve().parent
ROOT = _HERE if (_HERE / "templates").is_dir() else _HERE.parent
