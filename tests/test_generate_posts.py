"""`manage.py generate_posts` writes many posts in bulk that behave like published ones."""

from collections import Counter
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django_comments_xtd.models import XtdComment
from wagtail.models import Page

from blog.models import BlogPostPage
from tests.html import soup, text_of, texts_of

NO_PROBLEMS = ([], [], [], [], [])


def generate(*args):
    out = StringIO()
    call_command("generate_posts", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def generated(site_tree):
    output = generate("25", "--responses", "40")
    return site_tree, output


def test_needs_a_blog_index(db):
    with pytest.raises(CommandError, match="Run manage.py seed_site first"):
        generate("3")


def test_posts_are_live_and_render(client, generated):
    site_tree, output = generated
    assert "Created 25 posts and 40 responses" in output
    assert "25/25 posts" in output  # the progress bar's last step
    posts = BlogPostPage.objects.child_of(site_tree.blog)
    assert posts.count() == posts.live().public().count() == 25
    assert len({post.title for post in posts}) > 15  # varied titles
    assert {post.date.year for post in posts} <= set(range(2005, 2026))
    assert len({post.date.year for post in posts}) > 5
    for post in posts:
        assert post.summary
        assert 3 <= len(post.body) <= 8
        assert post.body[0].block_type == "paragraph"
        page = soup(client.get(post.url))
        assert text_of(page, "h1") == post.title


def test_blog_index_lists_them_newest_first(client, generated):
    page = soup(client.get("/blog/"))
    dates = [time["datetime"] for time in page.select(".post-card time")]
    assert len(dates) == 10
    assert dates == sorted(dates, reverse=True)
    newest = BlogPostPage.objects.live().order_by("-date", "-first_published_at", "-pk")[:10]
    links = [a["href"] for a in page.select(".post-card__title a")]
    assert links == [post.url for post in newest]


def test_posts_have_tags_from_the_pool(generated):
    counts = [post.tags.count() for post in BlogPostPage.objects.all()]
    assert max(counts) <= 4
    assert sum(counts) >= 25  # 2 a post on average
    tags = Counter(tag.slug for post in BlogPostPage.objects.all() for tag in post.tags.all())
    assert len(tags) > 5


def test_responses_are_approved_top_level_threads(client, generated):
    post_type = ContentType.objects.get_for_model(BlogPostPage)
    responses = XtdComment.norel_objects.filter(content_type=post_type)
    assert responses.count() == 40
    assert responses.filter(is_public=True, is_removed=False, level=0).count() == 40
    assert not responses.exclude(thread_id=F("pk")).exists()
    assert not responses.exclude(parent_id=F("pk")).exists()
    post_ids = set(BlogPostPage.objects.values_list("pk", flat=True))
    assert {int(response.object_pk) for response in responses} <= post_ids

    busiest = Counter(response.object_pk for response in responses).most_common(1)[0]
    post = BlogPostPage.objects.get(pk=busiest[0])
    page = soup(client.get(post.url))
    assert len(page.select(".response-list > li")) == busiest[1]


def test_search_finds_them(generated):
    live = BlogPostPage.objects.live()
    found = list(live.search("marketing"))
    assert found and {post.pk for post in found} <= set(live.values_list("pk", flat=True))
    assert not list(live.search("xylophone"))  # a word the generator never writes


def test_the_tree_stays_sound(generated):
    site_tree, _output = generated
    assert Page.find_problems() == NO_PROBLEMS
    site_tree.blog.refresh_from_db()
    assert site_tree.blog.numchild == 25


def test_admin_lists_and_edits_them(admin_client, generated):
    site_tree, _output = generated
    post = BlogPostPage.objects.order_by("pk").first()
    explorer = admin_client.get(f"/admin/pages/{site_tree.blog.pk}/")
    assert explorer.status_code == 200
    assert post.title in explorer.content.decode()
    assert admin_client.get(f"/admin/pages/{post.pk}/edit/").status_code == 200


def test_running_again_adds_more_without_clashes(generated):
    site_tree, _output = generated
    first = set(BlogPostPage.objects.values_list("pk", flat=True))
    generate("25", "--verbosity", "0")  # the same default seed: the same titles again
    posts = BlogPostPage.objects.child_of(site_tree.blog)
    assert posts.live().count() == 50
    slugs = list(posts.values_list("slug", flat=True))
    assert len(set(slugs)) == 50
    second = posts.exclude(pk__in=first)
    assert Counter(second.values_list("title", flat=True)) == Counter(
        posts.filter(pk__in=first).values_list("title", flat=True)
    )
    assert Page.find_problems() == NO_PROBLEMS
    site_tree.blog.refresh_from_db()
    assert site_tree.blog.numchild == 50


def test_a_seed_gives_other_posts(generated):
    before = set(BlogPostPage.objects.values_list("title", flat=True))
    generate("25", "--seed", "7", "--batch", "10", "--verbosity", "0")
    after = set(BlogPostPage.objects.values_list("title", flat=True))
    assert len(after - before) > 10
    assert Page.find_problems() == NO_PROBLEMS


def test_a_busy_post_with_threaded_responses(client, site_tree, settings):
    output = generate("5", "--responses", "10", "--busy-post-responses", "60")
    assert "Created 5 posts and 10 responses, and “A busy post” with 60 responses" in output
    busy = BlogPostPage.objects.get(title="A busy post")
    assert busy.live and busy.comments_open
    assert BlogPostPage.objects.child_of(site_tree.blog).count() == 6
    assert Page.find_problems() == NO_PROBLEMS

    post_type = ContentType.objects.get_for_model(BlogPostPage)
    responses = list(
        XtdComment.norel_objects.filter(content_type=post_type, object_pk=str(busy.pk))
    )
    assert len(responses) == 60
    assert all(response.is_public and not response.is_removed for response in responses)
    by_pk = {response.pk: response for response in responses}
    levels = Counter(response.level for response in responses)
    deepest = settings.COMMENTS_XTD_MAX_THREAD_LEVEL
    assert set(levels) == set(range(deepest + 1))  # top-level responses and replies at each level
    assert 15 <= levels[0] <= 45
    for response in responses:
        parent = by_pk[response.parent_id]
        if response.level == 0:
            assert response.parent_id == response.thread_id == response.pk
        else:
            assert parent.level == response.level - 1
            assert response.thread_id == parent.thread_id
            assert response.submit_date > parent.submit_date

    # Each thread reads in order as XtdComment.save() would number it: 1, 2, 3... with every
    # reply after its parent and nested_count counting the replies below each response.
    threads = {}
    for response in sorted(responses, key=lambda response: response.order):
        threads.setdefault(response.thread_id, []).append(response)
    for thread in threads.values():
        assert [response.order for response in thread] == list(range(1, len(thread) + 1))
        for position, response in enumerate(thread):
            below = 0
            for later in thread[position + 1 :]:
                if later.level <= response.level:
                    break
                below += 1
            assert response.nested_count == below
            assert response.level == 0 or by_pk[response.parent_id].order < response.order

    # A new reply through xtd's own save() lands after its parent's replies, and the rest
    # of the thread moves down one: the numbering is the one xtd keeps.
    parent = next(
        response
        for thread in threads.values()
        for response in thread
        if response.level == 1
        and response.nested_count
        and response.order + response.nested_count < len(thread)
    )
    reply = XtdComment(
        content_type=post_type,
        object_pk=str(busy.pk),
        site_id=settings.SITE_ID,
        user_name="Late Reader",
        user_email="late@example.com",
        comment="Late to this one.",
        parent_id=parent.pk,
        is_public=True,
    )
    reply.save()
    assert reply.order == parent.order + parent.nested_count + 1
    thread = XtdComment.norel_objects.filter(thread_id=parent.thread_id).order_by("order")
    assert [response.order for response in thread] == list(range(1, thread.count() + 1))

    page = soup(client.get(busy.url))
    assert len(page.select(".response")) == 61
    assert len(page.select(".response-list--children")) > 0
    numbers = texts_of(page, ".response__number")
    assert numbers == [f"{n}." for n in range(1, 62)]


def test_busy_post_with_no_other_posts(site_tree):
    generate("0", "--busy-post-responses", "3", "--verbosity", "0")
    busy = BlogPostPage.objects.get()
    assert busy.title == "A busy post"
    assert XtdComment.norel_objects.filter(object_pk=str(busy.pk)).count() == 3


def test_the_busy_post_leaves_the_other_posts_unchanged(site_tree):
    generate("10", "--responses", "20", "--verbosity", "0")
    plain = list(BlogPostPage.objects.order_by("pk").values_list("title", "date"))
    BlogPostPage.objects.all().delete()
    generate("10", "--responses", "20", "--busy-post-responses", "5", "--verbosity", "0")
    with_busy = list(BlogPostPage.objects.order_by("pk").values_list("title", "date"))
    assert with_busy[:10] == plain
    assert with_busy[10][0] == "A busy post"
