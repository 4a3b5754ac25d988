from django import template

from ..formatting import guidance_html

register = template.Library()


@register.filter(name="guidance")
def guidance_filter(text: str):
    """Text written by a partnership admin, as safe GOV.UK HTML."""
    return guidance_html(text)
