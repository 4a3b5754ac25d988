"""Template helpers for the GOV.UK versions of allauth's pages."""

from django import forms, template
from django.urls import reverse

from core.views import safe_next_url

register = template.Library()


@register.filter
def govuk_widget(bound_field):
    """Render a bound field's own widget (so password inputs never echo what
    was typed, and autocomplete and input types stay allauth's) with the
    GOV.UK classes and aria-describedby for its hint and error."""
    widget = bound_field.field.widget
    describedby = []
    if bound_field.help_text:
        describedby.append(f"{bound_field.auto_id}-hint")
    if bound_field.errors:
        describedby.append(f"{bound_field.auto_id}-error")
    if isinstance(widget, forms.CheckboxInput):
        css = "govuk-checkboxes__input"
    elif isinstance(widget, forms.Textarea):
        css = "govuk-textarea" + (" govuk-textarea--error" if bound_field.errors else "")
    elif isinstance(widget, forms.Select):
        css = "govuk-select" + (" govuk-select--error" if bound_field.errors else "")
    else:
        css = "govuk-input" + (" govuk-input--error" if bound_field.errors else "")
        if bound_field.name == "code":
            css += " govuk-input--width-10"
    attrs = {"class": css}
    if describedby:
        attrs["aria-describedby"] = " ".join(describedby)
    if bound_field.name == "code":
        # A one-time code: digits on phone keyboards, no spellcheck.
        attrs.update({"inputmode": "numeric", "spellcheck": "false"})
    elif isinstance(widget, forms.EmailInput):
        attrs["spellcheck"] = "false"
    return bound_field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(bound_field) -> bool:
    return isinstance(bound_field.field.widget, forms.CheckboxInput)


@register.simple_tag(takes_context=True)
def continue_url(context) -> str:
    """Where "Continue" goes after a two-factor step: the safe `next` of this
    request, else the staff home."""
    request = context.get("request")
    return (request and safe_next_url(request)) or reverse("staff_index")
