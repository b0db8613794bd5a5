import itertools

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Sum

from tickets.models import Category, Event, Service, StatisticsCount, Ticket

pytestmark = pytest.mark.django_db

GUIDE_CATEGORIES = [
    "Polytech Nancy",
    "Support technique pour les applications de gestion",
    "Demande d'accès aux applications de gestion (réservée au responsable hiérarchique des utilisateurs de "
    "l'application)",
    "Support technique pour les applications de scolarité (Apogée, SNW, ...)",
    'Support technique pour l\'application "Mon dossier Web"',
    "Support technique pour ADE UL",
    "Support technique pour les applications de GRH",
    "Support technique pour les applications de paie",
    "Support technique pour les applications financières et budgétaires",
    "Support technique pour les applications spécifiques à l'Agence Comptable",
    "Support technique pour les applications liées à la formation continue",
    "Support technique pour les applications liées au pilotage des données (My report, Catisurvey, ...)",
]


def test_demo_data_reproduces_the_guide(settings):
    settings.DEBUG = True
    call_command("demo_data")
    roots = [category.label for category in Category.objects.get_root_nodes()]
    assert roots == GUIDE_CATEGORIES
    scolarite = Category.objects.get(code="02_App_Gestion")
    assert scolarite.label == GUIDE_CATEGORIES[3]
    User = get_user_model()
    seclier = User.objects.get(username="seclier5")
    assert str(seclier) == "Benjamin Seclier (seclier5)"
    assert seclier.check_password("demo")
    assert User.objects.get(username="mdupont").name == "Marie Dupont"
    assert User.objects.get(username="admin").is_superuser
    assert scolarite.service.managers.filter(username="gest-scol").exists()
    assert not seclier.memberships.exists()


def test_demo_data_is_idempotent(settings):
    settings.DEBUG = True
    call_command("demo_data")
    counts = (get_user_model().objects.count(), Service.objects.count(), Category.objects.count())
    call_command("demo_data")
    assert (get_user_model().objects.count(), Service.objects.count(), Category.objects.count()) == counts


def test_demo_data_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_data")
    assert not get_user_model().objects.exists()


def test_synthetic_tickets_have_consistent_histories(settings):
    settings.DEBUG = True
    call_command("demo_data", tickets=300, seed=4)
    assert Ticket.objects.count() == 300
    tickets = Ticket.objects.prefetch_related("events")
    kinds = set()
    for ticket in tickets:
        events = list(ticket.events.all())
        assert events[0].kind == "ticket.created"
        assert events[-1].new_status == ticket.status
        assert [e.created_at for e in events] == sorted(e.created_at for e in events)
        assert ticket.last_action_at == events[-1].created_at
        assert ticket.service_id == ticket.category.service_id
        for before, after in itertools.pairwise(events):
            assert after.old_status == before.new_status
        kinds.update(e.kind for e in events)
    assert {"ticket.taken", "ticket.closure_approved", "ticket.closure_refused"} <= kinds
    assert Event.objects.count() > 300
    # Their statistics are written too: every ticket filed once, every closure counted.
    counts = StatisticsCount.objects.filter(span="M").aggregate(opened=Sum("opened"), approved=Sum("approved"))
    approvals = Event.objects.filter(new_status="approved").exclude(old_status="approved").count()
    assert counts == {"opened": 300, "approved": approvals}


def test_demo_data_has_a_faq_for_scolarite_and_a_general_one(settings):
    from tickets.faq.access import can_read_faq_entry
    from tickets.models import FaqChange, FaqEntry, FaqScope

    settings.DEBUG = True
    call_command("demo_data")
    call_command("demo_data")  # written once, whatever the number of runs
    scolarite = Service.objects.get(label="DN – Applications de scolarité")
    titles = list(FaqEntry.objects.filter(service=scolarite).order_by("path").values_list("title", flat=True))
    assert titles[:2] == ["Apogée", "Mon mot de passe Apogée a expiré : que faire ?"]
    assert {"Apogée affiche « Accès refusé » à la connexion", "SNW (Scolarité Nationale Web)"} <= set(titles)
    expired = FaqEntry.objects.get(title="Mon mot de passe Apogée a expiré : que faire ?")
    assert FaqEntry.objects.get_parent(expired).title == "Apogée"
    assert "<strong>" in expired.answer and "<ol>" in expired.answer
    assert list(expired.categories.values_list("code", flat=True)) == ["02_App_Gestion"]
    snw = FaqEntry.objects.get(title="Accès refusé à SNW")
    assert FaqEntry.objects.get_parent(snw).title == "SNW (Scolarité Nationale Web)"
    internal = FaqEntry.objects.get(title="Procédure interne : réinitialiser un compte Apogée")
    assert internal.scope == FaqScope.MANAGERS
    assert FaqEntry.objects.filter(service=scolarite, hidden=True).count() == 1
    general = FaqEntry.objects.filter(service=None).order_by("path").values_list("title", flat=True)
    assert list(general) == ["Comment déposer un ticket ?", "Qui peut voir mon ticket ?"]
    User = get_user_model()
    seclier, gest_scol = User.objects.get(username="seclier5"), User.objects.get(username="gest-scol")
    assert can_read_faq_entry(seclier, expired) and not can_read_faq_entry(seclier, internal)
    assert can_read_faq_entry(gest_scol, internal)
    assert FaqChange.objects.filter(kind="created").count() == FaqEntry.objects.count()
