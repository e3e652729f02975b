"""Organisations: ELVL, partner KOVs, every Estonian local government, and partnerships."""
