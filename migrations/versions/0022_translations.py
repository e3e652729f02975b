"""texts in other languages in one JSON column per table, not a column per language

Titles, names, descriptions, cancellation reasons and registration questions kept their
English and Russian versions in columns of their own (``title_en``, ``title_ru``). They move
into ``translations`` (``{"title": {"en": "…", "ru": "…"}}``), so that a further language
(Ukrainian now, Finnish later) needs no change to the schema. The Estonian text stays in its
column. The downgrade moves English and Russian back and drops the other languages.

Revision ID: 0022
Revises: 0021
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

# table → (field, the languages it had a column in)
TEXTS = {
    "organisation": ("name",),
    "activity": ("title",),
    "indicator": ("name",),
    "series": ("title", "description"),
    "event": ("cancel_reason",),
    "registration_settings": ("question",),
}
OLD_LANGUAGES = ("en", "ru")
OLD_LENGTHS = {"name": 300, "title": 500}


def _column(field: str, code: str) -> str:
    return f"{field}_{code}"


def upgrade():
    bind = op.get_bind()
    for table, fields in TEXTS.items():
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("translations", sa.JSON(), nullable=False, server_default="{}")
            )
        old = [_column(field, code) for field in fields for code in OLD_LANGUAGES]
        rows = bind.execute(sa.text(f"SELECT id, {', '.join(old)} FROM {table}")).mappings()
        updates = []
        for row in rows:
            translations = {}
            for field in fields:
                texts = {code: row[_column(field, code)] for code in OLD_LANGUAGES}
                if kept := {code: text for code, text in texts.items() if text}:
                    translations[field] = kept
            if translations:
                updates.append(
                    {"id": row["id"], "value": json.dumps(translations, ensure_ascii=False)}
                )
        if updates:
            bind.execute(
                sa.text(f"UPDATE {table} SET translations = :value WHERE id = :id"), updates
            )
        with op.batch_alter_table(table) as batch:
            for name in old:
                batch.drop_column(name)


def downgrade():
    bind = op.get_bind()
    for table, fields in TEXTS.items():
        with op.batch_alter_table(table) as batch:
            for field in fields:
                for code in OLD_LANGUAGES:
                    kind = (
                        sa.String(OLD_LENGTHS[field]) if field in OLD_LENGTHS else sa.Text()
                    )
                    batch.add_column(sa.Column(_column(field, code), kind, nullable=True))
        rows = bind.execute(sa.text(f"SELECT id, translations FROM {table}")).mappings()
        for row in rows:
            stored = row["translations"]
            stored = json.loads(stored) if isinstance(stored, str) else (stored or {})
            values = {
                _column(field, code): (stored.get(field) or {}).get(code)
                for field in fields
                for code in OLD_LANGUAGES
            }
            if any(values.values()):
                assignments = ", ".join(f"{name} = :{name}" for name in values)
                bind.execute(
                    sa.text(f"UPDATE {table} SET {assignments} WHERE id = :id"),
                    {**values, "id": row["id"]},
                )
        with op.batch_alter_table(table) as batch:
            batch.drop_column("translations")
