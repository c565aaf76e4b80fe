"""Questionnaires, checklists and risk tools as data: ``resources/instruments``, their schema, scoring."""
