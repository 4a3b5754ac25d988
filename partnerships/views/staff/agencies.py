"""The partnership's agencies, their contacts and its localities: everyone on
the staff sees them; partnership admins add, change, deactivate and import.
Views parse the form, call one service, and redirect (POST/redirect/GET)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.views import form_post

from ... import selectors
from ...forms.agencies import (
    AgencyFilterForm,
    AgencyForm,
    AgencyImportForm,
    CommissionerForm,
    ContactForm,
    LocalityForm,
)
from ...middleware import partnership_reverse as _url
from ...models import Sector
from ...permissions import Perm
from ...services import agencies as services
from ...services import imports
from ...staff import staff_required


def _posted(request):
    """The form data of a POST (even an empty one, which must show its
    errors), or None for a GET."""
    return request.POST if request.method == "POST" else None


def _agency_url(request, agency) -> str:
    return _url(request, "staff_agency_detail", agency_id=agency.pk)


# --- Agencies ---------------------------------------------------------------


@staff_required(Perm.VIEW)
def agency_list(request):
    localities = selectors.locality_list(partnership=request.partnership)
    form = AgencyFilterForm(request.GET or None, localities=localities)
    agencies = selectors.agency_list_for_staff(partnership=request.partnership, filters=form.filters())
    return render(
        request,
        "staff/agencies/list.html",
        {"form": form, "agencies": agencies, "filtered": form.is_filtered},
    )


@staff_required(Perm.VIEW)
def agency_detail(request, agency_id):
    agency = selectors.agency_detail_get(partnership=request.partnership, pk=agency_id)
    return render(
        request,
        "staff/agencies/detail.html",
        {
            "agency": agency,
            "contacts": list(agency.contacts.all()),
            "localities": list(agency.localities.all()),
            "returns": selectors.agency_return_list(partnership=request.partnership, agency=agency),
        },
    )


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def agency_create(request):
    localities = list(selectors.locality_list(partnership=request.partnership))
    form = AgencyForm(_posted(request), localities=localities, creating=True)
    if done := form_post(
        request,
        form,
        lambda data: services.agency_create(
            partnership=request.partnership,
            name=data["name"],
            sector=data["sector"],
            is_statutory=data["statutory"] == "yes",
            localities=form.chosen_localities(),
            actor=request.staff_actor,
        ),
        done=lambda agency: (
            f"{agency.name} added. Add the people to invite and remind.",
            _agency_url(request, agency),
        ),
    ):
        return done
    return render(request, "staff/agencies/form.html", {"form": form, "creating": True})


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def agency_edit(request, agency_id):
    agency = selectors.agency_detail_get(partnership=request.partnership, pk=agency_id)
    localities = list(selectors.locality_list(partnership=request.partnership))
    form = AgencyForm(
        _posted(request), localities=localities, creating=False, initial=AgencyForm.initial_for(agency)
    )
    if done := form_post(
        request,
        form,
        lambda data: services.agency_update(
            agency=agency,
            name=data["name"],
            sector=data["sector"],
            is_statutory=data["statutory"] == "yes",
            localities=form.chosen_localities(),
            is_active=data["active"] == "yes",
            actor=request.staff_actor,
        ),
        done=lambda _: (f"{agency.name} updated", _agency_url(request, agency)),
    ):
        return done
    return render(request, "staff/agencies/form.html", {"form": form, "creating": False, "agency": agency})


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def agency_commissioner(request, agency_id):
    """Which agency commissions this one (issue 17 item 8)."""
    agency = selectors.agency_get(partnership=request.partnership, pk=agency_id)
    agencies = list(selectors.agency_list(partnership=request.partnership))
    form = CommissionerForm(
        _posted(request),
        agency=agency,
        agencies=agencies,
        initial={"commissioned_by": agency.commissioned_by_id},
    )
    if done := form_post(
        request,
        form,
        lambda data: services.agency_commissioner_set(
            agency=agency, commissioned_by=form.chosen(), actor=request.staff_actor
        ),
        done=lambda saved: (
            f"{agency.name} is commissioned by {saved.commissioned_by.name}"
            if saved.commissioned_by
            else f"{agency.name} is not commissioned by another agency",
            _agency_url(request, agency),
        ),
    ):
        return done
    return render(request, "staff/agencies/commissioner.html", {"form": form, "agency": agency})


# --- Contacts ---------------------------------------------------------------


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def contact_add(request, agency_id):
    agency = selectors.agency_get(partnership=request.partnership, pk=agency_id)
    has_contacts = agency.contacts.exists()
    form = ContactForm(_posted(request), creating=True, initial={"primary": "no" if has_contacts else "yes"})
    if done := form_post(
        request,
        form,
        lambda data: services.agency_contact_add(
            agency=agency,
            name=data["name"],
            email=data["email"],
            job_title=data["job_title"],
            is_primary=data["primary"] == "yes",
            actor=request.staff_actor,
        ),
        done=lambda contact: (f"{contact.name} added to {agency.name}", _agency_url(request, agency)),
    ):
        return done
    return render(
        request, "staff/agencies/contact_form.html", {"form": form, "agency": agency, "creating": True}
    )


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def contact_edit(request, agency_id, contact_id):
    agency = selectors.agency_get(partnership=request.partnership, pk=agency_id)
    contact = selectors.agency_contact_get(partnership=request.partnership, agency=agency, pk=contact_id)
    form = ContactForm(
        _posted(request),
        creating=False,
        initial={"name": contact.name, "email": contact.email, "job_title": contact.job_title},
    )
    if done := form_post(
        request,
        form,
        lambda data: services.agency_contact_update(
            contact=contact,
            name=data["name"],
            email=data["email"],
            job_title=data["job_title"],
            actor=request.staff_actor,
        ),
        done=lambda _: (f"{contact.name}’s details updated", _agency_url(request, agency)),
    ):
        return done
    return render(
        request,
        "staff/agencies/contact_form.html",
        {"form": form, "agency": agency, "contact": contact, "creating": False},
    )


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def contact_remove(request, agency_id, contact_id):
    """GET asks to confirm; POST removes."""
    agency = selectors.agency_get(partnership=request.partnership, pk=agency_id)
    contact = selectors.agency_contact_get(partnership=request.partnership, agency=agency, pk=contact_id)
    if request.method == "POST":
        successor = services.agency_contact_remove(contact=contact, actor=request.staff_actor)
        text = f"{contact.name} removed from {agency.name}."
        if successor is not None:
            text += f" {successor.name} is now the primary contact."
        messages.success(request, text)
        return redirect(_url(request, "staff_agency_detail", agency_id=agency.pk))
    others = agency.contacts.exclude(pk=contact.pk).count()
    return render(
        request,
        "staff/agencies/contact_remove.html",
        {"agency": agency, "contact": contact, "other_contacts": others},
    )


@staff_required(Perm.MANAGE)
@require_POST
def contact_primary(request, agency_id, contact_id):
    agency = selectors.agency_get(partnership=request.partnership, pk=agency_id)
    contact = selectors.agency_contact_get(partnership=request.partnership, agency=agency, pk=contact_id)
    services.agency_contact_set_primary(contact=contact, actor=request.staff_actor)
    messages.success(request, f"{contact.name} is now the primary contact for {agency.name}")
    return redirect(_url(request, "staff_agency_detail", agency_id=agency.pk))


# --- Importing from CSV -------------------------------------------------------


def _import_context(form, problems=()):
    return {
        "form": form,
        "problems": problems,
        "columns": imports.IMPORT_COLUMNS,
        "sector_choices": Sector.choices,
    }


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def agency_import(request):
    form = AgencyImportForm(_posted(request), request.FILES or None)

    def refused(exc):
        """The file's problems, each on the file field and listed in full."""
        if not isinstance(exc, imports.AgencyImportError):
            return None
        for problem in exc.problems:
            form.add_error("file", str(problem))
        return render(request, "staff/agencies/import.html", _import_context(form, exc.problems))

    if done := form_post(
        request,
        form,
        lambda data: imports.agency_import(
            partnership=request.partnership, content=data["file"].read(), actor=request.staff_actor
        ),
        done=lambda result: (_imported_message(result), _url(request, "staff_agencies")),
        refused=refused,
    ):
        return done
    return render(request, "staff/agencies/import.html", _import_context(form))


