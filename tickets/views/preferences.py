"""Préférences: the language, mail, and for managers how each of their services reaches them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.views import remember_language
from tickets.forms.preferences import PreferencesForms


@login_required
def preferences(request):
    """One form for everything; a bad value shows its error next to its field and nothing is saved."""
    forms = PreferencesForms(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and forms.is_valid():
        forms.save()
        language = request.user.language
        translation.activate(language)
        messages.success(request, _("Vos préférences ont été enregistrées."))
        return remember_language(redirect("preferences"), language)
    return render(request, "accounts/preferences.html", {"forms": forms})


urlpatterns = [
    path("preferences/", preferences, name="preferences"),
]
