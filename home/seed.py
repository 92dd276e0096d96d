"""The seed site: Ben Young's blog and "The Rise of the Micro Expert".

`build()` creates only what is missing and never overwrites what an editor has
changed, so it is safe to run again (`manage.py seed_site` is a shell over it).
The WordPress importer uses the same steps to make a home page and a blog for
an export that arrives on an empty site.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django_comments_xtd.models import XtdComment
from wagtail.models import Page, Site

from blog.models import BlogIndexPage, BlogPostPage, BlogTag
from home.models import AboutPage, HomePage, NewHerePage, StartHerePost

SITE_NAME = "Ben Young"

# The post as its visitors have read it since 2008, typos and all: it is the
# author's text.
POST_TITLE = "The Rise of the Micro Expert"
POST_SLUG = "the-rise-of-the-micro-expert"
POST_DATE = datetime.date(2008, 12, 15)
POST_PUBLISHED_AT = datetime.datetime(2008, 12, 15, 9, 30, tzinfo=datetime.UTC)
POST_SUMMARY = (
    "As is the power of small we are all micro experts. We hold expert knowledge within a "
    "small niche, and now the internet can build a market around it."
)
POST_BODY = "".join(
    [
        "<p>As is the power of small we are all micro experts.</p>",
        "<p>We hold expert knowledge within a small niche.</p>",
        "<p>Much of it we\u2019re not aware of as it is just a way of life, for example "
        "I\u2019ve found Iam an micro expert in:</p>",
        "<ul>",
        "<li>Managing virtual teams across multiple countries, time zones and long time "
        "periods</li>",
        "<li>Twitter Evangelist: the art of using twitter</li>",
        "<li>Bootstrapped Marketing</li>",
        "</ul>",
        "<p>These are just some, this isn\u2019t a recent occurrence I suspect it has been like "
        "this for many years.</p>",
        "<p>But now something has changed.</p>",
        "<p>The value of this knowledge has changed.</p>",
        "<p>Before it was handy to you and a few select people you ran into.</p>",
        "<p>Now using the internet the global interest can be enough to build a market around.</p>",
        "<p>An online tv show; a blog, a small book detailing your learnings, a series of "
        "dvds.</p>",
        "<p>With this in mind you can really do what you love and make a few bucks at the "
        "same time.</p>",
    ]
)

TAGS = [
    ("micro expert", "micro-expert", "Knowing a small niche better than almost anyone."),
    ("long tail", "long-tail", "The many small markets the internet makes worth serving."),
    ("niche", "niche", "Small, specific interests and the people who share them."),
    ("internet", "internet", "How the web changes who can reach whom."),
]

ABOUT_BODY = (
    "<p>Hi, I\u2019m Ben Young. I build small web businesses, manage virtual teams spread "
    "across several countries and time zones, and spend far too much time on Twitter.</p>"
    "<p>This blog is where I write about the power of small: micro experts, niches, the "
    "long tail and bootstrapped marketing.</p>"
)

SIMON = ("Simon Young", "simon@example.com", "")
BEN = ("Ben Young", "ben@example.com", "")
NATHANIEL = ("Nathaniel Flick", "nathaniel@example.com", "http://example.com/nathaniel")

# The seven responses, in order, as readers left them.
RESPONSES = [
    (
        SIMON,
        "2008-12-15 14:02",
        "Good post. Reminds me of Kevin Kelly\u2019s 1000 True Fans concept, which in turn came "
        "out of the idea of the Long Tail.",
    ),
    (
        BEN,
        "2008-12-15 16:40",
        "That post was great, think its going to become more and more relevant over the next "
        "two decades.",
    ),
    (SIMON, "2008-12-16 08:15", "Here\u2019s the link to that post:"),
    (
        NATHANIEL,
        "2008-12-16 21:30",
        "As always, great thoughts.\n\n"
        "Seems that as technology makes the transferring of information faster and smaller, "
        "our skills have to follow suit. I feel more and more that my \u201cjack of all "
        "trades, master of none\u201d fits what the market is demanding.\n\n"
        "Quick bursts of knowledge/information (are they the same thing by today\u2019s "
        "standards?!) are managed by more and more people; the great democratisation of the "
        "world.\n\n"
        "Okay, back to my oatmeal and \U0001f642",
    ),
    (
        BEN,
        "2008-12-17 09:05",
        "Thanks Nathaniel, too kind.\n\n"
        "I understand the metaphor but I think it\u2019s moreso master of many trades these "
        "days.\n\n"
        "As this long tail of almost seemingly infinite niches unlocks you can truly be by "
        "definition the master of a niche, given you may not be as much of a master as you "
        "would be if you committed your whole life to it, but then this niche wouldn\u2019t "
        "exist as you would stick to one niche.\n\n"
        "Stimulating discussion, I really think that this is the future.",
    ),
    (
        NATHANIEL,
        "2008-12-18 11:20",
        "Great points too. Not sure you need to be the master of a niche but just do it better "
        "than everyone else (or just the most popular at it!). There\u2019s a difference.",
    ),
    (
        BEN,
        "2008-12-18 19:45",
        "Your right I just think the jack of all trades master of none doesn\u2019t quite "
        "cover it.\n\n"
        "Jake of many trades, master of a dozen or so\n\n"
        "Just throwing it out there",
    ),
]

HOME_INTRO = (
    "<p>Ben Young writes about the power of small: micro experts, niches and the long tail.</p>"
)
BLOG_INTRO = "<p>Every post, newest first.</p>"


def paragraph(html):
    return [{"type": "paragraph", "value": html}]


def build():
    """Build the seed site where it is missing: the names of what was made, in order."""
    seeder = Seeder()
    with transaction.atomic():
        seeder.build()
    return seeder.created


class Seeder:
    """The seed site's steps. Each makes its part only if missing and adds what it
    made to `created`."""

    def __init__(self):
        self.created = []

    def build(self):
        author = self.seed_author()
        home = self.seed_home()
        blog = self.seed_blog(home)
        tags = self.seed_tags()
        post = self.child(
            blog,
            BlogPostPage,
            POST_SLUG,
            title=POST_TITLE,
            date=POST_DATE,
            author=author,
            summary=POST_SUMMARY,
            body=paragraph(POST_BODY),
            first_published_at=POST_PUBLISHED_AT,
            prepare=lambda page: page.tags.set(tags),
        )
        self.seed_responses(post, author)
        about = self.child(
            home, AboutPage, "about", title="About", body=paragraph(ABOUT_BODY), show_in_menus=True
        )
        self.child(
            home,
            NewHerePage,
            "new-here",
            title="New Here?",
            show_in_menus=True,
            body=paragraph(
                "<p>Welcome! If this is your first visit, a good place to start is "
                f'<a linktype="page" id="{post.pk}">{POST_TITLE}</a>.</p>'
                "<p>You can follow new posts through the "
                f'<a href="{blog.feed_url()}">RSS feed</a>, or read a little more '
                f'<a linktype="page" id="{about.pk}">about me</a>.</p>'
            ),
            prepare=lambda page: page.start_here_posts.add(
                StartHerePost(post=post, note="Where this blog began: we are all micro experts.")
            ),
        )

    def seed_responses(self, post, author):
        """The seven responses, approved, unless the post already has responses."""
        content_type = ContentType.objects.get_for_model(post)
        existing = XtdComment.norel_objects.filter(
            content_type=content_type, object_pk=str(post.pk)
        )
        if existing.exists():
            return
        for (name, email, url), when, text in RESPONSES:
            XtdComment(
                content_type=content_type,
                object_pk=str(post.pk),
                site_id=settings.SITE_ID,
                user=author if email == BEN[1] else None,
                user_name=name,
                user_email=email,
                user_url=url,
                comment=text,
                submit_date=datetime.datetime.fromisoformat(when).replace(tzinfo=datetime.UTC),
                is_public=True,
                is_removed=False,
            ).save()
        self.created.append(f"{len(RESPONSES)} responses")

    def seed_author(self):
        user, created = get_user_model().objects.get_or_create(
            username="ben", defaults={"first_name": "Ben", "last_name": "Young"}
        )
        if created:
            # The author has no password until an operator sets one
            # (`manage.py changepassword ben`).
            user.email = "ben@example.com"
            user.set_unusable_password()
            user.save()
            self.created.append("author “Ben Young”")
        return user

    def seed_home(self):
        site = Site.objects.filter(is_default_site=True).first()
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node()
            # Wagtail's installer leaves a "Welcome to Wagtail" page where the
            # home page belongs; it has no content worth keeping.
            for welcome in root.get_children().filter(
                content_type__app_label="wagtailcore", content_type__model="page"
            ):
                if welcome.is_leaf():
                    welcome.delete()
            home = HomePage(title=SITE_NAME, slug="home", intro=HOME_INTRO)
            root.add_child(instance=home)
            home.save_revision().publish()
            self.created.append("home page")
        if site is None:
            site = Site.objects.create(
                hostname="localhost", port=80, root_page=home, is_default_site=True
            )
        if site.root_page_id != home.pk or not site.site_name:
            site.root_page = home
            site.site_name = site.site_name or SITE_NAME
            site.save()
        return home

    def seed_blog(self, home):
        return self.child(
            home, BlogIndexPage, "blog", title="Blog", intro=BLOG_INTRO, show_in_menus=True
        )

    def seed_tags(self):
        tags = []
        for name, slug, description in TAGS:
            tag, created = BlogTag.objects.get_or_create(
                slug=slug, defaults={"name": name, "description": description}
            )
            if created:
                self.created.append(f"tag “{name}”")
            tags.append(tag)
        return tags

    def child(self, parent, page_class, slug, prepare=None, **fields):
        """The page of this type and slug under parent, created and published if missing."""
        page = page_class.objects.child_of(parent).filter(slug=slug).first()
        if page is not None:
            return page
        page = page_class(slug=slug, **fields)
        if prepare:
            prepare(page)
        parent.add_child(instance=page)
        page.save_revision().publish()
        self.created.append(f"{page_class._meta.verbose_name} “{page.title}”")
        return page
