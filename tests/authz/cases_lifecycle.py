from partnerships.permissions import Perm

from .cases import Case

CASES = [
    Case("staff_data", Perm.MANAGE),
    Case(
        "staff_data",
        Perm.MANAGE,
        method="post",
        data=lambda w: {"years": "7", "keep_submitted_pdfs": "yes"},
        ok=(302,),
        id_suffix="post",
    ),
    Case("staff_data_subject_access", Perm.MANAGE),
    Case(
        "staff_data_subject_access",
        Perm.MANAGE,
        method="post",
        data=lambda w: {"email": w.contact.email},
        id_suffix="post",
    ),
]
