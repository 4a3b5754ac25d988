from partnerships.permissions import Perm

from .cases import Case

CASES = [Case("staff_home", Perm.VIEW)]
