"""Template filters for rich text: ``{{ ticket.description|rich }}`` and ``{{ event.text|richtext_plain }}``."""

from django import template
from django.utils.safestring import mark_safe

from tickets.richtext import html_to_text, sanitize_html

register = template.Library()


@register.filter
def rich(value):
    # Stored text was sanitised on the way in; cleaning again here means a row written by another path
    # (an import, the admin, an older version of the allow-list) still cannot carry a script to a page.
    return mark_safe(sanitize_html(value))  # noqa: S308 -- safe because nh3 just cleaned it


@register.filter
def richtext_plain(value):
    return html_to_text(value)
