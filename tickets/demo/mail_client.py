"""The demo's mail client: a reply to one of the demo's mails, written as a mail client writes it.

The reply goes to the mail's Reply-To from the address the mail was sent to, quotes the mail under an
attribution line, and carries the files chosen; the demo's mailbox page hands it to the mail gateway
through the same path as an MTA's pipe (``tickets.mailin.transport.receive_piped``).
"""

import mimetypes
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formatdate, make_msgid, parsedate_to_datetime

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tickets.forms.fields import MultipleFileField


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Votre réponse"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    files = MultipleFileField(label=gettext_lazy("Fichiers joints"), required=False)

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("text") or "").strip() and not cleaned.get("files"):
            raise forms.ValidationError(_("Écrivez une réponse ou joignez un fichier."))
        return cleaned


def reply_address_of(original):
    """Where a reply to ``original`` goes: its Reply-To, else its sender."""
    return str(original["Reply-To"] or original["From"] or "")


def build_reply(original, *, text, files):
    """The bytes of a reply to ``original`` (a parsed mail) with ``text`` above the quoted mail and
    ``files`` (uploaded files) attached."""
    reply = EmailMessage(policy=policy.SMTP)
    reply["From"] = str(original["To"])
    reply["To"] = reply_address_of(original)
    subject = str(original["Subject"] or "")
    reply["Subject"] = subject if subject.lower().startswith("re:") else f"Re: {subject}"
    reply["Date"] = formatdate(localtime=True)
    reply["Message-ID"] = make_msgid(domain="demo.invalid")
    if original["Message-ID"]:
        reply["In-Reply-To"] = str(original["Message-ID"])
        reply["References"] = " ".join(filter(None, [str(original["References"] or ""), reply["In-Reply-To"]]))
    reply.set_content(f"{text.strip()}\n\n{_attribution(original)}\n{_quoted(original)}\n")
    for upload in files:
        content_type = upload.content_type or mimetypes.guess_type(upload.name)[0] or "application/octet-stream"
        maintype, _slash, subtype = content_type.partition("/")
        reply.add_attachment(upload.read(), maintype=maintype, subtype=subtype or "octet-stream", filename=upload.name)
    return reply.as_bytes()


def _attribution(original):
    try:
        when = format_datetime(parsedate_to_datetime(str(original["Date"])))
    except (TypeError, ValueError):
        when = str(original["Date"] or "")
    return _("Le %(date)s, %(sender)s a écrit :") % {"date": when, "sender": original["From"]}


def _quoted(original):
    body = original.get_body(preferencelist=("plain",))
    lines = body.get_content().splitlines() if body is not None else []
    return "\n".join(f"> {line}" if line else ">" for line in lines)
