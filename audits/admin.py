from django.contrib import admin

from core.models import AuditEvent

from .models import Answer, AuditCycle, Submission, ThemeResponse


@admin.register(AuditCycle)
class AuditCycleAdmin(admin.ModelAdmin):
    list_display = ["title", "partnership", "opens_at", "closes_at", "incomplete_policy"]
    list_filter = ["partnership", "incomplete_policy"]
    search_fields = ["title"]
    list_select_related = ["partnership"]


class ThemeResponseInline(admin.TabularInline):
    model = ThemeResponse
    extra = 0
    fields = ["theme", "rag", "rag_defaulted", "comments", "version", "updated_by_name"]
    readonly_fields = fields
    can_delete = False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["reference", "agency", "cycle", "status", "submitted_at"]
    list_filter = ["partnership", "status", "cycle"]
    search_fields = ["reference", "agency__name"]
    list_select_related = ["agency", "cycle"]
    # Answers change only through the agency journey's services, which keep
    # the audit trail and respect the lock; the admin only looks.
    readonly_fields = [
        "partnership",
        "cycle",
        "agency",
        "question_set",
        "reference",
        "status",
        "submitted_at",
        "submitted_by_name",
        "submitted_by_email",
        "signed_off_by_name",
        "signed_off_by_role",
        "version",
    ]
    inlines = [ThemeResponseInline]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["submission", "question", "value", "updated_at"]
    list_filter = ["submission__partnership", "value"]
    list_select_related = ["submission", "question"]
    readonly_fields = ["submission", "question", "value"]

    def has_add_permission(self, request):
        # An answer belongs to a return's theme and is written by the journey's
        # services (the database refuses one outside the return's question set).
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "partnership", "actor_name", "actor_email", "verb", "object_type"]
    list_filter = ["partnership", "verb"]
    search_fields = ["actor_email", "actor_name", "verb"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
