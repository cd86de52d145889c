"""Roster and CHSI check-list import pages."""

urlpatterns: list = []
