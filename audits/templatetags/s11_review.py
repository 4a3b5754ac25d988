"""Template helpers of the review workspace."""

from datetime import date

from django import template

register = template.Library()


@register.filter
def date_parts(bound_field) -> list[str]:
    """Day, month and year to show in a GOV.UK date input: what was typed,
    or the field's initial date."""
    value = bound_field.value()
    if isinstance(value, date):
        return [str(value.day), str(value.month), str(value.year)]
    if isinstance(value, list | tuple):
        return [str(v or "") for v in [*value, "", "", ""][:3]]
    return ["", "", ""]
