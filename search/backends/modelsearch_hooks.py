"""The private routes of modelsearch and Django that search/ takes, and why.

1. modelsearch's title-weight refresh.

`update_index` ends with its rebuilder's `finish()`, and modelsearch's PostgreSQL
rebuilders (the plain one and the atomic one, inside its transaction) then call the
index's private `_refresh_title_norms(full=True)` to give every entry its title weight.
modelsearch offers no public hook for that step. The public way around it, a
`rebuilder_class` of our own, would copy modelsearch's atomic rebuild (its transaction
and its clean-up after a failure) and drift from it on an upgrade; overriding the one
method keeps their rebuild and changes only what it writes.

tests/test_search_backends.py fails loudly when an upgrade renames the hook or stops
calling it from the rebuilders.

2. Compiling an index entry's value (a search vector expression) to SQL. Django has no
public way to turn an expression into SQL outside a queryset; modelsearch's own
`add_items` does it with an insert query's compiler, and so does `value_compiler` here.
The PostgreSQL index tests in tests/test_search_backends.py write entries through it.
"""

from django.db.models.sql.subqueries import InsertQuery


class TitleWeightsOnRebuild:
    """For an index class: modelsearch's rebuilders refresh the title weights with the
    index's public `refresh_title_weights()`."""

    def _refresh_title_norms(self, full=False):
        self.refresh_title_weights()


def value_compiler(model, connection):
    """A function that turns a value for one of `model`'s fields (an expression or a
    plain value) into (sql, params), as an INSERT of the model would write it."""
    compiler = InsertQuery(model).get_compiler(connection=connection)

    def compile_value(field, value):
        return compiler.prepare_value(field, value).as_sql(compiler, connection)

    return compile_value
