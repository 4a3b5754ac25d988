"""Survey figures on pages of other apps, without those apps importing
surveys: audits sits below surveys, so its review template loads this tag
rather than its view calling our selectors."""

from django import template

from ..selectors import (
    MIN_GROUP,
    survey_agreement_by_agency,
    survey_for_cycle,
    survey_results,
    survey_triangulation,
    survey_triangulation_across_agencies,
)

register = template.Library()


@register.inclusion_tag("surveys/_triangulation.html")
def survey_triangulation_table(partnership, submission, sections=None):
    """`sections`: the review page's, which hold the return's answers and
    ratings already (one query fewer)."""
    triangulation = survey_triangulation(partnership=partnership, submission=submission, sections=sections)
    threshold = triangulation.rows[0].threshold if triangulation and triangulation.rows else None
    return {"triangulation": triangulation, "threshold": threshold, "min_group": MIN_GROUP}


@register.inclusion_tag("surveys/_report_section.html")
def survey_report_section(partnership, cycle):
    """The practitioners' survey in the cycle's summary report (page and
    PDF): each statement's share agreeing across agencies with enough
    replies, and in how many of them it differs from the self-assessment.
    None in another partnership's cycle shared with this one (joint boards):
    the survey is its owner's."""
    if cycle.partnership_id != partnership.pk:
        return {"survey": None}
    survey = survey_for_cycle(partnership=partnership, cycle=cycle)
    if survey is None:
        return {"survey": None}
    results = survey_results(partnership=partnership, survey=survey)
    across = survey_triangulation_across_agencies(partnership=partnership, survey=survey)
    statements = [
        (question, sum(1 for row in across if row.cells[index].flagged))
        for index, question in enumerate(results.questions)
    ]
    return {
        "survey": survey,
        "results": results,
        "statements": statements,
        "agencies": len(across),
        "min_group": MIN_GROUP,
    }


@register.inclusion_tag("surveys/_heatmap_overlay.html")
def survey_heatmap_overlay(partnership, cycle, groups):
    """The practitioners' survey over the RAG heatmap (its "Show what
    practitioners say" box): each cell of `groups` (audits.selectors.
    dashboard.cycle_heatmap's) gets, as its `notes`, the share of the
    agency's practitioners who agree with each statement linked to the
    theme's questions, flagged against the partnership's threshold; the
    tag itself renders the key to them. Placed above the table, as the
    table reads the notes. Two queries."""
    agreement = survey_agreement_by_agency(partnership=partnership, cycle=cycle)
    flagged = 0
    if agreement.tallies:
        for group in groups:
            for row in group.rows:
                cells = []
                for cell, theme in zip(row.cells, group.themes, strict=True):
                    notes = agreement.cell(row.agency_id, theme)
                    flagged += sum(1 for note in notes if note.flagged)
                    cells.append(cell._replace(notes=notes) if notes else cell)
                row.cells = cells
    return {"agreement": agreement, "flagged": flagged, "min_group": MIN_GROUP}
