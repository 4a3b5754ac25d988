"""Labels for what an agency said last cycle."""

from django import template

register = template.Library()


@register.filter
def answer_label(value) -> str:
    from ..models import AnswerValue

    return AnswerValue(value).label if value in AnswerValue.values else ""
