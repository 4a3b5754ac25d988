"""Django email backends of our own. SMTP and file backends are Django's."""
