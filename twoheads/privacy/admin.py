from django.contrib import admin

from .models import Concern, PastPairHash


@admin.register(Concern)
class ConcernAdmin(admin.ModelAdmin):
    """Site staff see that concerns exist and their state; the text stays with the managers."""

    list_display = ["pk", "programme", "created_at", "resolved_at"]
    list_filter = ["programme"]
    fields = ["programme", "created_at", "resolved_at"]
    readonly_fields = fields

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(PastPairHash)
class PastPairHashAdmin(admin.ModelAdmin):
    """Read-only: a person's tokens are numbered without gaps, so single rows never go."""

    list_display = ["organisation", "token", "digest", "created_at"]
    list_filter = ["organisation"]
    readonly_fields = ["organisation", "token", "partner", "digest", "created_at"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
