"""The settings of the test suite: Gudang's own, with a key that only tests use (the settings
refuse to start without SECRET_KEY unless DEBUG=1, and tests run with DEBUG off)."""

import os

os.environ.setdefault("SECRET_KEY", "django-insecure-gudang-tests-only")

from config.settings import *  # noqa: E402, F403
