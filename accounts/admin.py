from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "name", "email", "affiliation", "is_staff", "is_superuser", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "affiliation", "language"]
    search_fields = ["username", "first_name", "last_name", "display_name", "email"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("ENT"), {"fields": ["display_name", "affiliation", "attributes", "language"]}),
    ]
