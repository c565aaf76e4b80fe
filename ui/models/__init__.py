"""Qt item models over plain service data (no database access here)."""
