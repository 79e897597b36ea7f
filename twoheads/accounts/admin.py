from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from twoheads.journal.models import forget_authors

from .forms import AdminLoginForm
from .models import ApiToken, AuditEvent, LoginFailure, Membership, Organisation, User
from .zones import TimeZoneModelForm

# The admin's sign-in pauses after repeated failures, as the site's own does.
admin.site.login_form = AdminLoginForm


class UserAdminForm(TimeZoneModelForm, UserChangeForm):
    """The admin's user form, with the time zone select the model no longer carries."""


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserAdminForm
    ordering = ["email"]
    list_display = ["email", "name", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "memberships__role"]
    search_fields = ["email", "name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password", "name", "timezone"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "name", "usable_password", "password1", "password2"],
            },
        )
    ]

    # Ratings stay in the programmes' figures without author or comment, as on erasure.
    def delete_model(self, request: HttpRequest, obj: User) -> None:
        with transaction.atomic():
            forget_authors([obj])
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        with transaction.atomic():
            forget_authors(queryset)
            super().delete_queryset(request, queryset)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__email", "user__name", "organisation__name"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__email"]
    readonly_fields = ["lookup", "digest"]


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    list_display = ["email", "address", "at"]
    search_fields = ["email", "address"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "organisation", "action", "target"]
    list_filter = ["action", "organisation"]
    search_fields = ["action", "target", "actor__email"]
    date_hierarchy = "at"
