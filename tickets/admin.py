"""Django admin for what administrators set up: services, their managers and privileges, categories."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from tickets.models import Category, IncomingMail, Membership, Service


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = [
        "user",
        "available",
        "monitoring",
        "daily_summary",
        *Membership.PRIVILEGES,
    ]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = [
        "label",
        "email",
        "mail_in_address",
        "default_scope",
        "closure_delay_days",
        "auto_assign",
        "enabled",
        "manager_count",
    ]
    list_filter = ["enabled", "auto_assign", "default_scope"]
    search_fields = ["label", "email", "mail_in_address"]
    autocomplete_fields = ["mail_in_category"]
    inlines = [MembershipInline]

    @admin.display(description=_("gestionnaires"))
    def manager_count(self, service):
        return service.memberships.count()

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("memberships")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "service", "available", "monitoring", "daily_summary"]
    list_filter = ["service", "available", "monitoring", "daily_summary"]
    search_fields = ["user__username", "user__last_name", "user__first_name", "service__label"]
    autocomplete_fields = ["user", "service"]
    list_select_related = ["user", "service"]


@admin.register(Category)
class CategoryAdmin(TreeAdmin):
    form = movenodeform_factory(Category)
    list_display = ["label", "code", "service", "enabled", "accepts_tickets"]
    list_filter = ["service", "enabled", "accepts_tickets"]
    search_fields = ["label", "code", "short_label"]
    list_select_related = ["service"]
    autocomplete_fields = ["service", "redirect_to"]


@admin.register(IncomingMail)
class IncomingMailAdmin(admin.ModelAdmin):
    """The messages received by mail: what became of each, and why (filter "Échec" for those an
    administrator has to look at; the message itself is where "conservé dans" says)."""

    list_display = ["received_at", "status", "reason", "sender", "to_address", "subject", "ticket_link", "kept_as"]
    list_filter = ["status", "reason", "source"]
    search_fields = ["sender", "to_address", "subject", "key"]
    date_hierarchy = "received_at"
    list_select_related = ["ticket"]

    @admin.display(description=_("ticket"))
    def ticket_link(self, mail):
        return mail.ticket_id or ""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # The record of what happened is not to be rewritten; a failure is dealt with on the message itself.
        return False
