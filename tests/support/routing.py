"""Each test builds its own app, and Werkzeug compiles a URL builder for every rule of it
with ``ast`` and ``compile`` - about three quarters of ``create_app``'s time. The builder's
code depends only on the rule's shape, so the suite compiles each shape once.

The function Werkzeug makes is unbound (it reads the rule through ``self``), so one
compiled function serves every app's copy of the same rule, exactly as a fresh one would.
"""

from __future__ import annotations

from werkzeug.routing.rules import Rule

_original = Rule._compile_builder
_builders: dict[tuple, object] = {}


def _shape(rule: Rule, append_unknown: bool) -> tuple:
    defaults = tuple(sorted((name, repr(value)) for name, value in (rule.defaults or {}).items()))
    converters = tuple(sorted((name, type(c)) for name, c in rule._converters.items()))
    return (tuple(rule._trace), defaults, converters, append_unknown)


def _compile_builder_once(self: Rule, append_unknown: bool = True):
    key = _shape(self, append_unknown)
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _original(self, append_unknown)
    return builder


def compile_each_rule_shape_once() -> None:
    Rule._compile_builder = _compile_builder_once
