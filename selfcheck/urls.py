from django.contrib.auth.views import PasswordChangeDoneView
from django.urls import include, path

from selfcheck.views import accounts, audit, home, lockouts, recovery

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", accounts.StaffLoginView.as_view(), name="login"),
    path("logout/", accounts.SignOutView.as_view(), name="logout"),
    path("password/", accounts.PasswordChange.as_view(), name="password_change"),
    path(
        "password/done/",
        PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html"),
        name="password_change_done",
    ),
    path("student/login/", accounts.StudentLoginView.as_view(), name="student_login"),
    path("student/activate/", accounts.student_activate_view, name="student_activate"),
    path("student/reset/", recovery.reset_code_redeem_view, name="reset_code_redeem"),
    path("reset-codes/", recovery.reset_code_issue_view, name="reset_code_issue"),
    path("lockouts/", lockouts.lockout_list, name="lockout_list"),
    path("registrar/", home.registrar_home, name="registrar_home"),
    path("secretary/", home.secretary_home, name="secretary_home"),
    path("me/", home.student_home, name="student_home"),
    path("admissions/", home.admissions_home, name="admissions_home"),
    path("audit/", audit.audit_list, name="audit_list"),
    path("audit/export.xlsx", audit.audit_export, name="audit_export"),
    path("", include("selfcheck.urls_imports")),
    path("", include("selfcheck.urls_tracking")),
    path("", include("selfcheck.urls_corrections")),
    path("", include("selfcheck.urls_bulletins")),
]
