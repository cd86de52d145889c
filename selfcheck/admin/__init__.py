"""Django admin for every model: a read-mostly window with spreadsheet export on the big lists.

Workflow fields (check status, campaign state, bulletin state, snapshot and file, import
state) change only through the portal's pages and their services, so they are
read-only here; every edit the admin still makes is audited through
``selfcheck.services.admin_edits``.

ID numbers are masked here as everywhere: in lists, change forms, JSON fields and
exports; a student's ID is searched by its last characters only, never whole (a GET
search would put it in the URL and so in access logs).
"""

from __future__ import annotations

import json
import re

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

from selfcheck import models
from selfcheck.admin.exports import EXPORT_FORMATS, CheckResource, CollegeResource, StudentResource
from selfcheck.masking import contains_id_number, mask_personal
from selfcheck.services.admin_edits import admin_edit_record, admin_values
from selfcheck.services.bulletin_schedule import FROZEN_BULLETIN_STATES

ID_TAIL = re.compile(r"^\d{3,5}[\dXx]$")


def _pretty(value) -> str:
    return format_html("<pre>{}</pre>", json.dumps(mask_personal(value), ensure_ascii=False, indent=2))


class AuditedAdmin(admin.ModelAdmin):
    """Saves as usual, then records the change (old and new values, inline rows) in the audit log."""

    def save_model(self, request, obj, form, change):
        names = [name for name in form.changed_data if not name.startswith("password")]
        stored = type(obj).objects.get(pk=obj.pk) if change else None
        form.audit_before = admin_values(stored, names) if change else dict.fromkeys(names)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        inline_rows = [
            f"{verb} {type(row)._meta.model_name} {row}"
            for formset in formsets
            for verb, rows in (
                ("+", formset.new_objects),
                ("~", [o for o, _f in formset.changed_objects]),
                ("-", formset.deleted_objects),
            )  # fmt: skip
            for row in rows
        ]
        admin_edit_record(
            form.instance, before=getattr(form, "audit_before", {}), created=not change, by=request.user,
            inline_rows=inline_rows, request=request,
        )  # fmt: skip


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, searched and exported here; changed only through the portal."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CollegeAliasInline(admin.TabularInline):
    model = models.CollegeAlias
    extra = 1


@admin.register(models.College)
class CollegeAdmin(ExportMixin, AuditedAdmin):
    resource_classes = [CollegeResource]
    formats = EXPORT_FORMATS
    list_display = ("code", "name")
    search_fields = ("code", "name", "aliases__name")
    inlines = [CollegeAliasInline]


