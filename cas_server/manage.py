#!/usr/bin/env python
"""The demo CAS server's manage.py, run with .venv-cas/bin/python (see README.md, "The demo CAS server")."""

import os
import sys


def main():
    # Set, not defaulted: a shell or a test run of the portal exports the portal's settings module.
    os.environ["DJANGO_SETTINGS_MODULE"] = "demo_cas.settings"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
