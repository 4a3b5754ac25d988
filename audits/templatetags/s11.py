"""Template filters for what people read: UK dates and times in the GOV.UK
style, RAG as words."""

from datetime import datetime

from crispy_forms_gds.layout import Field, Size
from django import template
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from core.dates import as_datetime, uk_date, uk_datetime, uk_time

from ..models import RAG_MEANING, Rag

register = template.Library()


register.filter("uk_time", uk_time)
register.filter("uk_date", uk_date)
register.filter("uk_datetime", uk_datetime)


@register.filter(needs_autoescape=True)
def possessive(value, autoescape=True) -> str:
    """Barnet's; but Children's Services' and Young Carers': a name
    ending in a plural s takes the apostrophe alone. An abbreviation ending
    in a capital S (NHS) is not a plural and keeps 's. In HTML the name is
    escaped and the apostrophe added is written as typed, like the
    template's own text."""
    name = str(value).rstrip()
    if not name:
        return ""
    ending = "'" if name.endswith("s") else "'s"
    return mark_safe(conditional_escape(name) + ending) if autoescape else name + ending  # noqa: S308


@register.filter
def days_until(value) -> int | None:
    value = as_datetime(value)
    if not isinstance(value, datetime):
        return None
    return (timezone.localtime(value).date() - timezone.localdate()).days


@register.filter
def rag_label(value) -> str:
    return Rag(value).label if value in Rag.values else "Not rated"


@register.filter
def rag_meaning(value) -> str:
    return RAG_MEANING.get(value, "")


@register.inclusion_tag("includes/rag_tag.html")
def rag_tag(value, defaulted=False):
    return {
        "rag": value if value in Rag.values else "",
        "defaulted": defaulted,
        "label": rag_label(value),
        "meaning": rag_meaning(value),
    }


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.simple_tag(takes_context=True)
def govuk_date_input(context, bound_field, legend_size="s"):
    """A GOV.UK date input (audits.forms.fields) drawn by crispy-forms-gds:
    the field's label is the legend, its help text the hint."""
    layout = Field(
        bound_field.name,
        context={
            "legend_size": Size.for_legend(legend_size),
            "form_show_errors": True,
            "form_show_labels": True,
        },
    )
    return layout.render(bound_field.form, context, template_pack="gds")


@register.filter
def first_wrong_box(bound_field) -> str:
    """The id the error summary links to for a date input: the first box
    with an error, else the day box."""
    for index, sub in enumerate(bound_field.field.fields):
        if getattr(sub.widget, "errors", None):
            return f"{bound_field.auto_id}_{index}"
    return f"{bound_field.auto_id}_0"


FIELD_TAG = "field:"


@register.filter
def flashed_errors(messages) -> list[tuple[str, str]]:
    """(text, field id) of each error message: a view that refuses a POST
    and redirects flashes `messages.error(request, text,
    extra_tags="field:<id>")`, and the page shows it in the error summary,
    linking to that field (includes/messages.html)."""
    found = []
    for message in messages or ():
        if message.level_tag == "error":
            tags = (message.extra_tags or "").split()
            field = next((t.removeprefix(FIELD_TAG) for t in tags if t.startswith(FIELD_TAG)), "")
            found.append((str(message), field))
    return found


@register.simple_tag(takes_context=True)
def flashed_error(context, field: str) -> str:
    """The error flashed for this field on this page, if any: the page shows
    it beside the field (govuk-form-group--error) as well as in the summary."""
    return next((text for text, at in flashed_errors(context.get("messages")) if at == field), "")
