"""Survey figures on pages of other apps, without those apps importing
surveys: audits sits below surveys, so its review template loads this tag
rather than its view calling our selectors."""

from django import template

from ..selectors import MIN_GROUP, survey_triangulation

register = template.Library()


@register.inclusion_tag("surveys/_triangulation.html")
def survey_triangulation_table(partnership, submission):
    triangulation = survey_triangulation(partnership=partnership, submission=submission)
    threshold = triangulation.rows[0].threshold if triangulation and triangulation.rows else None
    return {"triangulation": triangulation, "threshold": threshold, "min_group": MIN_GROUP}
