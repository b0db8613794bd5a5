"""A scene for the search tests: two services, a ticket whose history holds text for every audience, a
public ticket of another service, FAQ entries of every scope. Everything is written through the workflow,
so the index is the one the actions keep."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tickets import workflow
from tickets.attachments.storage import store_attachment
from tickets.models import EntryScope, FaqScope, TicketScope
from tickets.search.query import search


def png(name):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def found(user, query, **options):
    """The numbers of the tickets ``user`` finds with ``query``."""
    return {row.ticket_id for row in search(user, query, **options).rows}


def shown(user, query):
    """All the HTML the results of ``query`` show ``user``."""
    return " ".join(row.subject_html + " " + row.snippet_html for row in search(user, query).rows)


def build_scene(make_user, make_service, make_category, make_faq_entry):
    people = {
        name: make_user(name, first_name=first, last_name=last)
        for name, first, last in [
            ("seclier5", "Benjamin", "Seclier"),
            ("mdupont", "Marie", "Dupont"),
            ("gest-scol", "Sophie", "Lambert"),
            ("gest-rh", "Luc", "Petit"),
            ("invite-gest", "Irène", "Invitée"),
            ("invite-proprio", "Oscar", "Invité"),
            ("curieux", "Carl", "Curieux"),
        ]
    }
    people["admin"] = make_user("admin", is_superuser=True, is_staff=True)
    owner, gest = people["seclier5"], people["gest-scol"]
    scol = make_service("DN – Applications de scolarité", managers=[gest])
    rh = make_service("DN – Applications RH", managers=[people["gest-rh"]])
    cat_scol, cat_rh = make_category(scol, code="02_App_Gestion"), make_category(rh, code="03_RH")
    ticket = workflow.create_ticket(
        actor=owner,
        category=cat_scol,
        subject="Connexion à Apogée impossible",
        description="<p>Je n'arrive pas à me connecter depuis ce matin &amp; j'ai essayé deux fois.</p>",
    )
    ticket = workflow.take(ticket, actor=gest)
    for text, scope in [
        ("Le serveur zorglub est tombé", EntryScope.MANAGERS),
        ("Votre identifiant wapiti est réinitialisé", EntryScope.OWNER),
        ("Note chameau pour les invités", EntryScope.INVITED_MANAGERS),
        ("Pouvez-vous préciser le navigateur ?", EntryScope.INVITED),
    ]:
        ticket = workflow.comment(ticket, actor=gest, text=f"<p>{text}</p>", scope=scope)
    ticket = workflow.comment(ticket, actor=gest, text="Pièce interne", scope=EntryScope.MANAGERS)
    store_attachment(
        ticket, png("facture-ornithorynque.png"), uploaded_by=gest, scope=EntryScope.MANAGERS,
        event=ticket.recorded_entry,
    )  # fmt: skip
    ticket = workflow.add_file(ticket, actor=owner)
    store_attachment(
        ticket, png("capture-kangourou.png"), uploaded_by=owner, scope=EntryScope.INVITED, event=ticket.recorded_entry
    )
    ticket = workflow.invite(ticket, actor=gest, user=people["invite-gest"])
    ticket = workflow.invite(ticket, actor=owner, user=people["invite-proprio"])
    public = workflow.create_ticket(
        actor=people["mdupont"],
        category=cat_rh,
        subject="Bulletin de paie introuvable",
        description="<p>Depuis janvier.</p>",
        scope=TicketScope.PUBLIC,
    )
    public = workflow.comment(public, actor=people["gest-rh"], text="Réponse publique lama", scope=EntryScope.PUBLIC)
    public = workflow.comment(public, actor=people["gest-rh"], text="Note privée koala", scope=EntryScope.INVITED)
    faq = {
        "everyone": make_faq_entry(
            title="Comment retrouver mon mot de passe Apogée ?", answer="<p>Par le guépard.</p>"
        ),
        "managers": make_faq_entry(
            scol, title="Procédure interne apogée", answer="<p>Le renard</p>", scope=FaqScope.MANAGERS
        ),
        "hidden": make_faq_entry(title="Question masquée apogée", answer="<p>Le hibou</p>", hidden=True),
    }
    return {
        "people": people,
        "ticket": ticket,
        "public": public,
        "services": {"scol": scol, "rh": rh},
        "categories": {"scol": cat_scol, "rh": cat_rh},
        "faq": faq,
    }
