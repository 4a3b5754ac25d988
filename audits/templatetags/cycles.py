"""Labels for what an agency said last cycle."""

from django import template

from ..models import AnswerValue

register = template.Library()


@register.filter
def answer_label(value) -> str:
    return AnswerValue(value).label if value in AnswerValue.values else ""
