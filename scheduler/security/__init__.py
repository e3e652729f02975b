"""Security: the instance's secret key (secret_key.py)."""
