"""Bulk inserts of pages and responses: many rows of a multi-table model at once.

For the fast writers of many posts or responses (`manage.py generate_posts`, the
WordPress importer's responses), where saving one object at a time is too slow.
"""

from django.db import NotSupportedError, connections, router


def insert_inherited(objs, batch_size, before_children=None):
    """INSERT new objects of a multi-table-inheritance model in bulk.

    Django's bulk_create refuses such models (a BlogPostPage is a Page row plus a
    blog_blogpostpage row, an XtdComment a comment row plus its own). This does what
    save() does, a batch at a time: the parent rows with bulk_create, which gives
    their ids, then `before_children(objs)` if given, then the child table's own
    columns with the same ids, each value prepared by its field as save() prepares
    it (`pre_save`, then `get_db_prep_save`).
    """
    if not objs:
        return
    model = type(objs[0])
    [parent_model] = model._meta.parents  # one level of inheritance
    using = router.db_for_write(model)
    connection = connections[using]
    parent_fields = [field for field in parent_model._meta.concrete_fields if not field.primary_key]
    parents = [
        parent_model(**{field.attname: getattr(obj, field.attname) for field in parent_fields})
        for obj in objs
    ]
    parent_model._base_manager.using(using).bulk_create(parents, batch_size=batch_size)
    for obj, parent in zip(objs, parents, strict=True):
        if parent.pk is None:
            raise NotSupportedError("The database did not return the ids of new rows.")
        setattr(obj, parent_model._meta.pk.attname, parent.pk)  # the inherited id
        obj.pk = parent.pk  # the parent link
        obj._state.adding = False
        obj._state.db = using
    if before_children:
        before_children(objs)

    fields = model._meta.local_concrete_fields
    if any(hasattr(field, "get_placeholder") for field in fields):
        # Such a field (a geometry, say) needs SQL around its value that this
        # plain INSERT does not write.
        raise NotSupportedError(f"{model.__name__} has a field with its own SQL placeholder.")
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    row = "({})".format(", ".join(["%s"] * len(fields)))
    size = max(1, min(batch_size, connection.ops.bulk_batch_size(fields, objs)))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            batch = objs[start : start + size]
            params = [
                field.get_db_prep_save(field.pre_save(obj, True), connection=connection)
                for obj in batch
                for field in fields
            ]
            cursor.execute(
                f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "
                f"VALUES {', '.join([row] * len(batch))}",
                params,
            )
