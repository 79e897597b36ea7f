from django.contrib import admin

from .models import MatchRun, Pair, ProposedPair, UnmatchedResult


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = ["pk", "programme", "status", "mode", "created_at", "finished_at"]
    list_filter = ["status", "mode", "programme"]


@admin.register(ProposedPair)
class ProposedPairAdmin(admin.ModelAdmin):
    list_display = ["run", "mentor", "mentee", "score", "locked", "manual"]
    list_filter = ["locked", "manual"]
    search_fields = ["mentor__name", "mentee__name"]
    raw_id_fields = ["run", "mentor", "mentee"]


@admin.register(UnmatchedResult)
class UnmatchedResultAdmin(admin.ModelAdmin):
    list_display = ["run", "participant", "reason"]
    raw_id_fields = ["run", "participant"]


@admin.register(Pair)
class PairAdmin(admin.ModelAdmin):
    list_display = ["mentor", "mentee", "programme", "status", "score", "created_at"]
    list_filter = ["status", "programme"]
    search_fields = ["mentor__name", "mentee__name"]
    raw_id_fields = ["run", "mentor", "mentee"]
