#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    if sys.version_info < (3, 12):  # noqa: UP036 - a clear message beats a SyntaxError deep in Django
        sys.exit("Assistance needs Python 3.12 or newer; run it through scripts/demo or .venv/bin/python.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
