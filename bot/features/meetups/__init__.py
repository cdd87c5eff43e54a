"""Meetups: scheduling, recurrence, RSVPs and reminders."""
