"""The open events API and the machine-readable public pieces.

``GET /api/events`` (filters, keyset cursor, ETag/304, CORS), ``GET /api/events/<id>``,
``GET /events/<id>.ics`` (one public event as an iCalendar file, built by the feeds'
builder), ``GET /api/openapi.json`` (OpenAPI 3.1 for both and ``/api/indicators``),
``GET /robots.txt`` and ``GET /sitemap.xml``. Public events only: an event whose series is
not public (internal meetings, imported events marked private upstream) never appears.
"""
