"""The instance's secret key (secret_key.py): configured, or generated once per instance.

The security headers every answer carries belong to the web layer (``scheduler/web/headers.py``).
"""
