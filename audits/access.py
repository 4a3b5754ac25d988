"""Access: the one way to reach a partnership's cycle or return.

In the manner of Zulip's `access_*` helpers: each function takes the
partnership the request is for (and, when organisations span partnerships,
will take the organisation too) and answers 404 for a row that does not
exist and for one of another partnership alike, so a changed id, slug or
reference in a URL learns nothing. Views fetch through `cycle_access` and
`submission_access`; selectors and services given a row they did not fetch
check it with `cycle_owned` and `submission_owned`.

An organisation (organisations/) spans partnerships: its members reach the
returns of the agencies it has accepted links with, and only those.
`linked_submissions` and `linked_submission_access` take those agencies'
(partnership, agency) pairs, which the organisations app gives from its
accepted links; a return is reached only if both its partnership and its
agency are in one pair.

Within a partnership, a member of staff may see only some agencies (a
locality lead: partnerships/scope.py): `submission_access` and
`submission_owned` answer 404 for a return of an agency outside the scope
of the request, as for a return of another partnership.

The tenancy tests of this layer are tests/audits/test_access.py; PostgreSQL
holds the same rule underneath (a submission's cycle, agency and question
set all belong to its partnership).
"""

from collections.abc import Iterable

from django.db.models import Case, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404

from partnerships.models import Partnership
from partnerships.scope import scope_current

from .models import AuditCycle, CycleShare, Submission, SubmissionReview


def _shares(partnership: Partnership):
    """The cycles other partnerships share with this one, accepted."""
    return CycleShare.objects.filter(partnership=partnership, accepted_at__isnull=False)


def _as_shared(cycle: AuditCycle, slug: str) -> AuditCycle:
    """A shared cycle as the second board's workspace names it: its `slug`
    is the share's (every link its pages make stays in this workspace, and
    never meets a cycle of the board's own) and `shared_by` is the owner.
    Only this in-memory copy changes; nothing saves it."""
    cycle.slug = slug
    cycle.shared_by = cycle.partnership
    return cycle


def cycle_access(*, partnership: Partnership, pk=None, slug: str | None = None) -> AuditCycle:
    """The partnership's cycle by id or by slug (as URLs name it), with its
    question set and partnership. By slug, a member of staff whose role
    sees the whole partnership also reaches a cycle another partnership
    shares with it (joint boards: audits/models/sharing.py), in the same
    query; the cycle's own pages then read its owner's rows."""
    if (pk is None) == (slug is None):
        raise TypeError("cycle_access takes one of pk or slug")
    queryset = AuditCycle.objects.select_related("question_set", "partnership")
    if pk is not None:
        return get_object_or_404(queryset, partnership=partnership, pk=pk)
    if not scope_current().shared_cycles:
        return get_object_or_404(queryset, partnership=partnership, slug=slug)
    shared = _shares(partnership).filter(slug=slug)
    cycle = (
        queryset.filter(Q(partnership=partnership, slug=slug) | Q(pk__in=shared.values("cycle_id")))
        .annotate(
            own=Case(
                When(partnership=partnership, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("own")
        .first()
    )
    if cycle is None:
        raise Http404("No such cycle")
    return cycle if cycle.partnership_id == partnership.pk else _as_shared(cycle, slug)


def submission_access(
    *,
    partnership: Partnership,
    pk=None,
    reference: str | None = None,
    cycle: AuditCycle | None = None,
    annotate: dict | None = None,
) -> Submission:
    """The partnership's return by id or by reference (S11-2026-…, as staff
    URLs name it), within `cycle` when given (the cycle's own pages). One
    query brings what every page about a return shows: its agency, cycle,
    question set, partnership and review (`review_or_none`, None until a
    reviewer starts one). `annotate`: what a page needs to know about the
    return in the same query (audits.selectors.review.REVIEW_PAGE_FLAGS)."""
    if (pk is None) == (reference is None):
        raise TypeError("submission_access takes one of pk or reference")
    lookup = {"pk": pk} if pk is not None else {"reference": reference}
    if cycle is not None:
        lookup["cycle"] = cycle
    queryset = Submission.objects.select_related("agency", "cycle", "question_set", "partnership", "review")
    if annotate:
        queryset = queryset.annotate(**annotate)
    scope = scope_current()
    queryset = queryset.filter(scope.agencies("agency__"))
    theirs = Q(partnership=partnership)
    if scope.shared_cycles:
        # A return of a cycle another partnership shares with this one.
        shares = _shares(partnership)
        theirs |= Q(cycle__in=shares.values("cycle_id"))
        queryset = queryset.annotate(
            shared_as=Subquery(shares.filter(cycle=OuterRef("cycle")).values("slug")[:1])
        )
    submission = get_object_or_404(queryset.filter(theirs), **lookup)
    if submission.partnership_id != partnership.pk:
        _as_shared(submission.cycle, submission.shared_as)
    submission.seen_in_scope = scope
    try:
        submission.review_or_none = submission.review
    except SubmissionReview.DoesNotExist:
        submission.review_or_none = None
    return submission


def cycle_owned(*, partnership: Partnership, cycle: AuditCycle) -> AuditCycle:
    """A cycle already in hand, checked to be the partnership's."""
    if cycle.partnership_id != partnership.pk:
        raise Http404("No such cycle")
    return cycle


def submission_owned(*, partnership: Partnership, submission: Submission) -> Submission:
    """A return already in hand, checked to be the partnership's."""
    if submission.partnership_id != partnership.pk:
        raise Http404("No such return")
    scope = scope_current()
    if scope.is_whole or getattr(submission, "seen_in_scope", None) == scope:
        return submission
    if not Submission.objects.filter(scope.agencies("agency__"), pk=submission.pk).exists():
        raise Http404("No such return")
    submission.seen_in_scope = scope
    return submission


def _linked_filter(agencies: Iterable[tuple[int, int]]) -> Q | None:
    pairs = list(agencies)
    if not pairs:
        return None
    condition = Q()
    for partnership_id, agency_id in pairs:
        condition |= Q(partnership_id=partnership_id, agency_id=agency_id)
    return condition


def linked_submissions(*, agencies: Iterable[tuple[int, int]]) -> QuerySet[Submission]:
    """Every return of these (partnership id, agency id) pairs, across
    partnerships and cycles, with its agency, cycle and partnership."""
    condition = _linked_filter(agencies)
    queryset = Submission.objects.select_related("agency", "cycle", "partnership")
    return queryset.none() if condition is None else queryset.filter(condition)


def linked_submission_access(*, agencies: Iterable[tuple[int, int]], pk) -> Submission:
    """One return of these (partnership id, agency id) pairs by id, or 404,
    the same for a return that does not exist and one of any other agency."""
    condition = _linked_filter(agencies)
    if condition is None:
        raise Http404("No such return")
    return get_object_or_404(
        Submission.objects.select_related("agency", "cycle", "partnership", "question_set"), condition, pk=pk
    )
