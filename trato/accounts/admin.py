from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from trato.accounts.models import MACHINE_USERNAMES, ApiToken, SalesTeam, User
from trato.accounts.roles import Role


def role_label(group: Group) -> str:
    return str(Role(group.name).label) if group.name in Role.values else group.name


def people():
    """Users that are people: the ones a form may offer. Inactive ones are kept so an existing team still shows."""
    return User.objects.exclude(username__in=MACHINE_USERNAMES)


class RoleChoiceField(forms.ModelMultipleChoiceField):
    """The user's groups, shown as the roles they stand for."""

    def label_from_instance(self, obj: Group) -> str:
        return role_label(obj)


@admin.register(User)
class TratoUserAdmin(UserAdmin):
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (_("Preferences"), {"fields": ("language", "time_zone")}),
    )
    list_display = ("username", "first_name", "last_name", "email", "role_list", "language", "is_active")
    list_filter = ("is_active", "is_staff", "groups", "language")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs.update(
                form_class=RoleChoiceField,
                widget=forms.CheckboxSelectMultiple,
                label=_("Roles"),
                help_text=_("What the user may see and do. See docs/roles.md."),
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("Roles"))
    def role_list(self, user: User) -> str:
        return ", ".join(sorted(role_label(group) for group in user.groups.all()))


@admin.register(SalesTeam)
class SalesTeamAdmin(admin.ModelAdmin):
    list_display = ("name", "leader", "member_list")
    list_select_related = ("leader",)
    search_fields = ("name", "leader__username", "leader__last_name")
    filter_horizontal = ("members",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("members")

    # Machine accounts (the mail gateway) are not people: never offered as a leader or member.
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "leader":
            kwargs["queryset"] = people()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "members":
            kwargs["queryset"] = people()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("Members"))
    def member_list(self, team: SalesTeam) -> str:
        return ", ".join(str(member) for member in team.members.all())


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: tokens are created and revoked by their owners; the secret is never stored."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("name", "prefix", "user__username")
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
