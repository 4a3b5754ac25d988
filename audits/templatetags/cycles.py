"""What an agency said last cycle, for the theme page of a return whose
answers were carried forward."""

from django import template

from ..selectors.cycles import theme_last_cycle

register = template.Library()


@register.simple_tag
def last_cycle_theme(submission, theme):
    """{% last_cycle_theme submission theme as last %}: see
    audits.selectors.cycles.theme_last_cycle (None if nothing was carried, or
    in the question-set builder's preview, which has no return)."""
    if not submission:
        return None
    return theme_last_cycle(partnership=submission.partnership, submission=submission, theme=theme)


@register.filter
def answer_label(value) -> str:
    from ..models import AnswerValue

    return AnswerValue(value).label if value in AnswerValue.values else ""
