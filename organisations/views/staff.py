"""Partnership staff: link one of the partnership's agencies to the
organisation behind it (found by identifier or name), propose a new one, or
unlink. Everyone on the staff sees an agency's link; admins change it."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.domain import DomainError
from core.views import form_post
from partnerships.middleware import partnership_reverse as _url
from partnerships.permissions import Perm
from partnerships.selectors import agency_get
from partnerships.staff import staff_required

from .. import selectors, services
from ..forms import LinkForm, OrganisationProposeForm, OrganisationSearchForm


def _page_url(request, agency) -> str:
    return _url(request, "staff_agency_organisation", agency_id=agency.pk)


@staff_required(Perm.VIEW)
@require_http_methods(["GET", "HEAD"])
def agency_organisation(request, agency_id):
    agency = agency_get(partnership=request.partnership, pk=agency_id)
    current = selectors.agency_link_current(partnership=request.partnership, agency=agency)
    form = OrganisationSearchForm(request.GET or None)
    results = None
    if current is None and form.is_valid() and form.cleaned_data["q"]:
        results = selectors.organisation_search(query=form.cleaned_data["q"])
    return render(
        request,
        "organisations/staff/agency_organisation.html",
        {
            "agency": agency,
            "current": current,
            "history": selectors.agency_link_history(partnership=request.partnership, agency=agency),
            "form": form,
            "results": results,
        },
    )


@staff_required(Perm.MANAGE)
@require_POST
def agency_organisation_link(request, agency_id):
    agency = agency_get(partnership=request.partnership, pk=agency_id)
    form = LinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an organisation from the search results")
        return redirect(_page_url(request, agency))
    organisation = selectors.organisation_for_linking(pk=form.cleaned_data["organisation"])
    try:
        services.agency_link_propose(agency=agency, organisation=organisation, actor=request.staff_actor)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"Link proposed. {organisation.name}’s admins have been asked to accept it."
        )
    return redirect(_page_url(request, agency))


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def agency_organisation_new(request, agency_id):
    agency = agency_get(partnership=request.partnership, pk=agency_id)
    form = OrganisationProposeForm(
        request.POST if request.method == "POST" else None,
        initial={"name": agency.name, "kind": agency.sector},
    )
    if done := form_post(
        request,
        form,
        lambda data: services.agency_link_propose_new(
            agency=agency,
            name=data["name"],
            kind=data["kind"],
            identifier_type=data["identifier_type"],
            identifier=data["identifier"],
            admin_name=data["admin_name"],
            admin_email=data["admin_email"],
            actor=request.staff_actor,
        ),
        done=lambda link: (
            f"{link.organisation.name} proposed. {link.organisation.memberships.first().name} has been "
            "emailed to accept the link.",
            _page_url(request, agency),
        ),
    ):
        return done
    return render(request, "organisations/staff/organisation_new.html", {"agency": agency, "form": form})


@staff_required(Perm.MANAGE)
@require_POST
def agency_organisation_unlink(request, agency_id, link_id):
    agency = agency_get(partnership=request.partnership, pk=agency_id)
    link = selectors.agency_link_get(partnership=request.partnership, agency=agency, pk=link_id)
    try:
        services.agency_link_end(link=link, actor=request.staff_actor)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{agency.name} is no longer linked to {link.organisation.name}")
    return redirect(_page_url(request, agency))
