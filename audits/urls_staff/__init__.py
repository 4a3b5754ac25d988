"""Staff pages, one module per part of the workspace. Each is included by
s11portal/urls.py under /<partnership-slug>/staff/; names start "staff_"."""
