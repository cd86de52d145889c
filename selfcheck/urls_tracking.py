"""Campaign tracking pages: dashboards, chase lists, exports, the student's answers."""

from django.urls import path

from selfcheck.views import campaigns, chase, check_lists, corrections_student, dashboards, identity, pushes, student

urlpatterns = [
    path("campaigns/new/", campaigns.campaign_create_view, name="campaign_create"),
    path("campaigns/<slug:slug>/", dashboards.campaign_dashboard, name="campaign_dashboard"),
    path("campaigns/<slug:slug>/edit/", campaigns.campaign_edit_view, name="campaign_edit"),
    path("campaigns/<slug:slug>/open/", campaigns.campaign_open_view, name="campaign_open"),
    path("campaigns/<slug:slug>/close/", campaigns.campaign_close_view, name="campaign_close"),
    path("campaigns/<slug:slug>/students/", check_lists.campaign_checks, name="campaign_checks"),
    path("campaigns/<slug:slug>/students/<int:student_id>/", check_lists.check_detail, name="check_detail"),
    path(
        "campaigns/<slug:slug>/students/<int:student_id>/reveal-id/",
        identity.reveal_id_number,
        name="reveal_id_number",
    ),
    path("campaigns/<slug:slug>/export/<str:kind>/", check_lists.campaign_export, name="campaign_export"),
    path("campaigns/<slug:slug>/colleges/<str:code>/", dashboards.college_dashboard, name="college_dashboard"),
    path("campaigns/<slug:slug>/colleges/<str:code>/chase/", chase.college_chase, name="college_chase"),
    path("campaigns/<slug:slug>/colleges/<str:code>/export/", check_lists.college_export, name="college_export"),
    path("colleges/<str:code>/push/", pushes.college_push_edit, name="college_push_edit"),
    path("me/<slug:slug>/confirm/", student.student_confirm, name="student_confirm"),
    # "信息有误" is the correction request form; the old name keeps every link working.
    path("me/<slug:slug>/discrepancy/", corrections_student.student_correction, name="student_discrepancy"),
    path("me/<slug:slug>/blocked/", student.student_blocked, name="student_blocked"),
]
