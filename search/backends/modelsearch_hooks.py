"""The one private hook of modelsearch that search/ overrides, and why.

`update_index` ends with its rebuilder's `finish()`, and modelsearch's PostgreSQL
rebuilders (the plain one and the atomic one, inside its transaction) then call the
index's private `_refresh_title_norms(full=True)` to give every entry its title weight.
modelsearch offers no public hook for that step. The public way around it, a
`rebuilder_class` of our own, would copy modelsearch's atomic rebuild (its transaction
and its clean-up after a failure) and drift from it on an upgrade; overriding the one
method keeps their rebuild and changes only what it writes.

tests/test_search_backends.py fails loudly when an upgrade renames the hook or stops
calling it from the rebuilders.
"""


class TitleWeightsOnRebuild:
    """For an index class: modelsearch's rebuilders refresh the title weights with the
    index's public `refresh_title_weights()`."""

    def _refresh_title_norms(self, full=False):
        self.refresh_title_weights()
