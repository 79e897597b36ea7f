from django.contrib import admin

from twoheads.accounts.zones import TimeZoneModelForm

from .models import ImportUpload, Invitation, Participant, ParticipantSkill


class ParticipantSkillInline(admin.TabularInline):
    model = ParticipantSkill
    extra = 0
    autocomplete_fields = ["skill"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    form = TimeZoneModelForm
    list_display = ["name", "external_id", "programme", "role", "status", "department", "level"]
    list_filter = ["role", "status", "programme", "department", "site"]
    search_fields = ["name", "email", "external_id"]
    raw_id_fields = ["manager", "user"]
    inlines = [ParticipantSkillInline]


@admin.register(ParticipantSkill)
class ParticipantSkillAdmin(admin.ModelAdmin):
    list_display = ["participant", "skill", "kind", "level"]
    list_filter = ["kind", "level", "skill__programme"]
    search_fields = ["participant__name", "participant__external_id", "skill__name"]
    raw_id_fields = ["participant", "skill"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "programme", "role", "sent_at", "accepted_at"]
    list_filter = ["programme", "role", ("accepted_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "name", "programme__name"]
    raw_id_fields = ["participant", "invited_by"]


@admin.register(ImportUpload)
class ImportUploadAdmin(admin.ModelAdmin):
    list_display = ["filename", "programme", "uploaded_by", "uploaded_at", "rows", "applied_at"]
    list_filter = ["programme", ("applied_at", admin.EmptyFieldListFilter)]
    search_fields = ["filename", "programme__name", "uploaded_by__email"]
    exclude = ["data"]
    readonly_fields = ["summary"]
