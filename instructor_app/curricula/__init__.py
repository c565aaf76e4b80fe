"""Programmes as data: curriculum files (``resources/curricula``), their schema and their model."""
