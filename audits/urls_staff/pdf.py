from django.urls import path

from ..views.staff import pdf

urlpatterns = [
    path("returns/<str:reference>/pdf/", pdf.return_pdf_list, name="staff_return_pdf_list"),
    path(
        "returns/<str:reference>/pdf/<int:version>/",
        pdf.return_pdf_download,
        name="staff_return_pdf_download",
    ),
]
