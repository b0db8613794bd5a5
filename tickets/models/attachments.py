"""Files attached to a ticket or to one of its history entries."""

import re

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models.choices import EntryScope
from tickets.models.comments import Event
from tickets.models.tickets import Ticket

# A thumbnail's stored name ends with its size: "thumbnails/<token>-200x113.png".
_THUMBNAIL_SIZE = re.compile(r"-(\d{1,4})x(\d{1,4})\.\w+$")
# The largest a thumbnail is drawn (tickets.attachments.thumbnails): the box of one whose size is not known.
THUMBNAIL_BOX = (200, 200)


def attachment_path(attachment, filename):
    # The stored name never comes from the user: it is only a key for the file.
    return f"attachments/{timezone.now():%Y/%m}/{attachment.token}"


class Attachment(models.Model):
    """A file of a ticket, stored outside any public URL and served by a view that checks its scope."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("ticket"))
    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, null=True, blank=True, related_name="attachments", verbose_name=_("action")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("déposé par")
    )
    token = models.CharField(max_length=32, unique=True, editable=False)
    file = models.FileField(_("fichier"), upload_to=attachment_path, max_length=200)
    thumbnail = models.FileField(_("vignette"), upload_to="thumbnails/", blank=True, max_length=200)
    name = models.CharField(_("nom"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("taille"))
    scope = models.CharField(_("visibilité"), max_length=16, choices=EntryScope, default=EntryScope.INVITED)
    created_at = models.DateTimeField(_("déposé le"), default=timezone.now)

    class Meta:
        verbose_name = _("fichier attaché")
        verbose_name_plural = _("fichiers attachés")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.name

    @property
    def thumbnail_size(self):
        """The thumbnail's (width, height), read from its name; the box it fits in for one drawn before the
        names carried it. None without a thumbnail."""
        if not self.thumbnail:
            return None
        found = _THUMBNAIL_SIZE.search(self.thumbnail.name)
        return (int(found[1]), int(found[2])) if found else THUMBNAIL_BOX
