from partnerships.permissions import Perm

from .cases import Case


def _version(w):
    return {"reference": w.submission.reference, "version": 1}


CASES = [
    Case("staff_return_pdf_list", Perm.VIEW, lambda w: {"reference": w.submission.reference}),
    # The world's returns are submitted; the first permitted request builds
    # the PDF on the fly (no worker in these tests) and later ones serve it.
    Case("staff_return_pdf_download", Perm.VIEW, _version),
]
