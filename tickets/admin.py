"""Django admin for what administrators set up: services, their managers and privileges, categories."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from tickets.models import Category, Membership, Service


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = [
        "user",
        "available",
        "monitoring",
        "daily_summary",
        "can_take_free",
        "can_take_assigned",
        "can_assign",
        "can_move",
        "can_reject",
        "can_reopen",
        "can_manage_categories",
        "can_manage_faq",
        "can_manage_managers",
        "can_manage_service",
    ]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["label", "email", "default_scope", "closure_delay_days", "auto_assign", "enabled", "manager_count"]
    list_filter = ["enabled", "auto_assign", "default_scope"]
    search_fields = ["label", "email"]
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
