"""Filters for the PDF templates (templates/pdf/)."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def css_string(value) -> str:
    """A CSS string literal, quotes included, for `content:` in @page rules:
    the running header and footer text is data (agency names), so it is
    escaped for CSS rather than trusted."""
    text = str(value if value is not None else "")
    out = []
    for char in text:
        if char in '"\\' or ord(char) < 0x20 or char in "<>":
            out.append(f"\\{ord(char):06x}")
        else:
            out.append(char)
    # Safe to put inside <style>: no quote, backslash, angle bracket or
    # control character survives unescaped.
    return mark_safe('"' + "".join(out) + '"')  # noqa: S308
