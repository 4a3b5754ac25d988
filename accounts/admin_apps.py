from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """django.contrib.admin with accounts.admin_site.StaffAdminSite as admin.site."""

    default_site = "accounts.admin_site.StaffAdminSite"
