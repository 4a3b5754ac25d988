from partnerships.permissions import Perm

from .cases import Case


def _version(w):
    return {"reference": w.submission.reference, "version": 1}


CASES = [
    Case("staff_return_pdf_list", Perm.VIEW, lambda w: {"reference": w.submission.reference}),
    # The world's returns are submitted; a version not built yet answers a
    # page saying so (a GET never builds it), a built one the file.
    Case("staff_return_pdf_download", Perm.VIEW, _version),
]
