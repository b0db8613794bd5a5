"""Mail-in test support: the sample messages of tests/mail_samples/, and a real IMAP server (Debian's
Dovecot) of the tests' own on the loopback.

The server runs as a child process of the tests (``dovecot -F`` with a configuration file of its own, no
system service), on a free port, with plain login for one user from a passwd-file and its mail in a
maildir; it is stopped at the end. Dovecot refuses to run mail processes as root: when the tests run as
root, the mail belongs to the unprivileged "nobody", in a folder of its own under the system's temporary
folder (pytest's temporary folders are closed to other users), removed at the end.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from email.utils import make_msgid
from pathlib import Path

import pytest
from imapclient import IMAPClient

SAMPLES = Path(__file__).resolve().parent / "mail_samples"
DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "assistance", "imap-test-password"


def sample(name, **values):
    """The bytes of ``tests/mail_samples/<name>.eml`` with its placeholders filled (``FROM``, ``TO``,
    ``NUMBER``; ``MESSAGE_ID`` is new unless given), with CRLF line ends as on the wire."""
    values.setdefault("MESSAGE_ID", make_msgid(domain="client.example"))
    text = (SAMPLES / f"{name}.eml").read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class DovecotServer:
    """A Dovecot IMAP server on 127.0.0.1:``port`` with one user, ``USER``/``PASSWORD``."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.port = free_port()
        self.host = "127.0.0.1"
        self.user, self.password = USER, PASSWORD
        self.process = None
        self.mail_root = None

    def __enter__(self):
        uid, gid = os.getuid(), os.getgid()
        if uid == 0:
            nobody = pwd.getpwnam("nobody")
            uid, gid = nobody.pw_uid, nobody.pw_gid
            self.mail_root = Path(tempfile.mkdtemp(prefix="assistance-imap-"))
            os.chown(self.mail_root, uid, gid)
            mail = self.mail_root
        else:
            mail = self.directory / "mail"
            mail.mkdir()
        for name in ("run", "state"):
            (self.directory / name).mkdir()
        (self.directory / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n", encoding="utf-8")
        config = self.directory / "dovecot.conf"
        config.write_text(self._config(mail, uid, gid), encoding="utf-8")
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=open(self.directory / "stderr.log", "wb"),
        )
        try:
            self._wait_until_listening()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _config(self, mail, uid, gid):
        run, state = self.directory / "run", self.directory / "state"
        return f"""
base_dir = {run}
state_dir = {state}
instance_name = assistance-test-{self.port}
log_path = {self.directory / "dovecot.log"}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{mail}/%u
mail_uid = {uid}
mail_gid = {gid}
first_valid_uid = {uid}
last_valid_uid = {uid}
first_valid_gid = 0
default_login_user = {"dovenull" if os.getuid() == 0 else pwd.getpwuid(os.getuid()).pw_name}
default_internal_user = {"dovecot" if os.getuid() == 0 else pwd.getpwuid(os.getuid()).pw_name}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.directory / "passwd"}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={mail}/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service auth {{
  user = {"root" if os.getuid() == 0 else "$default_internal_user"}
}}
service auth-worker {{
  user = {"root" if os.getuid() == 0 else "$default_internal_user"}
}}
"""

    def _wait_until_listening(self):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Dovecot stopped: {(self.directory / 'stderr.log').read_text()}")
            try:
                with self.client():
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("Dovecot did not answer within 20 seconds.")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.mail_root is not None:
            shutil.rmtree(self.mail_root, ignore_errors=True)

    def client(self):
        """A logged-in IMAP client (use it in a ``with``)."""
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=30)
        client.login(self.user, self.password)
        return client

    def deliver(self, raw, folder="INBOX"):
        """Puts a message in ``folder`` (IMAP APPEND), as an MTA delivering to the mailbox would."""
        with self.client() as client:
            client.append(folder, raw)

    def messages(self, folder="INBOX"):
        """The messages of ``folder`` (not deleted), as bytes, oldest first; [] when it does not exist."""
        with self.client() as client:
            if not client.folder_exists(folder):
                return []
            client.select_folder(folder, readonly=True)
            uids = sorted(client.search(["UNDELETED"]))
            fetched = client.fetch(uids, [b"BODY.PEEK[]"]) if uids else {}
            return [fetched[uid][b"BODY[]"] for uid in uids]

    def empty(self):
        """Deletes every message of every folder."""
        with self.client() as client:
            for _flags, _separator, name in client.list_folders():
                client.select_folder(name)
                uids = client.search(["ALL"])
                if uids:
                    client.delete_messages(uids)
                    client.expunge()


@pytest.fixture(scope="module")
def imap_server(tmp_path_factory):
    if not Path(DOVECOT).exists():
        pytest.fail("Dovecot is missing: scripts/test installs it (apt-get install dovecot-imapd).")
    with DovecotServer(tmp_path_factory.mktemp("dovecot")) as server:
        yield server


def use_as_mailbox(imap_server, settings):
    """Empties the test server and makes it the portal's mailbox. Returns it."""
    imap_server.empty()
    settings.MAIL_IN_IMAP_HOST = imap_server.host
    settings.MAIL_IN_IMAP_PORT = imap_server.port
    settings.MAIL_IN_IMAP_SECURITY = "none"
    settings.MAIL_IN_IMAP_USER = imap_server.user
    settings.MAIL_IN_IMAP_PASSWORD = imap_server.password
    settings.MAIL_IN_IMAP_FOLDER = "INBOX"
    settings.MAIL_IN_IMAP_FAILED_FOLDER = "Assistance-echecs"
    return imap_server
