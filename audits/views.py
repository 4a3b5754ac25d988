from django.shortcuts import render

from partnerships.models import Partnership

from . import selectors


def home(request):
    return render(request, "audits/home.html", {"partnerships": Partnership.objects.order_by("name")})


def partnership_home(request):
    partnership = request.partnership
    cycles = selectors.cycle_list_public(partnership=partnership)
    return render(request, "audits/partnership_home.html", {"cycles": cycles})
