from django.conf import settings


def login_options(request):
    """Whether local accounts are offered beside the ENT login (ASSISTANCE_LOCAL_ACCOUNTS)."""
    return {"local_accounts": settings.LOCAL_ACCOUNTS}
