"""Small builders for page trees: each test builds only what it needs."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from wagtail.models import Page, PageViewRestriction, Site

from blog.models import BlogIndexPage, BlogPostPage, BlogTag
from home.models import AboutPage, HomePage, NewHerePage


@dataclass
class SiteTree:
    home: HomePage
    blog: BlogIndexPage
    about: AboutPage
    new_here: NewHerePage


def paragraph(html):
    return [{"type": "paragraph", "value": html}]


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def build_site(site_name="Test Blog"):
    """Home (as the default site's root) with a blog, an About and a New Here? page."""
    root = Page.get_first_root_node()
    for child in root.get_children():
        child.delete()
    home = HomePage(title=site_name, slug="home", intro="<p>Welcome to the test blog.</p>")
    root.add_child(instance=home)
    publish(home)
    Site.objects.all().delete()
    Site.objects.create(
        hostname="testserver", port=80, root_page=home, is_default_site=True, site_name=site_name
    )
    blog = BlogIndexPage(title="Blog", slug="blog", show_in_menus=True)
    home.add_child(instance=blog)
    about = AboutPage(
        title="About", slug="about", show_in_menus=True, body=paragraph("<p>About me.</p>")
    )
    home.add_child(instance=about)
    new_here = NewHerePage(
        title="New Here?", slug="new-here", show_in_menus=True, body=paragraph("<p>Hello!</p>")
    )
    home.add_child(instance=new_here)
    for page in (blog, about, new_here):
        publish(page)
    return SiteTree(home=home, blog=blog, about=about, new_here=new_here)


def make_author(username="ben", first_name="Ben", last_name="Young"):
    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": first_name, "last_name": last_name}
    )
    return user


def make_tag(name, slug=None, description=""):
    tag, _ = BlogTag.objects.get_or_create(
        slug=slug or name.replace(" ", "-"), defaults={"name": name, "description": description}
    )
    return tag


def make_post(
    blog,
    title,
    date=datetime.date(2008, 12, 15),
    tags=(),
    body="<p>Some words.</p>",
    summary="",
    author=None,
    live=True,
    private=False,
    slug=None,
):
    post = BlogPostPage(
        title=title,
        slug=slug or title.lower().replace(" ", "-"),
        date=date,
        summary=summary,
        author=author,
        body=paragraph(body),
    )
    post.tags.set(list(tags))
    blog.add_child(instance=post)
    if live:
        publish(post)
    else:
        post.live = False
        post.save_revision()
        post.save(update_fields=["live"])
    if private:
        PageViewRestriction.objects.create(page=post, restriction_type=PageViewRestriction.LOGIN)
    return post
