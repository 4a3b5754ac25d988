from partnerships.permissions import Perm

from .cases import Case


def _cycle(w):
    return {"cycle_slug": w.cycle.slug}


def _return(w):
    return {"cycle_slug": w.cycle.slug, "reference": w.submission.reference}


CASES = [
    Case("staff_cycle_admin_list", Perm.MANAGE),
    Case("staff_cycle_admin_create", Perm.MANAGE),
    Case("staff_cycle_admin_detail", Perm.MANAGE, _cycle),
    Case("staff_cycle_admin_edit", Perm.MANAGE, _cycle),
    Case("staff_cycle_admin_extend", Perm.MANAGE, _cycle),
    Case("staff_cycle_admin_extend_agency", Perm.MANAGE, _return),
    Case("staff_cycle_admin_next", Perm.MANAGE, _cycle),
    # The world's return is submitted: refused with a banner, then back.
    Case("staff_cycle_admin_invitation_resend", Perm.MANAGE, _return, method="post", ok=(302,)),
    Case("staff_cycle_emails", Perm.VIEW, _cycle),
    Case("staff_cycle_emails_agency", Perm.VIEW, _return),
    Case("staff_cycle_overdue", Perm.VIEW, _cycle),
    Case(
        "staff_cycle_remind",
        Perm.REVIEW,
        _cycle,
        method="post",
        data=lambda w: {"agency": [str(w.agency.pk)]},
        ok=(302,),
    ),
    # One row's own button on the overdue page.
    Case(
        "staff_cycle_remind",
        Perm.REVIEW,
        _cycle,
        method="post",
        data=lambda w: {"only": str(w.agency.pk)},
        ok=(302,),
        id_suffix="one-row",
    ),
]
