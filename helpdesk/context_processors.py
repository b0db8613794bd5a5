from django.conf import settings


def portal(request):
    """The institution's name, shown in the header of every page."""
    return {"institution_name": settings.INSTITUTION_NAME}
