"""The demo's mailbox: the mails the portal wrote as .eml files, with their links clickable.

It exists only in the demo (DEBUG on and mail written to files), so that a newcomer can walk the
approval flow alone; anywhere else it answers "not found".
"""

import re
from email import policy
from email.parser import BytesParser
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.shortcuts import render

EML_NAME = re.compile(r"[\w.-]{1,200}\.eml")
LISTED = 200


def mail_folder():
    """The folder of the .eml files, or ``Http404`` outside the demo."""
    mailer = settings.MAILERS.get("default", {})
    if not settings.DEBUG or mailer.get("BACKEND") != "helpdesk.mail.EmlFileBackend":
        raise Http404
    return Path(mailer.get("OPTIONS", {}).get("file_path") or settings.MAIL_DIR)


class LinkCollector(HTMLParser):
    """The links of a mail's HTML part, with their labels: "Approuver la clôture" → its URL."""

    def __init__(self):
        super().__init__()
        self.links, self._href, self._label = [], None, []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") or ""
        if tag == "a" and href.startswith(("http://", "https://")):
            self._href, self._label = href, []

    def handle_data(self, data):
        if self._href is not None:
            self._label.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append({"label": " ".join("".join(self._label).split()), "url": self._href})
            self._href = None


def links_of(message):
    body = message.get_body(preferencelist=("html",))
    if body is None:
        return []
    collector = LinkCollector()
    collector.feed(body.get_content())
    return collector.links


def read_mail(file):
    with file.open("rb") as handle:
        return BytesParser(policy=policy.default).parse(handle)


def mailbox(request):
    """Every mail written, newest first, with its recipient and subject."""
    folder = mail_folder()
    files = sorted(folder.glob("*.eml"), reverse=True)[:LISTED] if folder.is_dir() else []
    mails = []
    for file in files:
        message = read_mail(file)
        mails.append({"name": file.name, "to": message["To"], "subject": message["Subject"], "date": message["Date"]})
    return render(request, "demo/mailbox.html", {"mails": mails, "folder": folder})


def mail(request, name):
    """One mail: its headers and its text, links clickable."""
    folder = mail_folder()
    if not EML_NAME.fullmatch(name) or not (folder / name).is_file():
        raise Http404
    message = read_mail(folder / name)
    body = message.get_body(preferencelist=("plain",))
    context = {
        "name": name,
        "headers": [(key, message[key]) for key in ("From", "To", "Date", "Subject")],
        "text": body.get_content() if body is not None else "",
        "links": links_of(message),
    }
    return render(request, "demo/mail.html", context)
