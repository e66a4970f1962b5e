"""The wheel ships every package of Gudang: pyproject.toml lists them one by one."""

import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def test_pyproject_lists_every_package_of_the_apps():
    tool = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(tool["packages"])
    mapped = set(tool["package-dir"])  # the top-level templates/, static/ and locale/ folders
    tops = {"config", "gudang_assets"} | {
        app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0] / "__init__.py").is_file()
    }
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts) for top in tops for init in (ROOT / top).rglob("__init__.py")
    }
    assert {"layouts", "web", "inventory.management.commands", "web.templatetags"} <= on_disk
    assert not on_disk - listed, f"add to [tool.setuptools] packages in pyproject.toml: {sorted(on_disk - listed)}"
    assert not listed - on_disk - mapped, f"listed but not on disk: {sorted(listed - on_disk - mapped)}"
