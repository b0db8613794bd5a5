"""Files of tickets, served only to those who may see them."""

from django.contrib.auth.decorators import login_required

from tickets.attachments.serving import serve_attachment
from tickets.selectors import get_attachment_for


@login_required
def attachment(request, token, thumbnail=False):
    """A ticket's file, to those who may see it; anyone else gets "not found"."""
    return serve_attachment(get_attachment_for(request.user, token), thumbnail=thumbnail)
