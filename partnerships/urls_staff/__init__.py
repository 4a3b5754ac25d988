"""Staff URL modules of partnerships, one per part, each included under
/<partnership-slug>/staff/ by s11portal/urls.py."""
