"""Public: "my organisation is not listed" (register, then confirm the email
address: a GET shows a button, the POST confirms). Staff (partnership
admins): the registrations waiting for approval, approve or decline."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.client_ip import client_ip
from core.domain import DomainError
from core.views import form_post
from partnerships.middleware import partnership_reverse as _url
from partnerships.permissions import Perm
from partnerships.staff import staff_required

from . import selectors
from .forms import RegistrationForm
from .services import (
    RegistrationLinkError,
    registration_approve,
    registration_decline,
    registration_from_token,
    registration_start,
    registration_verify,
)


@require_http_methods(["GET", "HEAD", "POST"])
def register(request):
    form = RegistrationForm(request.POST or None)
    if done := form_post(
        request,
        form,
        # A bot filled the hidden field: say sent, do nothing.
        lambda data: (
            None
            if data["website"]
            else registration_start(
                partnership=request.partnership,
                organisation_name=data["organisation_name"],
                sector=data["sector"],
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
                job_title=data["job_title"],
                ip=client_ip(request),
            )
        ),
        done=lambda _: ("", _url(request, "registration_sent")),
    ):
        return done
    response = render(request, "joining/register.html", {"form": form})
    if form.non_field_errors():
        response.status_code = 429
    return response


def registration_sent(request):
    return render(request, "joining/sent.html")


@require_http_methods(["GET", "HEAD", "POST"])
def verify(request, token):
    try:
        if request.method == "POST":
            registration = registration_verify(partnership=request.partnership, token=token)
            return render(request, "joining/verified.html", {"registration": registration})
        registration = registration_from_token(partnership=request.partnership, token=token)
    except RegistrationLinkError as exc:
        return render(request, "joining/link_invalid.html", {"message": str(exc)}, status=404)
    return render(request, "joining/verify.html", {"registration": registration})


@staff_required(Perm.MANAGE)
def staff_registrations(request):
    return render(
        request,
        "joining/staff/list.html",
        {
            "waiting": list(selectors.registrations_waiting(partnership=request.partnership)),
            "decided": list(selectors.registrations_decided(partnership=request.partnership)),
        },
    )


@require_POST
@staff_required(Perm.MANAGE)
def staff_registration_approve(request, registration_id):
    registration = selectors.registration_get(partnership=request.partnership, pk=registration_id)
    try:
        agency = registration_approve(
            partnership=request.partnership, registration=registration, actor=request.staff_actor
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{agency.name} is now one of your agencies")
    return redirect(_url(request, "staff_registrations"))


@require_POST
@staff_required(Perm.MANAGE)
def staff_registration_decline(request, registration_id):
    registration = selectors.registration_get(partnership=request.partnership, pk=registration_id)
    try:
        registration_decline(
            partnership=request.partnership, registration=registration, actor=request.staff_actor
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{registration.organisation_name} declined")
    return redirect(_url(request, "staff_registrations"))
