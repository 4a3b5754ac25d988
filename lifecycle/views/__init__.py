"""Lifecycle pages: the partnership admin's data pages (staff.py, routed by
lifecycle/urls_staff.py) and the platform admins' offboarding (platform.py)."""
