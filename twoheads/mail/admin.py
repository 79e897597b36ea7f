from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import ngettext

from .models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "subject", "to", "status", "attempts", "error", "sent_at"]
    list_filter = ["status"]
    search_fields = ["subject", "recipients", "last_error"]
    readonly_fields = [f.name for f in OutgoingEmail._meta.fields if f.name != "raw"]
    exclude = ["raw"]
    actions = ["retry"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # emails are written by the product, never by hand

    @admin.display(description="to")
    def to(self, email: OutgoingEmail) -> str:
        return ", ".join(email.recipients)

    @admin.display(description="last error")
    def error(self, email: OutgoingEmail) -> str:
        return Truncator(email.last_error).chars(80)

    @admin.action(description="Try these emails again now")
    def retry(self, request, queryset):  # type: ignore[no-untyped-def]
        queued = queryset.send_again()
        skipped = queryset.count() - queued
        message = ngettext(
            "%(count)d email is queued to be sent again now.",
            "%(count)d emails are queued to be sent again now.",
            queued,
        ) % {"count": queued}
        if skipped:
            message += " " + ngettext(
                "%(count)d was sent already and is left as it is.",
                "%(count)d were sent already and are left as they are.",
                skipped,
            ) % {"count": skipped}
        self.message_user(request, message, messages.SUCCESS if queued else messages.WARNING)
