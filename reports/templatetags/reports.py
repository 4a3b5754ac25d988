from django import template

from core.formatting import guidance_html

from ..exports.document import method_paragraphs as _method_paragraphs

register = template.Library()


@register.filter
def formatted(text: str):
    """Text staff wrote (narrative, meeting notes), as safe GOV.UK HTML."""
    return guidance_html(text)


@register.filter
def method_paragraphs(doc) -> list[str]:
    return _method_paragraphs(doc)
