from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from trato.inbox.models import InboundMessage, Mailbox


class MailboxForm(forms.ModelForm):
    password = forms.CharField(
        label=_("password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the current password."),
    )

    class Meta:
        model = Mailbox
        fields = ["name", "host", "port", "security", "username", "password", "folder", "alias", "is_enabled"]

    def clean_password(self) -> str:
        # The password is never sent back to the browser, so an empty field means "unchanged".
        return self.cleaned_data["password"] or (self.instance.password if self.instance.pk else "")


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = ["name", "username", "host", "folder", "alias", "is_enabled", "last_polled_at", "last_error"]
    list_filter = ["is_enabled"]
    readonly_fields = ["last_polled_at", "last_error"]


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    """Read-only: messages are filed or ignored from the triage page, which goes through the services."""

    list_display = ["created_at", "sender", "subject", "state", "handler", "is_automatic"]
    list_filter = ["state", "source", "is_automatic"]
    search_fields = ["sender", "subject", "message_id"]
    list_select_related = ["mailbox"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
