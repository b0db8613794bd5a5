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
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tickets.demo.mail_client import ReplyForm, build_reply, reply_address_of
from tickets.mailin import transport
from tickets.models import IncomingStatus

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


def _read_named(name):
    folder = mail_folder()
    if not EML_NAME.fullmatch(name) or not (folder / name).is_file():
        raise Http404
    return read_mail(folder / name)


def mail(request, name, form=None):
    """One mail: its headers and its text, links clickable, and a form to answer it as its recipient."""
    message = _read_named(name)
    body = message.get_body(preferencelist=("plain",))
    context = {
        "name": name,
        "headers": [(key, message[key]) for key in ("From", "To", "Reply-To", "Date", "Subject") if message[key]],
        "text": body.get_content() if body is not None else "",
        "links": links_of(message),
        "reply_to": reply_address_of(message),
        "form": form or ReplyForm(),
    }
    return render(request, "demo/mail.html", context, status=400 if form is not None else 200)


@require_POST
def reply(request, name):
    """Answers a mail as its recipient's mail client would, through the mail gateway."""
    original = _read_named(name)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return mail(request, name, form=form)
    raw = build_reply(original, text=form.cleaned_data["text"], files=form.cleaned_data["files"])
    result = transport.receive_piped(raw)
    if result.status == IncomingStatus.RECORDED:
        messages.success(
            request, _("Votre réponse a été reçue par le portail (ticket n°%(number)s).") % {"number": result.ticket_id}
        )
    else:
        messages.warning(
            request,
            _("Le portail n'a pas enregistré votre réponse (%(reason)s) ; voyez sa réponse ci-dessous.")
            % {"reason": result.reason or result.status},
        )
    return redirect("demo_mailbox")
