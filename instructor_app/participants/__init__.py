"""Participants from referral to follow-up: lifecycle, attendance, compliance, art. 72 cases."""
