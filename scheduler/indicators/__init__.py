"""Indicators of the plan and their targets; held events count toward them."""
