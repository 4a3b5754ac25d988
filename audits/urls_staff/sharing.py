"""Joint boards: offering a cycle to another partnership (setup/cycles/…,
the owner's admins) and the cycles shared with this one (shared-cycles/,
its admins). Names start staff_cycle_admin… or staff_shared…"""

from django.urls import path

from ..views.staff import sharing

urlpatterns = [
    path("setup/cycles/<slug:cycle_slug>/share/", sharing.cycle_share, name="staff_cycle_admin_share"),
    path(
        "setup/cycles/<slug:cycle_slug>/share/<int:share_id>/stop/",
        sharing.cycle_share_stop,
        name="staff_cycle_admin_share_stop",
    ),
    path("setup/shared-with-us/", sharing.shared_with_us, name="staff_shared_cycles"),
    path(
        "setup/shared-with-us/<int:share_id>/accept/", sharing.shared_accept, name="staff_shared_cycle_accept"
    ),
    path("setup/shared-with-us/<int:share_id>/end/", sharing.shared_end, name="staff_shared_cycle_end"),
]
