"""Demo FAQ entries: the scolarité service's (Apogée, SNW) and the general FAQ's.

Written once: an entry whose title exists already in its FAQ is left as the demo's managers changed it.
"""

from tickets.models import Category, FaqChange, FaqChangeKind, FaqEntry, FaqScope, Service

SCOLARITE = "DN – Applications de scolarité"
SCOLARITE_CATEGORIES = ["02_App_Gestion"]

APOGEE_EXPIRED = """<div>Le mot de passe Apogée expire tous les <strong>90 jours</strong>. Quand il a expiré, \
Apogée refuse la connexion avec le message « Mot de passe expiré ».</div>
<ol><li>Ouvrez le <strong>client Apogée</strong> et saisissez votre identifiant.</li>
<li>Dans la fenêtre « Changement de mot de passe », saisissez l'ancien mot de passe puis deux fois le nouveau.</li>
<li>Le nouveau mot de passe doit compter <strong>au moins 12 caractères</strong>, dont un chiffre et une \
majuscule, et différer des trois précédents.</li></ol>
<div>Si Apogée ne propose pas de le changer, déposez un ticket dans la catégorie « Applications scolarité » \
en précisant votre identifiant Apogée (jamais votre mot de passe).</div>"""

APOGEE_REFUSED = """<div>« Accès refusé » signifie que votre compte Apogée existe mais n'a pas les droits \
demandés, ou qu'il est verrouillé après <strong>trois essais</strong> infructueux.</div>
<ul><li>Attendez <strong>15 minutes</strong> : le verrouillage se lève seul.</li>
<li>Vérifiez que vous vous connectez à la bonne <strong>base</strong> (production et non formation).</li>
<li>Si vous venez de changer de composante, vos droits doivent être mis à jour par votre responsable \
de scolarité.</li></ul>
<div>Si le message persiste, déposez un ticket en indiquant l'heure de l'essai et le poste utilisé.</div>"""

SNW_REFUSED = """<div>SNW (Scolarité Nationale Web) s'ouvre depuis l'ENT, onglet <strong>Scolarité</strong>. \
Un « Accès refusé » vient le plus souvent :</div>
<ul><li>d'une session ENT expirée : <strong>déconnectez-vous de l'ENT</strong>, fermez le navigateur et \
reconnectez-vous ;</li>
<li>d'un profil SNW non encore ouvert : la demande se fait par votre responsable, via la catégorie \
« Demande d'accès aux applications de gestion ».</li></ul>
<div>Les navigateurs pris en charge sont Firefox et Edge à jour.</div>"""

INTERNAL_RESET = """<div><strong>Réservé aux gestionnaires du service.</strong></div>
<ol><li>Vérifier l'identité de la personne (numéro de personnel, composante).</li>
<li>Dans la console d'administration Apogée, menu <strong>Utilisateurs</strong>, rechercher le compte \
puis « Réinitialiser le mot de passe ».</li>
<li>Transmettre le mot de passe provisoire <strong>par téléphone</strong>, jamais par courriel.</li>
<li>Noter la réinitialisation dans le ticket (note réservée aux gestionnaires).</li></ol>"""

DRAFT_ADE = """<div>Brouillon : à compléter après la mise à jour d'ADE prévue au prochain semestre.</div>"""

DEPOSIT = """<div>Depuis l'accueil, choisissez <strong>Déposer un ticket</strong>, puis :</div>
<ol><li>choisissez la <strong>catégorie</strong> qui correspond à votre problème (elle décide du service \
qui le traite) ;</li>
<li>écrivez un sujet court et une description précise : ce que vous faisiez, le message affiché, l'heure ;</li>
<li>joignez une <strong>capture d'écran</strong> si possible, puis « Créer le ticket ».</li></ol>
<div>Vous êtes prévenu par courriel à chaque étape.</div>"""

WHO_SEES = """<div>Un ticket est lu par :</div>
<ul><li>vous, son propriétaire, et les personnes que vous ou les gestionnaires invitez ;</li>
<li>les <strong>gestionnaires du service</strong> qui le traite ;</li>
<li>si sa visibilité est « Public », les personnes connectées qui le cherchent.</li></ul>
<div>Les notes « Gestionnaires » ne sont lues que par les gestionnaires.</div>"""

# (title, is_section, scope, hidden, answer, children)
SCOLARITE_FAQ = [
    (
        "Apogée",
        True,
        FaqScope.EVERYONE,
        False,
        "",
        [
            ("Mon mot de passe Apogée a expiré : que faire ?", False, FaqScope.EVERYONE, False, APOGEE_EXPIRED, []),
            ("Apogée affiche « Accès refusé » à la connexion", False, FaqScope.EVERYONE, False, APOGEE_REFUSED, []),
            (
                "Procédure interne : réinitialiser un compte Apogée",
                False,
                FaqScope.MANAGERS,
                False,
                INTERNAL_RESET,
                [],
            ),
        ],
    ),
    (
        "SNW (Scolarité Nationale Web)",
        True,
        FaqScope.EVERYONE,
        False,
        "",
        [("Accès refusé à SNW", False, FaqScope.EVERYONE, False, SNW_REFUSED, [])],
    ),
    ("ADE : emploi du temps non mis à jour (brouillon)", False, FaqScope.EVERYONE, True, DRAFT_ADE, []),
]
GENERAL_FAQ = [
    ("Comment déposer un ticket ?", False, FaqScope.EVERYONE, False, DEPOSIT, []),
    ("Qui peut voir mon ticket ?", False, FaqScope.EVERYONE, False, WHO_SEES, []),
]


def _ensure(service, parent, item, categories, author):
    title, is_section, scope, hidden, answer, children = item
    siblings = FaqEntry.objects.get_children(parent) if parent else FaqEntry.objects.get_root_nodes()
    siblings = siblings.filter(service=service)
    entry = siblings.filter(title=title).first()
    if entry is None:
        values = {
            "service": service,
            "title": title,
            "is_section": is_section,
            "scope": scope,
            "hidden": hidden,
            "answer": answer,
            "created_by": author,
            "updated_by": author,
        }
        entry = FaqEntry.objects.add_child(parent, values) if parent else FaqEntry.objects.add_root(values)
        if not is_section:
            entry.categories.set(categories)
        FaqChange.objects.create(entry=entry, service=service, title=title, kind=FaqChangeKind.CREATED, author=author)
    for child in children:
        _ensure(service, entry, child, categories, author)
    return entry


def load_demo_faq(users):
    """Creates the demo FAQ entries that are missing; ``users`` are the demo people by login."""
    scolarite = Service.objects.get(label=SCOLARITE)
    categories = list(Category.objects.filter(service=scolarite, code__in=SCOLARITE_CATEGORIES))
    for item in SCOLARITE_FAQ:
        _ensure(scolarite, None, item, categories, users["gest-scol"])
    for item in GENERAL_FAQ:
        _ensure(None, None, item, [], users["admin"])
