from django.contrib import admin

from .models import GuardConfirmation, ProgrammeTerms


@admin.register(ProgrammeTerms)
class ProgrammeTermsAdmin(admin.ModelAdmin):
    list_display = ["programme"]
    search_fields = ["programme__name", "terms"]


@admin.register(GuardConfirmation)
class GuardConfirmationAdmin(admin.ModelAdmin):
    list_display = ["at", "programme", "content_kind", "flag_count"]
    list_filter = ["content_kind", "programme"]
    readonly_fields = ["programme", "pair", "author", "content_kind", "kinds", "reason", "at"]
