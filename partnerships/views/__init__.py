"""Partnerships' pages: index.py (where staff land after signing in) and
staff/ (the partnership admin's agencies and staff pages, one module per part,
routed by partnerships/urls_staff/)."""
