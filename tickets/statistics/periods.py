"""The period of the statistics: a preset or free dates ("du … au …"), and its buckets (day, week or month).

Dates are the portal's local dates; a period runs from its first day at midnight to the midnight after its
last day.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models.statistics import DAY_SPAN, MONTH_SPAN

DAY, WEEK, MONTH = "jour", "semaine", "mois"
GRANULARITIES = {DAY: _("Jour"), WEEK: _("Semaine"), MONTH: _("Mois")}
PRESETS = {
    "7j": _("7 derniers jours"),
    "30j": _("30 derniers jours"),
    "12m": _("12 derniers mois"),
    "annee": _("Cette année"),
    "annee-derniere": _("L'année dernière"),
}
DEFAULT_PRESET = "30j"
# Beyond this many buckets a chosen granularity is too fine to read: the automatic one is used.
MAX_BUCKETS = 400


def preset_dates(preset, today):
    """(first day, last day) of ``preset`` as seen on ``today``."""
    if preset == "7j":
        return today - timedelta(days=6), today
    if preset == "30j":
        return today - timedelta(days=29), today
    if preset == "12m":
        first = _add_months(today.replace(day=1), -11)
        return first, today
    if preset == "annee":
        return today.replace(month=1, day=1), today
    if preset == "annee-derniere":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    raise KeyError(preset)


def automatic_granularity(first, last):
    """Days up to 31 days, weeks up to 26 weeks, months beyond."""
    days = (last - first).days + 1
    if days <= 31:
        return DAY
    if days <= 183:
        return WEEK
    return MONTH


def _add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def bucket_start(day, granularity):
    """The first day of the bucket holding ``day``: itself, the Monday of its week, the 1st of its month."""
    if granularity == WEEK:
        return day - timedelta(days=day.weekday())
    if granularity == MONTH:
        return day.replace(day=1)
    return day


def next_bucket(day, granularity):
    if granularity == WEEK:
        return day + timedelta(days=7)
    if granularity == MONTH:
        return _add_months(day, 1)
    return day + timedelta(days=1)


def bucket_count(first, last, granularity):
    count, day = 0, bucket_start(first, granularity)
    while day <= last and count <= MAX_BUCKETS:
        count, day = count + 1, next_bucket(day, granularity)
    return count


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    granularity: str

    @property
    def granularity_label(self):
        return GRANULARITIES[self.granularity]

    @property
    def start(self):
        """The aware datetime the period starts at (its first day at local midnight)."""
        return local_midnight(self.first)

    @property
    def end(self):
        """The aware datetime the period ends at, excluded (the midnight after its last day)."""
        return local_midnight(self.last + timedelta(days=1))

    def buckets(self):
        """The first day of each bucket, in order; the first may begin before the period (a week's Monday)."""
        days, day = [], bucket_start(self.first, self.granularity)
        while day <= self.last:
            days.append(day)
            day = next_bucket(day, self.granularity)
        return days

    def label(self, day):
        """How a bucket is named in tables and charts: "02/12/2026", "sem. du 30/11/2026", "12/2026"."""
        if self.granularity == MONTH:
            return day.strftime("%m/%Y")
        if self.granularity == WEEK:
            return _("sem. du %(day)s") % {"day": day.strftime("%d/%m/%Y")}
        return day.strftime("%d/%m/%Y")


def local_midnight(day):
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def today():
    return timezone.localdate()


def fact_days(first, last, *, months=True):
    """The filter of the pre-computed rows of the days ``first`` to ``last`` (both included): the monthly
    rows of the whole months among them (a year reads about 12 rows per key, not 365), the daily rows of
    the other days; only daily rows when ``months`` is False (buckets that cut months: days, weeks)."""
    whole_first = first if first.day == 1 else _add_months(first.replace(day=1), 1)
    whole_end = (last + timedelta(days=1)).replace(day=1)  # the 1st after the last whole month
    if not months or whole_first >= whole_end:
        return Q(span=DAY_SPAN, day__gte=first, day__lte=last)
    return (
        Q(span=MONTH_SPAN, day__gte=whole_first, day__lt=whole_end)
        | Q(span=DAY_SPAN, day__gte=first, day__lt=whole_first)
        | Q(span=DAY_SPAN, day__gte=whole_end, day__lte=last)
    )
