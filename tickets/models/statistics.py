"""The pre-computed figures of STATISTIQUES: what the tickets contribute, summed per local day ("D") and per
month ("M", its day the 1st), under the service, category, manager and origin each ticket has now.

Written by ``tickets.statistics.facts`` in the transaction of every workflow action, rebuilt from the tickets
and their history by ``manage.py rebuild_statistics``. The key is plain integers (manager 0: none), so that
one unique constraint serves the upsert (INSERT … ON CONFLICT DO UPDATE) on PostgreSQL and on SQLite and the
reads of a period (span, then day first).
"""

from django.db import models

DAY_SPAN, MONTH_SPAN = "D", "M"
KEY = ("span", "day", "service_id", "category_id", "manager_id", "origin")
NO_MANAGER = 0


class Fact(models.Model):
    span = models.CharField(max_length=1)  # DAY_SPAN or MONTH_SPAN
    day = models.DateField()
    service_id = models.IntegerField()
    category_id = models.IntegerField()
    manager_id = models.IntegerField()
    origin = models.CharField(max_length=8)

    class Meta:
        abstract = True


class StatisticsCount(Fact):
    """Tickets filed, closures per final status, reopenings and closure refusals of a day or a month."""

    opened = models.IntegerField(default=0)
    approved = models.IntegerField(default=0)
    expired = models.IntegerField(default=0)
    cancelled = models.IntegerField(default=0)
    rejected = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0)
    refused = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=KEY, name="statistics_count_key")]

    def __str__(self):
        return f"{self.span} {self.day} {self.service_id}/{self.category_id}/{self.manager_id}/{self.origin}"


class StatisticsDelay(Fact):
    """How many tickets were taken in charge (measure 0) or closed (1) that day or month after a delay from
    their filing in the class ``bucket`` (``tickets.statistics.facts.delay_class``)."""

    measure = models.SmallIntegerField()
    bucket = models.SmallIntegerField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=[*KEY, "measure", "bucket"], name="statistics_delay_key")]

    def __str__(self):
        return f"{self.span} {self.day} {self.measure}/{self.bucket}: {self.n}"


class StatisticsSubject(Fact):
    """How many tickets were filed that day or month with this normalised subject."""

    subject = models.CharField(max_length=200)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=[*KEY, "subject"], name="statistics_subject_key")]

    def __str__(self):
        return f"{self.span} {self.day} {self.subject}: {self.n}"
