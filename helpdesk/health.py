"""The health page a load balancer polls: is this web worker able to serve (database and broker reachable)?

It answers fast, is never cached, needs no login, and says nothing but "ok" or "unavailable": what failed
goes to the log, for the administrators.
"""

import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

# Seconds a check may take: a load balancer waits a little, and a worker stuck longer is not healthy.
TIMEOUT = 1.0


def database_reachable():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("Health: the database is not reachable.")
        return False


def broker_reachable():
    """True when Celery's broker (Redis) answers; with no broker, tasks run in-process and need none."""
    if not settings.CELERY_BROKER_URL:
        return True
    try:
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT
        )
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:
        logger.exception("Health: the broker is not reachable.")
        return False


@never_cache
@require_GET
def health(request):
    healthy = database_reachable() and broker_reachable()
    return JsonResponse({"status": "ok" if healthy else "unavailable"}, status=200 if healthy else 503)
