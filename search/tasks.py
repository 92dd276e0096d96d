"""What a search leaves to the background worker."""

import datetime

from django_tasks import task
from wagtail.contrib.search_promotions.models import Query


@task()
def count_search(query_string, day):
    """Count a search in the report of popular search terms (Wagtail's, under Reports)
    on the day (ISO date) it was made. Three queries the visitor need not wait for."""
    Query.get(query_string).add_hit(date=datetime.date.fromisoformat(day))
