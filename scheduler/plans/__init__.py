"""Yearly action plans: activities with codes, series with cadences, indicators with targets."""
