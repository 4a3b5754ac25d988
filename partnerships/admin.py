from django.contrib import admin

from .models import Agency, AgencyContact, Locality, Partnership, StaffMembership


class LocalityInline(admin.TabularInline):
    model = Locality
    extra = 0


class MembershipInline(admin.TabularInline):
    model = StaffMembership
    extra = 0
    # Not autocomplete_fields: its widget re-rendering a posted value that is
    # not an id (a NUL byte, text) raises instead of showing the form error.
    raw_id_fields = ["user"]


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "contact_email"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [LocalityInline, MembershipInline]


@admin.register(Locality)
class LocalityAdmin(admin.ModelAdmin):
    list_display = ["name", "partnership"]
    list_filter = ["partnership"]
    search_fields = ["name"]


class ContactInline(admin.TabularInline):
    model = AgencyContact
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "partnership", "sector", "is_statutory", "is_active"]
    list_filter = ["partnership", "sector", "is_statutory", "is_active"]
    search_fields = ["name"]
    filter_horizontal = ["localities"]
    inlines = [ContactInline]
    list_select_related = ["partnership"]


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "partnership", "role"]
    list_filter = ["partnership", "role"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]  # see MembershipInline
    list_select_related = ["user", "partnership"]
