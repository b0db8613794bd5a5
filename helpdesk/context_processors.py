from django.conf import settings


def portal(request):
    """The institution's name, shown in the header of every page, and whether the demo's mailbox exists."""
    demo_mail = settings.MAILERS.get("default", {}).get("BACKEND") == "helpdesk.mail.EmlFileBackend"
    mailbox = settings.DEMO and settings.DEBUG and demo_mail
    return {"institution_name": settings.INSTITUTION_NAME, "debug_mailbox": mailbox}