@admin.register(models.User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ("username", "first_name", "role", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_superuser")
    filter_horizontal = ("colleges", "groups", "user_permissions")
    fieldsets = BaseUserAdmin.fieldsets + ((_("角色"), {"fields": ("role", "colleges", "phone")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("角色"), {"fields": ("role", "colleges")}),)


@admin.register(models.Student)
class StudentAdmin(ExportMixin, AuditedAdmin):
    resource_classes = [StudentResource]
    formats = EXPORT_FORMATS
    list_display = ("student_no", "name", "gender", "college", "major", "class_name", "level", "cohort")
    list_filter = ("level", "cohort", "college")
    search_fields = ("student_no", "name", "exam_no")
    search_help_text = _("按学号、姓名、考生号或证件号码末4位搜索。")
    list_select_related = ("college",)
    raw_id_fields = ("user",)
    show_full_result_count = False

    @admin.display(description=_("证件号码"))
    def masked_id(self, obj):
        return obj.masked_id_number

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is None:  # a new student: the number is typed once
            return fields
        return [("masked_id" if name == "id_number" else name) for name in fields if name != "masked_id"]

    def get_readonly_fields(self, request, obj=None):
        return ("masked_id",) if obj is not None else ()

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if contains_id_number(term):
            messages.warning(request, _("请勿输入完整证件号码，只用末4位搜索。"))
            return queryset.none(), False
        if ID_TAIL.match(term):
            by_tail = queryset.filter(id_number__endswith=term.upper())
            found, duplicates = super().get_search_results(request, queryset, search_term)
            return found | by_tail, duplicates
        return super().get_search_results(request, queryset, search_term)


@admin.register(models.Campaign)
class CampaignAdmin(AuditedAdmin):
    list_display = ("slug", "name", "kind", "cohort", "opens_on", "closes_on", "state")
    list_filter = ("kind", "state")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("state", "created_by")

    def has_add_permission(self, request):
        return False  # the campaign page creates campaigns with their checks and bulletins


@admin.register(models.Check)
class CheckAdmin(ExportMixin, ReadOnlyAdmin):
    resource_classes = [CheckResource]
    formats = EXPORT_FORMATS
    list_display = ("student", "campaign", "status", "source", "set_at")
    list_filter = ("campaign", "status", "source")
    search_fields = ("student__student_no", "student__name")
    list_select_related = ("student", "campaign")
    raw_id_fields = ("student", "set_by")
    show_full_result_count = False
    exclude = ("detail",)
    readonly_fields = ("reported",)

    @admin.display(description=_("核对详情"))
    def reported(self, obj):
        return _pretty(obj.detail)


class CorrectionItemInline(admin.TabularInline):
    """Read-only: a requested ID number is shown masked, so it is not edited here."""

    model = models.CorrectionItem
    extra = 0
    fields = ("field", "current", "requested")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("当前值"))
    def current(self, obj):
        return mask_personal(obj.current_value, obj.field)

    @admin.display(description=_("更正为"))
    def requested(self, obj):
        return mask_personal(obj.requested_value, obj.field)


class CorrectionEvidenceInline(admin.TabularInline):
    """Read-only: evidence lives in private storage and is opened only through the
    permission-checked download view."""

    model = models.CorrectionEvidence
    extra = 0
    fields = ("kind", "download", "content_type", "size", "uploaded_by", "uploaded_at", "file_purged_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("文件"))
    def download(self, obj):
        if not obj.file:
            return obj.original_name
        url = reverse("evidence_download", args=[obj.request_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name)


class CorrectionCommentInline(admin.TabularInline):
    model = models.CorrectionComment
    extra = 0
    fields = ("created_at", "author", "action", "from_state", "to_state", "text")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.CorrectionRequest)
class CorrectionRequestAdmin(AuditedAdmin):
    """The workflow's fields change only through its steps (the correction pages)."""

    list_display = ("pk", "student", "cause", "state", "needs_province_approval", "created_at")
    readonly_fields = (
        "state", "campaign", "forwarded_at", "admissions_answer", "admissions_note",
        "province_reference", "decision_reason", "applied_at", "needs_province_approval",
    )  # fmt: skip
    exclude = ("record_snapshot",)  # holds the whole ID number
    list_filter = ("state", "cause", "needs_province_approval")
    search_fields = ("student__student_no", "student__name")
    raw_id_fields = ("student", "check_record", "created_by")
    inlines = [CorrectionItemInline, CorrectionEvidenceInline, CorrectionCommentInline]


@admin.register(models.RosterImport)
class RosterImportAdmin(ReadOnlyAdmin):
    list_display = (
        "original_name",
        "kind",
        "campaign",
        "state",
        "created_count",
        "updated_count",
        "invalid_count",
        "created_at",
    )
    list_filter = ("kind", "state")
    exclude = ("errors", "warnings", "preview")
    readonly_fields = ("errors_shown", "warnings_shown", "preview_shown")

    @admin.display(description=_("错误"))
    def errors_shown(self, obj):
        return _pretty(obj.errors)

    @admin.display(description=_("警告"))
    def warnings_shown(self, obj):
        return _pretty(obj.warnings)

    @admin.display(description=_("预览"))
    def preview_shown(self, obj):
        return _pretty(obj.preview)


@admin.register(models.Bulletin)
class BulletinAdmin(AuditedAdmin):
    list_display = ("campaign", "sequence", "title", "scheduled_at", "state", "generated_at", "page")
    list_filter = ("state", "campaign")
    # Media is not served: the files are reached through the portal's permission-checked views.
    exclude = ("spreadsheet", "document", "snapshot")
    readonly_fields = ("page", "campaign", "sequence", "state", "claimed_at", "generated_at", "mailed_at")

    def has_add_permission(self, request):
        return False  # scheduled on the campaign's page

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.state in FROZEN_BULLETIN_STATES:
            return False  # generated: frozen
        return super().has_change_permission(request, obj)

    @admin.display(description=_("通报页面"))
    def page(self, obj):
        if obj.pk is None:
            return "—"
        url = reverse("bulletin_detail", args=[obj.campaign.slug, obj.sequence])
        return format_html('<a href="{}">{}</a>', url, url)


@admin.register(models.AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor", "action", "target_repr", "ip_address")
    list_filter = ("action",)
    search_fields = ("target_repr", "target_id", "actor__username")
    exclude = ("changes",)
    readonly_fields = [f.name for f in models.AuditEvent._meta.fields if f.name != "changes"] + ["changes_shown"]

    @admin.display(description=_("变化"))
    def changes_shown(self, obj):
        return _pretty(obj.changes)
