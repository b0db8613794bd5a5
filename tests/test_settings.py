"""Settings from the environment: the demo defaults and the production profile."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def production(tmp_path, **overrides):
    """The environment of a production install: profile, secret, hosts, SMTP server and broker."""
    return {
        "DJANGO_PROFILE": "production",
        "DJANGO_SECRET_KEY": "x" * 60 + "-a-long-and-random-production-secret",
        "DJANGO_ALLOWED_HOSTS": "assistance.univ.example",
        "ASSISTANCE_VAR_DIR": str(tmp_path),
        "ASSISTANCE_SMTP_HOST": "smtp.univ.example",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15",
        **overrides,
    }


def run_manage(*args, **env):
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_profile_passes_the_deploy_check(tmp_path):
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **production(tmp_path))
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_collects_the_static_files_with_their_hashes(tmp_path):
    result = run_manage("collectstatic", "--no-input", **production(tmp_path))
    assert result.returncode == 0, result.stderr + result.stdout
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "vendor/trix/trix.umd.min.js" in manifest


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG cannot be on in the production profile."),
        ({"ASSISTANCE_SMTP_HOST": ""}, "set ASSISTANCE_SMTP_HOST"),
        ({"CELERY_BROKER_URL": ""}, "set CELERY_BROKER_URL"),
    ],
)
def test_production_refuses_debug_and_needs_smtp_and_a_broker(tmp_path, overrides, message):
    result = run_manage("check", **production(tmp_path, **overrides))
    assert result.returncode != 0
    assert message in result.stderr


def test_production_profile_requires_a_secret_key(tmp_path):
    environment = production(tmp_path)
    del environment["DJANGO_SECRET_KEY"]
    result = run_manage("check", **environment)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_demo_defaults(tmp_path):
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.MAILERS['default']['BACKEND'], s.CELERY_TASK_ALWAYS_EAGER)",
        ASSISTANCE_VAR_DIR=str(tmp_path),
        CELERY_BROKER_URL="",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3", "helpdesk.mail.EmlFileBackend", "True"]


@pytest.mark.parametrize(("environment", "limit"), [({}, "10"), ({"ASSISTANCE_MAX_FILES_PER_TICKET": "3"}, "3")])
def test_the_number_of_files_of_a_ticket_is_limited(tmp_path, environment, limit):
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.MAX_FILES_PER_TICKET)",
        ASSISTANCE_VAR_DIR=str(tmp_path),
        **environment,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [limit]


def test_urls_choose_postgresql_and_redis(tmp_path):
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER)",
        ASSISTANCE_VAR_DIR=str(tmp_path),
        DATABASE_URL="postgres://assistance@db.example:5432/assistance",
        CELERY_BROKER_URL="redis://redis.example:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "redis://redis.example:6379/0",
        "False",
    ]


@pytest.mark.parametrize(("work_mem", "expected"), [(None, "16MB"), ("64MB", "64MB"), ("beaucoup", None)])
def test_postgresql_sessions_run_without_jit_nor_parallel_workers_with_the_memory_chosen(tmp_path, work_mem, expected):
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.DATABASES['default']['OPTIONS']['options'])",
        ASSISTANCE_VAR_DIR=str(tmp_path),
        DATABASE_URL="postgres://assistance@db.example:5432/assistance",
        **({"ASSISTANCE_DATABASE_WORK_MEM": work_mem} if work_mem else {}),
    )
    if expected is None:
        assert result.returncode != 0 and "ASSISTANCE_DATABASE_WORK_MEM takes a size" in result.stderr
    else:
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == [
            "-c",
            "jit=off",
            "-c",
            f"work_mem={expected}",
            "-c",
            "max_parallel_workers_per_gather=0",
        ]


def test_the_demo_is_fenced_off_in_production(tmp_path):
    """Production installs no demo app (no demo_data, no rundemo) and routes none of its pages."""
    installed = production(tmp_path)
    script = (
        "import django; django.setup(); from django.apps import apps; from django.urls import NoReverseMatch, reverse\n"
        "print('demo app:', apps.is_installed('tickets.demo'))\n"
        "try:\n    reverse('demo_mailbox'); print('mailbox: routed')\n"
        "except NoReverseMatch:\n    print('mailbox: not routed')\n"
    )
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    environment.update(installed, DJANGO_SETTINGS_MODULE="helpdesk.settings")
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.stdout.split("\n")[:2] == ["demo app: False", "mailbox: not routed"], result.stderr
    assert "Unknown command: 'demo_data'" in run_manage("demo_data", **installed).stderr
    demo = run_manage("help", "demo_data", ASSISTANCE_VAR_DIR=str(tmp_path))
    assert demo.returncode == 0, demo.stderr


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, ["assistance@localhost", "None"]),
        (
            {"ASSISTANCE_MAIL_IN_IMAP_HOST": "imap.univ.example"},
            ["assistance@localhost", "tickets.mailin.tasks.receive_mail"],
        ),
    ],
)
def test_beat_polls_the_mailbox_every_minute_only_when_one_is_set(tmp_path, environment, expected):
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; poll = s.CELERY_BEAT_SCHEDULE.get('receive-mail'); "
        "print(s.MAIL_IN_ADDRESS, poll and poll['task'], poll and poll['schedule'].total_seconds())",
        ASSISTANCE_VAR_DIR=str(tmp_path),
        **environment,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == expected
    if environment:
        assert result.stdout.split()[2] == "60.0"


def test_production_turns_mail_in_on_only_when_asked(tmp_path):
    show = "from django.conf import settings as s; print(repr(s.MAIL_IN_ADDRESS))"
    off = run_manage("shell", "--no-imports", "-c", show, **production(tmp_path))
    on = run_manage(
        "shell",
        "--no-imports",
        "-c",
        show,
        **production(tmp_path, ASSISTANCE_MAIL_IN_ADDRESS="assistance@univ.example"),
    )
    assert (off.stdout.strip(), on.stdout.strip()) == ("''", "'assistance@univ.example'")


def test_passwords_are_hashed_with_argon2_and_older_hashes_still_verify(db):
    from django.contrib.auth.hashers import check_password, identify_hasher, make_password
    from django.test import override_settings

    from helpdesk import settings as configured

    with override_settings(PASSWORD_HASHERS=configured.PASSWORD_HASHERS):
        assert identify_hasher(make_password("correct horse")).algorithm == "argon2"
        older = make_password("correct horse", hasher="pbkdf2_sha256")
        upgraded = []
        assert check_password("correct horse", older, setter=upgraded.append)
        assert upgraded == ["correct horse"]  # rehashed with Argon2 at the next login
