"""The tables of the statistics page, one tab at a time, each with its chart: the rows shown are the rows
of its CSV. Figures come from ``figures`` and ``delays``; names from the filters' choices."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from tickets.models import Status
from tickets.statistics import charts, delays, figures

TABS = {
    "activite": gettext_lazy("Activité"),
    "delais": gettext_lazy("Délais"),
    "issues": gettext_lazy("Issues"),
    "recurrents": gettext_lazy("Problèmes récurrents"),
    "satisfaction": gettext_lazy("Satisfaction"),
}
DEFAULT_TAB = "activite"
# The CSV downloads: table name → its tab.
TABLES = {
    "activite": "activite",
    "delais-service": "delais",
    "delais-categorie": "delais",
    "delais-gestionnaire": "delais",
    "issues": "issues",
    "categories": "recurrents",
    "sujets": "recurrents",
    "satisfaction-notes": "satisfaction",
    "satisfaction-service": "satisfaction",
    "satisfaction-categorie": "satisfaction",
    "satisfaction-gestionnaire": "satisfaction",
}


@dataclass
class Table:
    name: str
    caption: str
    headers: list
    rows: list
    charts: list = field(default_factory=list)


def _hours(value):
    return "—" if value is None else number_format(value, 1)


class Names:
    """Labels of services, categories and managers, from the filters' choices (and one query for managers
    who left the services)."""

    def __init__(self, choices):
        self.services = {s.pk: s.label for s in choices["services"]}
        self.categories = {c.pk: c.short_title for c in choices["categories"]}
        self.people = {p.pk: p.name for p in choices["managers"]}

    def learn_people(self, ids):
        missing = {pk for pk in ids if pk is not None and pk not in self.people}
        if missing:
            for person in get_user_model().objects.filter(pk__in=missing):
                self.people[person.pk] = person.name

    def of(self, dimension, key):
        if key is None:
            return _("Aucun gestionnaire") if dimension == "manager" else "—"
        known = {"service": self.services, "category": self.categories, "manager": self.people}[dimension]
        return known.get(key) or _("n°%(id)s") % {"id": key}


def activity_tables(scope, period, names):
    rows = figures.activity(scope, period)
    labels = [str(period.label(day)) for day, *_counts in rows]
    table = Table(
        "activite",
        _("Tickets ouverts, clos et en cours à la fin de chaque période"),
        [_("Période"), pgettext("statistics", "Ouverts"), _("Clos"), _("En cours à la fin")],
        [[label, opened, closed, backlog] for label, (_day, opened, closed, backlog) in zip(labels, rows, strict=True)],
    )
    table.charts = [
        charts.bars(
            "chart-activite",
            _("Tickets ouverts et clos"),
            _("Nombre de tickets ouverts et de tickets clos par période ; les valeurs sont dans le tableau."),
            labels,
            [(pgettext("statistics", "Ouverts"), [r[1] for r in rows]), (_("Clos"), [r[2] for r in rows])],
        ),
        charts.line(
            "chart-en-cours",
            _("Tickets en cours"),
            _("Nombre de tickets non clos à la fin de chaque période ; les valeurs sont dans le tableau."),
            labels,
            [r[3] for r in rows],
            _("En cours à la fin"),
        ),
    ]
    return [table]


DELAY_CAPTIONS = {
    "service": gettext_lazy("Délais par service (en heures)"),
    "category": gettext_lazy("Délais par catégorie (en heures)"),
    "manager": gettext_lazy("Délais par gestionnaire (en heures)"),
}
DELAY_NAMES = {"service": "delais-service", "category": "delais-categorie", "manager": "delais-gestionnaire"}
DIMENSION_HEADERS = {
    "service": gettext_lazy("Service"),
    "category": gettext_lazy("Catégorie"),
    "manager": gettext_lazy("Gestionnaire"),
}


def delay_tables(scope, period, names):
    by_dimension = delays.all_delays(scope, period)
    names.learn_people(row[0] for row in by_dimension["manager"])
    tables = []
    for dimension, rows in by_dimension.items():
        table = Table(
            DELAY_NAMES[dimension],
            str(DELAY_CAPTIONS[dimension]),
            [
                str(DIMENSION_HEADERS[dimension]),
                pgettext("statistics", "Pris en charge"),
                _("Délai de prise en charge médian"),
                _("Délai de prise en charge, 90e centile"),
                _("Résolus"),
                _("Temps de résolution médian"),
                _("Temps de résolution, 90e centile"),
            ],
            [
                [names.of(dimension, key), taken, _hours(t50), _hours(t90), closed, _hours(c50), _hours(c90)]
                for key, taken, t50, t90, closed, c50, c90 in rows
            ],
        )
        tables.append(table)
    services = tables[0]
    services.charts = [
        charts.horizontal_bars(
            "chart-delais",
            _("Temps de résolution médian par service (heures)"),
            _("Une barre par service, d'autant plus longue que le temps de résolution médian est long."),
            [row[0] for row in services.rows],
            [row[5] for row in by_dimension["service"]],
            " h",
        )
    ]
    return tables


def outcome_tables(scope, period, names):
    labels = {status: str(Status(status).label) for status in figures.OUTCOMES}
    labels[figures.REFUSAL_KIND] = _("Clôtures refusées")
    rows = [[labels[key], n] for key, n in figures.outcomes(scope, period)]
    table = Table("issues", _("Fins des tickets et clôtures refusées dans la période"), [_("Issue"), _("Nombre")], rows)
    table.charts = [
        charts.horizontal_bars(
            "chart-issues",
            _("Comment finissent les tickets"),
            _("Une barre par issue (clôture approuvée, expiré, annulé, refusé) et pour les clôtures refusées."),
            [row[0] for row in rows],
            [row[1] for row in rows],
        )
    ]
    return [table]


def recurring_tables(scope, period, names):
    categories = [[names.of("category", key), n] for key, n in figures.recurring_categories(scope, period)]
    subjects = [[subject, n] for subject, n in figures.recurring_subjects(scope, period)]
    by_category = Table("categories", _("Catégories les plus fréquentes"), [_("Catégorie"), _("Tickets")], categories)
    by_subject = Table("sujets", _("Sujets les plus fréquents (normalisés)"), [_("Sujet"), _("Tickets")], subjects)
    for table, chart_id in ((by_category, "chart-categories"), (by_subject, "chart-sujets")):
        table.charts = [
            charts.horizontal_bars(
                chart_id,
                table.caption,
                _("Une barre par ligne du tableau qui suit, d'autant plus longue qu'elle compte de tickets."),
                [row[0] for row in table.rows],
                [row[1] for row in table.rows],
            )
        ]
    return [by_category, by_subject]


def satisfaction_tables(scope, period, names):
    result = figures.satisfaction(scope, period)
    names.learn_people(row[0] for row in result["manager"])
    average = "—" if result["average"] is None else number_format(result["average"], 2)
    notes = Table(
        "satisfaction-notes",
        _("Répartition des notes (%(count)s notes, moyenne %(average)s)")
        % {"count": result["count"], "average": average},
        [_("Note"), _("Nombre")],
        [[f"{rating}/5", n] for rating, n in result["distribution"]],
    )
    notes.charts = [
        charts.bars(
            "chart-satisfaction",
            _("Répartition des notes de satisfaction"),
            _("Nombre de notes de 1 à 5 données à l'approbation de la clôture."),
            [row[0] for row in notes.rows],
            [(_("Notes"), [row[1] for row in notes.rows])],
        )
    ]
    tables = [notes]
    for dimension, name in (("service", "satisfaction-service"), ("category", "satisfaction-categorie")):
        tables.append(_satisfaction_table(name, dimension, result[dimension], names))
    tables.append(_satisfaction_table("satisfaction-gestionnaire", "manager", result["manager"], names))
    return tables


def _satisfaction_table(name, dimension, rows, names):
    captions = {
        "service": _("Satisfaction par service"),
        "category": _("Satisfaction par catégorie"),
        "manager": _("Satisfaction par gestionnaire"),
    }
    return Table(
        name,
        captions[dimension],
        [str(DIMENSION_HEADERS[dimension]), _("Notes"), _("Moyenne")],
        [[names.of(dimension, key), n, number_format(mean, 2)] for key, n, mean in rows],
    )


BUILDERS = {
    "activite": activity_tables,
    "delais": delay_tables,
    "issues": outcome_tables,
    "recurrents": recurring_tables,
    "satisfaction": satisfaction_tables,
}


def tab_tables(tab, scope, period, choices):
    """The tables (with their charts) of ``tab``."""
    return BUILDERS[tab](scope, period, Names(choices))
