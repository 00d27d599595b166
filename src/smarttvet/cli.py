"""The ``smarttvet`` console script: Django's manage.py plus the platform's own commands."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smarttvet.config.settings")
    from django.core.management import execute_from_command_line

    from smarttvet.config import env

    try:
        execute_from_command_line(["smarttvet", *(sys.argv[1:] if argv is None else argv)])
    except env.ConfigurationError as exc:
        sys.stderr.write(f"smarttvet: configuration error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
