from django.contrib import admin

from .models import Participant, ParticipantSkill


class ParticipantSkillInline(admin.TabularInline):
    model = ParticipantSkill
    extra = 0
    autocomplete_fields = ["skill"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["name", "external_id", "programme", "role", "status", "department", "level"]
    list_filter = ["role", "status", "programme", "department", "site"]
    search_fields = ["name", "email", "external_id"]
    raw_id_fields = ["manager", "user"]
    inlines = [ParticipantSkillInline]
