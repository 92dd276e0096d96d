"""Querysets that every uncached page view runs, turned into SQL once per process.

Django builds a queryset and compiles it to SQL each time it runs, and for the
queries of a post page that costs far more than the database: finding the post by
its slug took 2.4 ms in Python, of which running the SQL and reading the row took
0.2 ms (bench/site.py's data, process time). The queries a page makes for every
visitor have the same shape each time; only a few values change (the slug, the
post's id). A `CompiledQuery` builds its queryset once, with stand-in values,
compiles it, notes where each stand-in lands among the SQL's parameters, and from
then on runs the same SQL with the real values put in their place. The rows still
go through Django's own iterables, so the results are exactly the queryset's (model
instances with their select_related objects, or named rows), its fields' converters
applied, and the query is counted and logged like any other.

What it asks of the queryset: each value must reach the SQL unchanged, as one
parameter of its own: an exact match on a text or integer field, say. A value that
a lookup transforms (`__startswith`, `__icontains`) is refused when the query is
first compiled, with a message saying which. Anything else baked into the SQL (a
LIMIT, a parent page's path) is a constant: pass it in `constants`, which picks the
compiled copy (one per set of constants and database).

This leans on two attributes of Django's SQL compiler that every queryset uses
(`Query.get_compiler` and `SQLCompiler.as_sql`); tests/test_compiled_queries.py
runs the queries this site compiles against both databases, so an upgrade of
Django that changes them fails there first.
"""

import copy
import secrets

from django.db import DEFAULT_DB_ALIAS, connections


class CompiledQuery:
    """`build(*constants, *values)` returns the queryset; calling this returns its
    results as a list, for the given values, from SQL compiled once."""

    def __init__(self, build):
        self.build = build
        self.compiled = {}  # (database, constants) -> Compiled

    def __call__(self, *values, constants=(), using=DEFAULT_DB_ALIAS):
        key = (using, constants)
        compiled = self.compiled.get(key)
        if compiled is None:
            compiled = self.compiled[key] = Compiled.of(self.build, constants, values, using)
        return compiled.run(values, using)


class Compiled:
    def __init__(self, queryset, compiler, sql, params, slots):
        self.queryset = queryset
        self.compiler = compiler
        self.sql = sql
        self.params = params
        self.slots = slots

    @classmethod
    def of(cls, build, constants, values, using):
        # Stand-ins of each value's type that no constant of the query is likely to
        # equal; should one, another set is drawn.
        for _attempt in range(5):
            stand_ins = [stand_in(value) for value in values]
            queryset = build(*constants, *stand_ins).using(using)
            compiler = queryset.query.get_compiler(using=using)
            sql, params = compiler.as_sql()
            slots = [
                [n for n, param in enumerate(params) if type(param) is type(s) and param == s]
                for s in stand_ins
            ]
            if all(len(found) <= 1 for found in slots):
                break
        for value, stand_in_value, found in zip(values, stand_ins, slots, strict=True):
            changed = isinstance(stand_in_value, str) and any(
                isinstance(param, str) and stand_in_value in param and param != stand_in_value
                for param in params
            )
            if len(found) != 1 or changed:
                raise ValueError(
                    f"{build.__qualname__}: the value {value!r} must reach the SQL as one "
                    "parameter of its own, unchanged (an exact match), to be compiled once"
                )
        return cls(queryset, compiler, sql, tuple(params), [found[0] for found in slots])

    def run(self, values, using):
        params = list(self.params)
        for slot, value in zip(self.slots, values, strict=True):
            params[slot] = value
        sql, params = self.sql, tuple(params)
        # A copy of the compiler as it stood after compiling (its columns, the models to
        # build from them), on this thread's connection, handing out the SQL as made.
        compiler = copy.copy(self.compiler)
        compiler.connection = connections[using]
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        queryset = self.queryset._chain()
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return list(queryset)


def stand_in(value):
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"A compiled query takes text and whole numbers, not {value!r}")
    if isinstance(value, int):
        # Within every integer column's range, and negative: ids and counts never are.
        return -1_000_000_000 - secrets.randbelow(1_000_000_000)
    return f"compiled-query-value-{secrets.token_hex(8)}"
