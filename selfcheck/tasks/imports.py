"""Roster import tasks."""
