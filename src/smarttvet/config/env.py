"""Every setting the environment may change, read in one place.

Only ``SMARTTVET_*`` variables are read. Each has a safe local default so a newcomer
needs nothing but Python; production refuses the insecure defaults (see ``settings``).
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_SECRET_KEY = "insecure-local-development-key-change-me"  # noqa: S105 - refused when DEBUG is off

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigurationError(RuntimeError):
    """A SMARTTVET_* variable has a value the platform cannot use."""


def get_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def get_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no or on/off")


def get_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def data_dir() -> Path:
    """Where the embedded database, uploads and analytic stores live."""
    return Path(get_str("SMARTTVET_DATA_DIR", str(Path.cwd() / "var"))).resolve()
