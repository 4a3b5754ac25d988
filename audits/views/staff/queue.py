"""The review queue (returns awaiting review, awaiting the agency, overdue)
and assigning a return to a reviewer."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core.dates import UK
from core.views import form_post, safe_next_url
from partnerships.middleware import partnership_reverse as _url
from partnerships.permissions import Perm
from partnerships.staff import staff_required

from ...access import submission_access
from ...forms.queue import NOBODY, AssignForm, QueueFilterForm
from ...selectors.queue import review_queue, review_queue_cycles, reviewer_choices
from ...services.assignment import review_assign
from .dashboard import _pagination

RETURNS_PER_PAGE = 25


@staff_required(Perm.VIEW)
def queue(request):
    cycles = review_queue_cycles(partnership=request.partnership)
    query = request.GET.copy()
    query.pop("page", None)
    form = QueueFilterForm(query or None, cycles=cycles)
    today = timezone.localtime(timezone.now(), UK).date()
    rows = review_queue(
        partnership=request.partnership, filters=form.filters(), membership=request.membership, today=today
    )
    page = Paginator(rows, RETURNS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/review/queue.html",
        {
            "form": form,
            "page": page,
            "rows": list(page.object_list),
            "pages": _pagination(request, page),
            "today": today,
            "here": request.get_full_path(),
        },
    )


@staff_required(Perm.REVIEW)
@require_http_methods(["GET", "POST"])
def assign(request, reference):
    submission = submission_access(partnership=request.partnership, reference=reference)
    reviewers = reviewer_choices(partnership=request.partnership)
    review = submission.review_or_none
    current = review.assigned_to_id if review else None
    form = AssignForm(
        request.POST if request.method == "POST" else None,
        reviewers=reviewers,
        initial={"reviewer": str(current) if current else None},
    )
    back = safe_next_url(
        request,
        fallback=_url(request, "staff_return_review", reference=submission.reference),
        within=f"/{request.partnership.slug}/staff/",
    )
    by_pk = {str(m.pk): m for m in reviewers}

    def save(data):
        assignee = None if data["reviewer"] == NOBODY else by_pk[data["reviewer"]]
        review_assign(submission=submission, assignee=assignee, actor=request.staff_actor)
        return assignee

    def said(assignee) -> str:
        if assignee is None:
            return f"{submission.agency.name} is not assigned to anyone"
        who = "you" if assignee.pk == request.membership.pk else assignee.name
        return f"{submission.agency.name} is assigned to {who}"

    if done := form_post(request, form, save, done=lambda assignee: (said(assignee), back)):
        return done
    return render(
        request,
        "staff/review/assign.html",
        {
            "submission": submission,
            "cycle": submission.cycle,
            "agency": submission.agency,
            "form": form,
            "me": request.membership,
            "back": back,
        },
    )
