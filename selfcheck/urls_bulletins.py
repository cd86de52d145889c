"""Bulletin pages, their downloads, and producing one now."""

from django.urls import path

from selfcheck.views import bulletins

urlpatterns = [
    path("campaigns/<slug:slug>/bulletins/now/", bulletins.bulletin_publish_now_view, name="bulletin_publish_now"),
    path("campaigns/<slug:slug>/bulletins/<int:sequence>/", bulletins.bulletin_detail, name="bulletin_detail"),
    path("campaigns/<slug:slug>/bulletins/<int:sequence>/docx/", bulletins.bulletin_docx, name="bulletin_docx"),
    path("campaigns/<slug:slug>/bulletins/<int:sequence>/xlsx/", bulletins.bulletin_xlsx, name="bulletin_xlsx"),
    path(
        "campaigns/<slug:slug>/bulletins/<int:sequence>/xlsx/<str:code>/",
        bulletins.bulletin_xlsx,
        name="bulletin_college_xlsx",
    ),
    path("campaigns/<slug:slug>/bulletins/<int:sequence>/chart.svg", bulletins.bulletin_chart, name="bulletin_chart"),
]
