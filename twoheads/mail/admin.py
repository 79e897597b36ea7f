from django.contrib import admin
from django.utils import timezone

from .models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status"]
    search_fields = ["subject", "recipients", "last_error"]
    readonly_fields = [f.name for f in OutgoingEmail._meta.fields if f.name != "raw"]
    exclude = ["raw"]
    actions = ["retry"]

    @admin.action(description="Try these emails again now")
    def retry(self, request, queryset):  # type: ignore[no-untyped-def]
        queryset.exclude(status=OutgoingEmail.Status.SENT).update(
            status=OutgoingEmail.Status.RETRYING, next_attempt_at=timezone.now(), attempts=0
        )
