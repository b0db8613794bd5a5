from allauth.account import forms as allauth_forms
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import is_ent_account

ENT_ACCOUNT_HAS_NO_PASSWORD = _(
    "Ce compte se connecte par l'ENT : il n'a pas de mot de passe propre à l'assistance, et ne peut pas en avoir."
)


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["language"]


class SignupForm(allauth_forms.SignupForm):
    """Local sign-up by address only: the address becomes the login (accounts.adapter.AccountAdapter).

    Raises on the address a validation error when it cannot be stored as a login, or when it already is
    another account's login.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = _("Votre adresse sera aussi votre identifiant de connexion.")

    def clean_email(self):
        email = super().clean_email()
        if not email:
            return email
        try:
            for validator in User._meta.get_field("username").validators:
                validator(email)
        except ValidationError:
            raise ValidationError(
                _(
                    "Cette adresse ne peut pas servir d'identifiant : elle doit compter au plus %(max_length)s "
                    "caractères, tous des lettres, des chiffres ou l'un de @ . + - _."
                ),
                code="not_a_login",
                params={"max_length": User._meta.get_field("username").max_length},
            ) from None
        # An address that is already an account's own is allauth's case: it answers without telling.
        if not self.account_already_exists and User.objects.filter(username__iexact=email).exists():
            raise ValidationError(
                _("Cette adresse est déjà l'identifiant d'un compte. Contactez l'assistance."), code="login_taken"
            )
        return email


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    """The new password of a reset link; refused to an account the ENT made, whose key predates the rule
    that sends it none (accounts.cas.adapter.CASAccountAdapter)."""

    def clean(self):
        if self.user is not None and is_ent_account(self.user):
            raise ValidationError(ENT_ACCOUNT_HAS_NO_PASSWORD, code="ent_account")
        return super().clean()
