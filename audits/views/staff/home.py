from django.shortcuts import render

from partnerships.permissions import Perm
from partnerships.staff import staff_required

from ...selectors.sharing import cycle_shared_list_with_counts
from ...selectors.staff import cycle_list_with_counts


@staff_required(Perm.VIEW)
def overview(request):
    cycles = cycle_list_with_counts(partnership=request.partnership)
    shared = cycle_shared_list_with_counts(partnership=request.partnership)
    return render(request, "staff/home.html", {"cycles": cycles, "shared_cycles": shared})