def _imported_message(result) -> str:
    created, updated = len(result.created), len(result.updated)
    return (
        f"Imported {created + updated} agenc{'ies' if created + updated != 1 else 'y'}: "
        f"{created} added, {updated} updated, {result.contacts_added} "
        f"contact{'s' if result.contacts_added != 1 else ''} added."
    )


@staff_required(Perm.MANAGE)
def agency_import_template(request):
    response = HttpResponse(imports.agency_import_template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="agencies-template.csv"'
    return response


# --- Localities ---------------------------------------------------------------


@staff_required(Perm.VIEW)
def locality_list(request):
    localities = selectors.locality_list_with_counts(partnership=request.partnership)
    return render(request, "staff/agencies/localities.html", {"localities": localities})


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def locality_create(request):
    form = LocalityForm(_posted(request))
    if done := form_post(
        request,
        form,
        lambda data: services.locality_create(
            partnership=request.partnership, name=data["name"], actor=request.staff_actor
        ),
        done=lambda locality: (f"{locality.name} added", _url(request, "staff_localities")),
    ):
        return done
    return render(request, "staff/agencies/locality_form.html", {"form": form, "creating": True})


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def locality_edit(request, locality_id):
    locality = selectors.locality_get(partnership=request.partnership, pk=locality_id)
    before = locality.name
    form = LocalityForm(_posted(request), initial={"name": locality.name})
    if done := form_post(
        request,
        form,
        lambda data: services.locality_rename(
            locality=locality, name=data["name"], actor=request.staff_actor
        ),
        done=lambda _: (
            f"{before} renamed to {locality.name}" if locality.name != before else "",
            _url(request, "staff_localities"),
        ),
    ):
        return done
    return render(
        request,
        "staff/agencies/locality_form.html",
        {"form": form, "creating": False, "locality": locality, "locality_name": before},
    )


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def locality_remove(request, locality_id):
    """GET asks to confirm (or says why it cannot be removed); POST removes."""
    locality = selectors.locality_get(partnership=request.partnership, pk=locality_id)
    if request.method == "POST":
        try:
            services.locality_remove(locality=locality, actor=request.staff_actor)
        except services.LocalityInUseError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{locality.name} removed")
        return redirect(_url(request, "staff_localities"))
    agencies, cycles = services.locality_uses(locality=locality)
    return render(
        request,
        "staff/agencies/locality_remove.html",
        {"locality": locality, "agency_uses": agencies, "cycle_uses": cycles},
    )
