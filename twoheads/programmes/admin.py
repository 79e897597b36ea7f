from django.contrib import admin

from .models import Programme, Question, Skill, SkillAlias


class SkillAliasInline(admin.TabularInline):
    model = SkillAlias
    extra = 0


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "type", "status", "matching_mode", "created_at"]
    list_filter = ["status", "type", "matching_mode", "organisation"]
    search_fields = ["name", "slug", "organisation__name"]
    filter_horizontal = ["partners"]
    inlines = [QuestionInline]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "kind", "approved"]
    list_filter = ["kind", "approved", "programme"]
    search_fields = ["name", "aliases__alias"]
    inlines = [SkillAliasInline]


@admin.register(SkillAlias)
class SkillAliasAdmin(admin.ModelAdmin):
    list_display = ["alias", "skill"]
    list_filter = ["skill__programme"]
    search_fields = ["alias", "skill__name"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "key", "programme", "position"]
    list_filter = ["programme"]
    search_fields = ["text", "key", "programme__name"]
