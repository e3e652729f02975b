"""What many tests share.

- ``world``: organisations, people of each role and what a package adds, built from the
  package's ``Recipe`` (the ``world`` and ``world_recipe`` fixtures in tests/conftest.py);
- ``people``: making a person and signing them in (``sign_in``, ``signed_in``,
  ``signed_in_as(client, role)``, ``sign_in_page`` in a browser);
- ``time``: ``tallinn(2024, 3, 31, 3, 30)``, a wall-clock moment in the programme's zone;
- ``snapshots``: the loaded plan (the ``plan_2024`` fixture), restored instead of loaded again;
- ``routing``: each URL rule shape compiled once per run.
"""
