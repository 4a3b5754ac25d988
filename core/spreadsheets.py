"""The one guard every CSV and XLSX writer puts each cell through.

A cell that starts with = + - @ (or a tab, carriage return or line feed) is a
formula to Excel, LibreOffice and Google Sheets, and text that agencies or
contributors typed (a comment, a name, an email address such as
``=1+2@evil.example``) must never run as one on a reviewer's machine (OWASP
"CSV injection"). A leading apostrophe makes it text. openpyxl also writes
any string starting with "=" as a formula, so XLSX needs the guard as much as
CSV. Writers call ``spreadsheet_row`` on whole rows, so a column added later
is guarded without anyone remembering to.
"""

from collections.abc import Iterable

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_cell(value):
    """Text a spreadsheet will show rather than evaluate; other values as given."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def spreadsheet_row(values: Iterable) -> list:
    return [spreadsheet_cell(value) for value in values]
