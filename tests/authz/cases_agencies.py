from partnerships.permissions import Perm

from .cases import Case


def _agency(w):
    return {"agency_id": w.agency.pk}


def _contact(w):
    return {"agency_id": w.agency.pk, "contact_id": w.contact.pk}


def _locality(w):
    return {"locality_id": w.locality.pk}


CASES = [
    Case("staff_agencies", Perm.VIEW),
    Case("staff_agency_detail", Perm.VIEW, _agency),
    Case("staff_agency_create", Perm.MANAGE),
    Case("staff_agency_edit", Perm.MANAGE, _agency),
    Case("staff_agency_commissioner", Perm.MANAGE, _agency),
    Case(
        "staff_agency_commissioner",
        Perm.MANAGE,
        _agency,
        method="post",
        data=lambda w: {"commissioned_by": ""},
        ok=(302,),
        id_suffix="post",
    ),
    Case("staff_agency_import", Perm.MANAGE),
    Case("staff_agency_import_template", Perm.MANAGE),
    Case("staff_agency_contact_add", Perm.MANAGE, _agency),
    Case("staff_agency_contact_edit", Perm.MANAGE, _contact),
    # GET asks to confirm; the POST is tried in tests/partnerships/test_agencies_views.py.
    Case("staff_agency_contact_remove", Perm.MANAGE, _contact),
    # The world's contact is already primary: nothing changes, back to the agency.
    Case("staff_agency_contact_primary", Perm.MANAGE, _contact, method="post", ok=(302,)),
    Case("staff_localities", Perm.VIEW),
    Case("staff_locality_create", Perm.MANAGE),
    Case("staff_locality_edit", Perm.MANAGE, _locality),
    # The world's locality has an agency: the page says why it cannot go.
    Case("staff_locality_remove", Perm.MANAGE, _locality),
]
