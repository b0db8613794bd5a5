"""Backups as the README describes them: a dump of the database and a copy of the uploaded files, restored
into an empty database on another folder, give back a portal that serves the same tickets and files."""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PG = {"PGHOST": os.environ.get("PGHOST", "127.0.0.1"), "PGPORT": os.environ.get("PGPORT", "5432"), "PGUSER": "postgres"}

# Files a ticket, with a screenshot, as the portal would; prints the ticket's number and the file's token.
WRITE = """
import io
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from accounts.models import User
from tickets import workflow
from tickets.attachments.storage import store_attachment
from tickets.models import Category, EntryScope, Membership, Service
owner = User.objects.create_user("seclier5", "benjamin.seclier@univ.example", "x")
service = Service.objects.create(label="DN – Applications de scolarité")
category = Category.add_root(service=service, code="02_App_Gestion", label="Applications scolarité")
ticket = workflow.create_ticket(actor=owner, category=category, subject="Connexion apogee impossible",
                                description="<p>Bonjour</p>")
png = io.BytesIO()
Image.new("RGB", (40, 20), "navy").save(png, format="PNG")
upload = SimpleUploadedFile("capture.png", png.getvalue(), content_type="image/png")
attachment = store_attachment(ticket, upload, uploaded_by=owner, scope=EntryScope.INVITED)
print(ticket.pk, attachment.token)
"""

# Reads them back through the portal's pages, as the owner.
READ = """
import sys
import django
django.setup()
from django.test import Client
from accounts.models import User
number, token = sys.argv[1], sys.argv[2]
client = Client(SERVER_NAME="localhost")
client.force_login(User.objects.get(username="seclier5"))
page = client.get(f"/ticket/{number}/")
file = client.get(f"/fichiers/{token}/")
print(page.status_code, "Connexion apogee impossible" in page.text, file.status_code, file["Content-Type"],
      b"".join(file.streaming_content)[:8] == b"\\x89PNG\\r\\n\\x1a\\n")
"""


def run(command, **env):
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    environment.update(PG, **env)
    result = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{command[:3]}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture
def databases():
    """Two empty PostgreSQL databases of this test (the live one and the one restored into), dropped after."""
    if shutil.which("pg_dump") is None or subprocess.run(["pg_isready", "-q"], env={**os.environ, **PG}).returncode:
        pytest.skip("PostgreSQL and its client tools are needed (CI has them).")
    names = [f"assistance_backup_{uuid.uuid4().hex[:8]}_{role}" for role in ("live", "restored")]
    for name in names:
        run(["createdb", name])
    yield names
    for name in names:
        subprocess.run(["dropdb", "--if-exists", "--force", name], env={**os.environ, **PG}, capture_output=True)


def test_a_dump_and_the_files_restore_a_portal_that_serves_them(tmp_path, databases):
    live, restored = databases
    url = f"postgres://postgres@{PG['PGHOST']}:{PG['PGPORT']}/"
    portal = {"ASSISTANCE_VAR_DIR": str(tmp_path / "live"), "CELERY_BROKER_URL": "", "DATABASE_URL": url + live}
    run([sys.executable, "manage.py", "migrate", "--no-input"], **portal)
    number, token = run([sys.executable, "-c", WRITE], DJANGO_SETTINGS_MODULE="helpdesk.settings", **portal).split()

    # The backup, as README.md ("Backups") says: the database and the uploaded files.
    dump = tmp_path / "assistance.dump"
    run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", live])
    shutil.copytree(tmp_path / "live" / "media", tmp_path / "copy-of-media")

    # The restore, on an empty database and another folder.
    run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump)])
    (tmp_path / "restored").mkdir()
    shutil.copytree(tmp_path / "copy-of-media", tmp_path / "restored" / "media")
    back = {"ASSISTANCE_VAR_DIR": str(tmp_path / "restored"), "CELERY_BROKER_URL": "", "DATABASE_URL": url + restored}
    assert "No migrations to apply." in run([sys.executable, "manage.py", "migrate", "--no-input"], **back)
    shown = run([sys.executable, "-c", READ, number, token], DJANGO_SETTINGS_MODULE="helpdesk.settings", **back)
    assert shown.split() == ["200", "True", "200", "image/png", "True"]
