"""Mail below the features: the outbox every feature writes its owed messages to
(``models``), what a message is (``message``) and where messages go (``transport``).

It imports no feature (pyproject.toml's import-linter contracts): reminders, registrations
and accounts build their own messages and send them through it.
"""
