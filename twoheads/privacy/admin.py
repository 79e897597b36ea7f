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
    list_display = ["organisation", "digest", "created_at"]
    readonly_fields = ["organisation", "digest", "created_at"]
