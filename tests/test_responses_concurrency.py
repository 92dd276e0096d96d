"""Many visitors responding at once: every response is stored and numbered consistently."""

from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from tests.builders import build_site, make_post
from tests.responses import form_fields, make_response, rules

CLIENTS = 8
RESPONSES = 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_200_responses_from_8_concurrent_clients():
    tree = build_site()
    rules(hold_on_posts_older_than_days=0)
    post = make_post(tree.blog, "Busy post", date=timezone.localdate())
    parents = [
        make_response(post, name=f"Parent {n}", email=f"p{n}@example.com") for n in range(10)
    ]
    fields = form_fields(Client(), post)

    def visitor(number):
        client = Client()
        statuses = []
        try:
            for i in range(number, RESPONSES, CLIENTS):
                data = {
                    **fields,
                    "name": f"Visitor {i}",
                    "email": f"v{i}@example.com",
                    "comment": f"Response number {i}",
                    # Every other one replies inside one of two threads, which
                    # renumbers that thread: the contended case.
                    "reply_to": str(parents[(i // 2) % 2].pk) if i % 2 else "0",
                }
                response = client.post("/responses/post/", data, REMOTE_ADDR=f"10.1.{number}.{i}")
                statuses.append(response.status_code)
        finally:
            connection.close()
        return statuses

    with ThreadPoolExecutor(CLIENTS) as pool:
        statuses = [s for result in pool.map(visitor, range(CLIENTS)) for s in result]

    assert Counter(statuses) == {302: RESPONSES}
    stored = XtdComment.norel_objects.filter(comment__startswith="Response number ")
    assert stored.count() == RESPONSES
    orders = defaultdict(list)
    for response in XtdComment.norel_objects.filter(object_pk=str(post.pk)):
        orders[response.thread_id].append(response.order)
    for thread, numbers in orders.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), thread
    for parent in parents:
        parent.refresh_from_db()
        assert parent.nested_count == (RESPONSES // 2 // 2 if parent in parents[:2] else 0)
