"""Series and their occurrences (event rows)."""
