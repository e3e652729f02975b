"""Shared building blocks with no feature of their own: column types and time helpers."""
