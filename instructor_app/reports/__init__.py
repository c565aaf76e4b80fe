"""Printable documents built from plain service data (no Qt): one structure per report, rendered to
HTML for the screen and printer (and, later, to PDF from the same structure)."""
