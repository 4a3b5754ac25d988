"""Public pages of a partnership: the start page of a cycle, asking for a
link, following one, and the question list."""

from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.client_ip import client_ip
from core.views import form_post
from partnerships.selectors import partnership_list_public
from themes.selectors import theme_list_with_questions

from .. import selectors, services
from ..access import cycle_access
from ..forms.journey import LinkRequestForm, StartForm
from ..models import CycleStatus
from ..selectors.public import cycle_public_question_sets
from ..selectors.scope import cycle_agencies_taking_part
from ..services.links import AgencyNotTakingPartError
from .agency_session import agency_access_get, agency_session_start


def home(request):
    partnerships = partnership_list_public()
    return render(request, "audits/home.html", {"partnerships": partnerships})


def partnership_home(request):
    cycles = selectors.cycle_list_public(partnership=request.partnership)
    return render(request, "audits/partnership_home.html", {"cycles": cycles})


def cycle_start(request, cycle_slug):
    cycle = cycle_access(partnership=request.partnership, slug=cycle_slug)
    themes = theme_list_with_questions(question_set=cycle.question_set)
    question_sets = cycle_public_question_sets(partnership=request.partnership, cycle=cycle)
    return render(
        request,
        "audits/start.html",
        {
            "cycle": cycle,
            "themes": themes,
            "question_count": sum(len(t.questions.all()) for t in themes),
            "access": agency_access_get(request),
            "is_open": cycle.status == CycleStatus.OPEN,
            "is_upcoming": cycle.status == CycleStatus.UPCOMING,
            # Different groups answer different sets: the question list says which.
            "several_sets": not question_sets[0].is_for_everyone,
        },
    )


@require_http_methods(["GET", "POST"])
def cycle_start_form(request, cycle_slug):
    cycle = cycle_access(partnership=request.partnership, slug=cycle_slug)
    if cycle.status != CycleStatus.OPEN:
        return redirect("cycle_start", partnership_slug=request.partnership.slug, cycle_slug=cycle.slug)
    # Only agencies taking part in this cycle (its scope) may start a return.
    agencies = list(cycle_agencies_taking_part(partnership=request.partnership, cycle=cycle))
    initial = {}
    if request.GET.get("agency") and request.GET["agency"] in {str(a.pk) for a in agencies}:
        initial["agency"] = request.GET["agency"]
    form = StartForm(request.POST or None, agencies=agencies, initial=initial)
    if done := form_post(
        request,
        form,
        lambda data: services.start_request(
            cycle=cycle, agency=data["agency"], name=data["name"], email=data["email"], ip=client_ip(request)
        ),
        done=lambda _: _sent_to(request, form.cleaned_data["email"]),
        error_field={AgencyNotTakingPartError: "agency"},
    ):
        return done
    return render(request, "audits/start_form.html", {"cycle": cycle, "form": form})


def _sent_to(request, email: str) -> tuple[str, str]:
    """form_post's `done` for the pages that email a link: the address
    is kept for "check your email" to show, and that page is next."""
    request.session["s11_sent_to"] = email
    return "", reverse("check_email", kwargs={"partnership_slug": request.partnership.slug})


def check_email(request):
    return render(request, "audits/check_email.html", {"email": request.session.get("s11_sent_to", "")})


def question_list(request, cycle_slug):
    """Every question set the cycle's agencies answer, each with the groups
    it is for (one set, the usual case: just its themes)."""
    cycle = cycle_access(partnership=request.partnership, slug=cycle_slug)
    question_sets = cycle_public_question_sets(partnership=request.partnership, cycle=cycle)
    return render(
        request,
        "audits/question_list.html",
        {
            "cycle": cycle,
            "question_sets": question_sets,
            "several_sets": not question_sets[0].is_for_everyone,
        },
    )


@never_cache
def resume(request, token):
    """Follow a resume link: start the session, then leave the token-bearing
    URL at once, so the token is not in the address bar, history of later
    pages, or any Referer header."""
    link = services.resume_link_resolve(partnership=request.partnership, token=token)
    if link is None:
        response = HttpResponseRedirect(
            reverse("link_invalid", kwargs={"partnership_slug": request.partnership.slug})
        )
    else:
        agency_session_start(request, link)
        response = HttpResponseRedirect(
            reverse("task_list", kwargs={"partnership_slug": request.partnership.slug})
        )
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_http_methods(["GET", "POST"])
def link_request(request, invalid=False):
    form = LinkRequestForm(request.POST or None)
    if done := form_post(
        request,
        form,
        lambda data: services.resume_link_request(
            partnership=request.partnership, email=data["email"], ip=client_ip(request)
        ),
        done=lambda _: _sent_to(request, form.cleaned_data["email"]),
        error_field="email",
    ):
        return done
    now = timezone.now()
    return render(request, "audits/link_request.html", {"form": form, "invalid": invalid, "now": now})
