"""Generate many realistic blog posts, fast: for load tests, benchmarks and demos.

    manage.py generate_posts 10000 [--responses 2000] [--busy-post-responses 500]
                                   [--seed 2008] [--batch 1000]

The posts go under the existing blog index (`manage.py seed_site` makes one), live,
dated 2005-2025, with varied titles, summaries, 3-8 body blocks, 0-4 tags from a pool
of 30 and, with --responses, approved visitor responses. The same seed writes the same
posts; slugs that clash with existing posts get a -2, -3... suffix, so running it again
adds more.

`--busy-post-responses N` adds one more post, titled "A busy post" and open to
responses, with exactly N approved responses of its own, about half of them replies
nested up to the deepest level the site allows (for benchmarks of a long discussion).
It comes after the other posts and their responses, so the seed writes the same posts
with or without it.

Speed: adding pages one by one (`add_child`, then a revision and its publish) is slow
for thousands of posts (bench/RESULTS.md). This writes the rows in bulk instead, in one
transaction: the page tree paths computed as treebeard would, the Page rows, the post
rows, the tag links and the search index entries, a batch at a time. What a one-by-one
publish does and this does not: no revisions or log entries (the admin shows the page
itself, as for any page without a revision), no page_published signal (so no email to
subscribers), no reference index entries (`manage.py rebuild_references_index` adds
them). On PostgreSQL it ends with ANALYZE of the tables it filled, as after any bulk
load."""

import datetime
import html
import random
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, router, transaction
from django.db.models import F, Q
from django.utils.text import slugify
from django_comments.models import Comment
from django_comments_xtd.models import XtdComment
from treebeard.numconv import NumConv
from wagtail.models import Page
from wagtail.search.backends import get_search_backends
from wagtail.search.models import IndexEntry

from blog.bulk import insert_inherited
from blog.models import BlogIndexPage, BlogPostPage, BlogPostTag, BlogTag

DEFAULT_SEED = 2008
BUSY_POST_TITLE = "A busy post"
FIRST_DAY = datetime.date(2005, 1, 1)
LAST_DAY = datetime.date(2025, 12, 31)

# The vocabulary. Words in many lists (marketing, expert, niche, teams) turn up in most
# posts; the rare words below in a few; so searches find anything from none to thousands.
GROUPS = [
    "experts",
    "micro experts",
    "small teams",
    "remote teams",
    "founders",
    "freelancers",
    "bloggers",
    "marketers",
    "editors",
    "readers",
    "customers",
    "developers",
    "designers",
    "writers",
    "consultants",
    "makers",
    "teachers",
    "beginners",
]
THINGS = [
    "blog",
    "business",
    "market",
    "audience",
    "product",
    "community",
    "newsletter",
    "podcast",
    "online course",
    "ebook",
    "side project",
    "web shop",
    "mailing list",
    "forum",
    "video series",
    "workshop",
    "consultancy",
    "app",
]
TOPICS = [
    "marketing",
    "bootstrapped marketing",
    "the long tail",
    "twitter",
    "niche markets",
    "email newsletters",
    "search engines",
    "word of mouth",
    "pricing",
    "remote work",
    "content marketing",
    "social media",
    "online video",
    "customer support",
    "personal branding",
    "community building",
    "affiliate marketing",
    "open source",
    "public speaking",
    "time zones",
    "self-publishing",
    "the internet",
    "expert knowledge",
    "small business",
    "mobile apps",
    "analytics",
    "copywriting",
    "side projects",
    "outsourcing",
    "productivity",
]
ADJECTIVES = [
    "small",
    "niche",
    "bootstrapped",
    "remote",
    "loyal",
    "global",
    "tiny",
    "patient",
    "focused",
    "profitable",
    "honest",
    "curious",
    "independent",
    "distributed",
    "practical",
    "unexpected",
    "quiet",
    "sustainable",
    "overlooked",
    "specialist",
]
GERUNDS = [
    "building",
    "growing",
    "running",
    "launching",
    "marketing",
    "pricing",
    "managing",
    "writing",
    "teaching",
    "selling",
    "finding",
    "serving",
]
ROLES = ["Expert", "Blogger", "Founder", "Team", "Market", "Niche", "Audience", "Freelancer"]

SENTENCES = [
    "Most {groups} underestimate how much {topic} matters to a {adj} {thing}.",
    "I have been thinking about {topic} and {topic2} for a while now.",
    "The hard part of {topic} is that nobody tells you how long it takes.",
    "If you are {gerund} a {thing}, start with the {groups} you already have.",
    "{Groups} who understand {topic} can build a {adj} {thing} on the internet.",
    "A {adj} {thing} does not need a big budget; it needs {groups} who care.",
    "We tried {topic} for {n} months and learned more from the failures than the wins.",
    "Nobody is an expert in everything, but everyone is an expert in something.",
    "The market for a {adj} {thing} is small, but it is global.",
    "Twitter is where I found the first hundred readers of my {thing}.",
    "Long tail thinking changes how you price a {thing}.",
    "Your audience is smaller than you think and more loyal than you expect.",
    "{Topic} works best when it feels like a conversation, not a campaign.",
    "There is a niche for almost anything once the internet connects the people who share it.",
    "Start small, write down what you learn, and share it with the {groups} around you.",
    "Every {thing} I have started began as a question from a reader.",
    "Measure what matters: replies, returning readers and the {groups} who tell a friend.",
    "It took us {n} years to see that {topic} was the real product.",
    "Working across {n} time zones taught our team to write everything down.",
    "When in doubt, ask your {groups} what they would pay for.",
    "This is not new, but it is easier than it has ever been.",
    "Here is what worked for us, and what did not.",
    "That is the whole trick; the rest is patience.",
    "A blog is still the cheapest way to show what you know.",
    "Bootstrapped teams cannot outspend anyone, so they have to out-care them.",
    "The value of expert knowledge changes when the whole internet can find it.",
    "I keep a list of every {topic} idea, and most of them are bad.",
    "Good {groups} make a {adj} {thing} feel bigger than it is.",
    "You do not have to be the best in the world, only the best for your {groups}.",
    "The numbers were {adj}, but the emails from {groups} kept us going.",
]
LIST_INTROS = [
    "Here is what I would do again:",
    "A few things that helped:",
    "What our {groups} asked for most:",
    "The short version:",
    "Three mistakes I made with {topic}:",
]
LIST_ITEMS = [
    "{Gerund} a {adj} {thing}",
    "{Topic} for {groups}",
    "Asking {groups} before {gerund} anything",
    "One {thing}, done well",
    "Writing about {topic} every week",
    "Saying no to {topic2}",
    "A {adj} {thing} with a clear audience",
]
HEADINGS = [
    "What {topic} taught me",
    "Why {groups} matter",
    "The {adj} approach",
    "Getting started",
    "Lessons learned",
    "What comes next",
    "{Topic} in practice",
    "A note on {topic}",
    "Where the money is",
]
TITLES = [
    "The Rise of the {Adj} {role}",
    "Why {Groups} Should Care About {Topic}",
    "{n} Lessons from {Gerund} a {Adj} {Thing}",
    "How to Build a {Thing} Around a {Adj} Niche",
    "What {Topic} Taught Me About {Topic2}",
    "Notes on {Topic}",
    "{Topic}: A Guide for {Adj} {Groups}",
    "Is {Topic} Dead?",
    "{Gerund} {Groups} Without a Budget",
    "The {Adj} Guide to {Topic}",
    "A Year of {Topic}",
    "{Topic} and the {Adj} {role}",
    "Ask the {Groups}: {Topic}",
]
QUOTES = [
    "Jack of many trades, master of a dozen or so.",
    "A thousand true fans is enough to make a living.",
    "The internet turns a hobby into a market.",
    "Small is not a stage on the way to big; it can be the whole plan.",
    "Write for one reader and a thousand will find you.",
    "Nobody reads a blog; they read a person.",
]
NAMES = [
    "Simon Young",
    "Nathaniel Flick",
    "Ana Souza",
    "Kenji Watanabe",
    "Priya Raman",
    "Lucas Müller",
    "Chloé Martin",
    "Sam Okafor",
    "Maria García",
    "Tom Hughes",
    "Ingrid Larsen",
    "Omar Haddad",
    "Zoë Clarke",
    "Dmitri Ivanov",
    "Grace Chen",
    "Ben Young",
]
RESPONSES = [
    "Great post, thanks for writing it.",
    "This matches what we saw with our own {thing}.",
    "I am not sure I agree about {topic}, but it made me think.",
    "Could you write more about {topic}?",
    "Sharing this with the {groups} I work with.",
    "We tried the same thing last year and it took twice as long.",
    "The bit about {topic2} is spot on.",
    "Bookmarked. Which tools did you use?",
]
CODE = [
    ("python", 'def greet(name):\n    return f"Hello, {name}"\n\nprint(greet("micro experts"))'),
    ("bash", "python -m venv .venv\n.venv/bin/pip install wagtail"),
    ("html", '<a href="/blog/feed/">Subscribe by RSS</a>'),
    ("sql", "SELECT date, title FROM posts ORDER BY date DESC LIMIT 10;"),
    ("javascript", "document.querySelector('form').addEventListener('submit', track);"),
    ("css", ".post-card { margin-block: 1.5rem; }"),
]
# Words only some posts have, each with the chance that a post has it.
RARE = [
    ("Serendipity beats strategy more often than I would like to admit.", 0.02),
    ("Call it the zeitgeist, but every reader asked the same question that week.", 0.01),
    ("A little kaizen every week adds up.", 0.005),
    ("Most of it was bricolage: whatever tools were lying around.", 0.002),
    ("You do not need to be a polymath to be useful.", 0.001),
    ("The whole thing felt quixotic until the first sale.", 0.0005),
]
# Non-ASCII words, for searches in other scripts and with accents.
UNICODE = [
    "I wrote most of this in a café in Zürich.",
    "A reader in São Paulo sent a naïve but brilliant question.",
    "My résumé never mentioned any of it.",
    "Our team met in Malmö, then in 東京.",
    "Someone translated it into Ελληνικά within a day.",
]
TAGS = [
    "micro expert",
    "long tail",
    "niche",
    "internet",
    "marketing",
    "twitter",
    "bootstrapping",
    "remote teams",
    "blogging",
    "startups",
    "freelancing",
    "email",
    "podcasts",
    "community",
    "pricing",
    "productivity",
    "writing",
    "social media",
    "audience",
    "side projects",
    "search",
    "design",
    "analytics",
    "newsletters",
    "video",
    "books",
    "travel",
    "tools",
    "learning",
    "craft",
]
SMALL_WORDS = {"a", "an", "and", "the", "of", "to", "for", "on", "in", "about", "with", "without"}


def headline(text):
    """Title case that leaves short words small: "Notes on the Long Tail"."""
    words = text.split(" ")
    return " ".join(
        word
        if (i and word in SMALL_WORDS) or not word[:1].islower()
        else word[0].upper() + word[1:]
        for i, word in enumerate(words)
    )


class Writer:
    """Makes up the posts, from a random.Random: the same seed, the same posts."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        # A few tags are popular and most are not, as on a real blog.
        self.tag_weights = [1 / (rank + 1) for rank in range(len(TAGS))]

    def fill(self, template):
        rng = self.rng
        topic, topic2 = rng.sample(TOPICS, 2)
        slots = {
            "groups": rng.choice(GROUPS),
            "thing": rng.choice(THINGS),
            "topic": topic,
            "topic2": topic2,
            "adj": rng.choice(ADJECTIVES),
            "gerund": rng.choice(GERUNDS),
            "role": rng.choice(ROLES),
            "n": rng.choice([2, 3, 5, 7, 10, 12]),
        }
        slots.update({key.capitalize(): headline(str(value)) for key, value in slots.items()})
        text = template.format(**slots)
        return text[0].upper() + text[1:]

    def sentences(self, low, high):
        return " ".join(
            self.fill(self.rng.choice(SENTENCES)) for _ in range(self.rng.randint(low, high))
        )

    def title(self):
        return headline(self.fill(self.rng.choice(TITLES)))

    def summary(self):
        return self.sentences(1, 2)

    def paragraph(self, extra=""):
        rng = self.rng
        text = self.sentences(2, 5)
        if extra:
            text = f"{text} {extra}"
        text = html.escape(text, quote=False)
        if rng.random() < 0.2:  # some bold or italic words, or a link
            word = rng.choice(["bold", "italic", "link"])
            phrase = rng.choice(
                ["the long tail", "micro experts", "a small niche", "your audience"]
            )
            if phrase in text:
                markup = {
                    "bold": f"<b>{phrase}</b>",
                    "italic": f"<i>{phrase}</i>",
                    "link": f'<a href="https://example.com/{slugify(phrase)}">{phrase}</a>',
                }[word]
                text = text.replace(phrase, markup, 1)
        return f"<p>{text}</p>"

    def list_paragraph(self):
        rng = self.rng
        tag = rng.choice(["ul", "ol"])
        items = "".join(
            f"<li>{html.escape(self.fill(rng.choice(LIST_ITEMS)), quote=False)}</li>"
            for _ in range(rng.randint(3, 5))
        )
        intro = html.escape(self.fill(rng.choice(LIST_INTROS)), quote=False)
        return f"<p>{intro}</p><{tag}>{items}</{tag}>"

    def body(self):
        """3-8 blocks: paragraphs (some with lists), headings, a quote, sometimes code."""
        rng = self.rng
        extras = [sentence for sentence, chance in RARE if rng.random() < chance]
        if rng.random() < 0.05:
            extras.append(rng.choice(UNICODE))
        blocks = [{"type": "paragraph", "value": self.paragraph(" ".join(extras))}]
        for _ in range(rng.randint(2, 7)):
            roll = rng.random()
            if roll < 0.45:
                blocks.append({"type": "paragraph", "value": self.paragraph()})
            elif roll < 0.6:
                blocks.append({"type": "paragraph", "value": self.list_paragraph()})
            elif roll < 0.85:
                level = rng.choice(["h2", "h2", "h3"])
                blocks.append(
                    {
                        "type": "heading",
                        "value": {"text": self.fill(rng.choice(HEADINGS)), "level": level},
                    }
                )
            elif roll < 0.95 and not any(block["type"] == "quote" for block in blocks):
                blocks.append(
                    {
                        "type": "quote",
                        "value": {
                            "text": rng.choice(QUOTES),
                            "attribution": rng.choice(["", *NAMES]),
                        },
                    }
                )
            elif roll >= 0.95:
                language, source = rng.choice(CODE)
                blocks.append({"type": "code", "value": {"language": language, "source": source}})
            else:
                blocks.append({"type": "paragraph", "value": self.paragraph()})
        return blocks

    def tags(self):
        count = self.rng.choices(range(5), weights=[10, 25, 30, 20, 15])[0]
        picked = []
        while len(picked) < count:
            tag = self.rng.choices(TAGS, weights=self.tag_weights)[0]
            if tag not in picked:
                picked.append(tag)
        return picked

    def published_at(self):
        day = FIRST_DAY + datetime.timedelta(
            days=self.rng.randrange((LAST_DAY - FIRST_DAY).days + 1)
        )
        seconds = self.rng.randrange(7 * 3600, 23 * 3600)
        return datetime.datetime.combine(
            day, datetime.time(), tzinfo=datetime.UTC
        ) + datetime.timedelta(seconds=seconds)

    def response(self):
        rng = self.rng
        name = rng.choice(NAMES)
        text = " ".join(self.fill(rng.choice(RESPONSES)) for _ in range(rng.randint(1, 3)))
        return name, f"{slugify(name).replace('-', '.')}@example.com", text


def approved_response(content_type, post_pk, reader, submitted, **fields):
    """An approved response to a post, unsaved: `reader` is Writer.response()'s
    (name, email, text)."""
    name, email, text = reader
    return XtdComment(
        content_type_id=content_type.pk,
        object_pk=str(post_pk),
        site_id=settings.SITE_ID,
        user_name=name,
        user_email=email,
        user_url="",
        comment=text,
        submit_date=submitted,
        is_public=True,
        is_removed=False,
        **fields,
    )


class Command(BaseCommand):
    help = "Create N realistic, published blog posts (and optionally responses) in bulk."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="How many posts to create.")
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"Random seed: the same seed writes the same posts (default {DEFAULT_SEED}).",
        )
        parser.add_argument(
            "--responses",
            type=int,
            default=0,
            metavar="M",
            help="Also create M approved visitor responses spread over the new posts.",
        )
        parser.add_argument(
            "--busy-post-responses",
            type=int,
            default=0,
            metavar="N",
            help=f"Also create one post, “{BUSY_POST_TITLE}”, with N approved responses, "
            "some of them threaded replies.",
        )
        parser.add_argument(
            "--batch", type=int, default=1000, help="Posts written per batch (default 1000)."
        )

    def handle(self, *args, count, seed, responses, busy_post_responses, batch, **options):
        if count < 0 or responses < 0 or busy_post_responses < 0:
            raise CommandError("The number of posts and of responses cannot be negative.")
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        if responses and not count:
            raise CommandError("--responses needs new posts to respond to.")
        self.verbosity = options["verbosity"]
        blog = BlogIndexPage.objects.first()
        if blog is None:
            raise CommandError("There is no blog index page. Run manage.py seed_site first.")

        started = time.monotonic()
        writer = Writer(seed)
        with transaction.atomic():
            posts = self.create_posts(blog, writer, count, batch, started)
            made = self.create_responses(posts, writer, responses, batch)
            if busy_post_responses:
                [busy] = self.create_posts(blog, writer, 1, batch, started, BUSY_POST_TITLE)
                self.create_busy_responses(busy, writer, busy_post_responses, batch)
        self.analyze()
        elapsed = time.monotonic() - started
        if self.verbosity:
            extra = f" and {made} responses" if made else ""
            if busy_post_responses:
                extra += f", and “{BUSY_POST_TITLE}” with {busy_post_responses} responses,"
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created {count} posts{extra} under “{blog.title}” in {elapsed:.1f} s."
                )
            )

    # Posts -------------------------------------------------------------------------

    def create_posts(self, blog, writer, count, batch, started, title=None):
        """`count` posts; all titled `title` and open to responses when it is given."""
        # Lock the blog index row, as treebeard's add_child does, so that no page is
        # added beside ours while we number the new paths.
        parent = Page.objects.select_for_update().get(pk=blog.pk)
        last_path = (
            Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
            .order_by("-path")
            .values_list("path", flat=True)
            .first()
        )
        # Treebeard's materialised path: each level adds a step of `steplen`
        # characters, a number written in the model's `alphabet`.
        alphabet, steplen = BlogPostPage.alphabet, BlogPostPage.steplen
        steps = NumConv(alphabet)
        next_step = steps.str2int(last_path[-steplen:]) + 1 if last_path else 1
        most = len(alphabet) ** steplen - 1
        if next_step + count - 1 > most:
            raise CommandError(f"A page can have at most {most} children in Wagtail's tree.")
        slugs = set(Page.objects.child_of(parent).values_list("slug", flat=True))
        tags = self.tag_pool()
        author = self.author()
        content_type = ContentType.objects.get_for_model(BlogPostPage)

        created = []  # (pk, first_published_at) of every new post
        for start in range(0, count, batch):
            size = min(batch, count - start)
            posts, post_tags = [], []
            for _ in range(size):
                post_title = title or writer.title()
                slug = self.unique_slug(slugify(post_title)[:80].strip("-") or "post", slugs)
                published_at = writer.published_at()
                post = BlogPostPage(
                    title=post_title,
                    draft_title=post_title,
                    slug=slug,
                    content_type=content_type,
                    locale_id=parent.locale_id,
                    path=parent.path + steps.int2str(next_step).rjust(steplen, alphabet[0]),
                    depth=parent.depth + 1,
                    numchild=0,
                    url_path=f"{parent.url_path}{slug}/",
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=published_at,
                    last_published_at=published_at,
                    owner=author,
                    author=author,
                    date=published_at.date(),
                    summary=writer.summary(),
                    body=writer.body(),
                    comments_open=writer.rng.random() < 0.9 or title is not None,
                )
                next_step += 1
                posts.append(post)
                post_tags.append(writer.tags())
            insert_inherited(posts, batch)
            BlogPostTag.objects.bulk_create(
                [
                    BlogPostTag(content_object_id=post.pk, tag_id=tags[name].pk)
                    for post, names in zip(posts, post_tags, strict=True)
                    for name in names
                ],
                batch_size=batch,
            )
            self.index(posts)
            created.extend((post.pk, post.first_published_at) for post in posts)
            self.progress(start + size, count, "posts", started)

        Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + count)
        return created

    @staticmethod
    def unique_slug(slug, taken):
        candidate, number = slug, 1
        while candidate in taken:
            number += 1
            candidate = f"{slug}-{number}"
        taken.add(candidate)
        return candidate

    @staticmethod
    def tag_pool():
        """The pool's tags, reusing any that editors already have by slug or by name."""
        tags = {}
        for name in TAGS:
            slug = slugify(name)
            tag = BlogTag.objects.filter(Q(slug=slug) | Q(name=name)).first()
            tags[name] = tag or BlogTag.objects.create(name=name, slug=slug)
        return tags

    @staticmethod
    def author():
        users = get_user_model().objects
        return users.filter(username="ben").first() or users.filter(is_superuser=True).first()

    @staticmethod
    def index(posts):
        """Add the new posts to every search backend that follows saves, in one go."""
        fresh = list(BlogPostPage.get_indexed_objects().filter(pk__in=[post.pk for post in posts]))
        for backend in get_search_backends(with_auto_update=True):
            backend.add_bulk(BlogPostPage, fresh)

    @staticmethod
    def analyze():
        """Fresh planner statistics for the tables just filled, on PostgreSQL.

        Until autovacuum analyzes them (never, where it is switched off) the planner
        guesses from stale or missing statistics, and a search with a year or tag filter
        on fresh posts ran orders of magnitude slower (bench/RESULTS.md).
        """
        connection = connections[router.db_for_write(BlogPostPage)]
        if connection.vendor != "postgresql":
            return
        models = [Page, BlogPostPage, BlogTag, BlogPostTag, IndexEntry, Comment, XtdComment]
        tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {tables}")

    # Responses ---------------------------------------------------------------------

    def create_responses(self, posts, writer, count, batch):
        if not count:
            return 0
        rng = writer.rng
        content_type = ContentType.objects.get_for_model(BlogPostPage)
        now = datetime.datetime.now(datetime.UTC)
        responses = []
        for _ in range(count):
            # Squaring the draw gives a few posts many responses and most posts few.
            pk, published_at = posts[int(len(posts) * rng.random() ** 2)]
            reader = writer.response()
            submitted = published_at + datetime.timedelta(minutes=rng.randrange(30, 60 * 24 * 60))
            responses.append(
                approved_response(content_type, pk, reader, min(submitted, now), level=0, order=1)
            )

        def top_level(objs):
            # A top-level response is its own thread and its own parent (XtdComment.save).
            for obj in objs:
                obj.thread_id = obj.parent_id = obj.pk

        insert_inherited(responses, batch, before_children=top_level)
        return count

    def create_busy_responses(self, post, writer, count, batch):
        """`count` approved responses to one post, threaded as xtd's own save() threads them.

        About half start a thread; the others reply to one of the few responses before
        them (people answer what they just read), never deeper than the site allows. Each
        thread's `order` is its reading order (a reply comes after its parent's earlier
        replies and their replies) and `nested_count` the number of replies below a
        response, as XtdComment.save() would leave them one at a time.
        """
        pk, published_at = post
        rng = writer.rng
        deepest = settings.COMMENTS_XTD_MAX_THREAD_LEVEL
        content_type = ContentType.objects.get_for_model(BlogPostPage)
        now = datetime.datetime.now(datetime.UTC)
        submitted = published_at
        parents, levels, children = [], [], [[] for _ in range(count)]
        responses = []
        for number in range(count):
            recent = [i for i in range(max(0, number - 12), number) if levels[i] < deepest]
            parent = rng.choice(recent) if recent and rng.random() < 0.5 else None
            parents.append(parent)
            levels.append(0 if parent is None else levels[parent] + 1)
            if parent is not None:
                children[parent].append(number)
            reader = writer.response()
            submitted += datetime.timedelta(minutes=rng.randrange(5, 12 * 60))
            responses.append(
                approved_response(
                    content_type, pk, reader, min(submitted, now), level=levels[number]
                )
            )

        def number_thread(number, order):
            """Number a response and its replies in reading order; return the next order."""
            responses[number].order = order
            order += 1
            for child in children[number]:
                order = number_thread(child, order)
            responses[number].nested_count = order - responses[number].order - 1
            return order

        for number in range(count):
            if parents[number] is None:
                number_thread(number, 1)

        # A level at a time, so that every parent has its id before its replies are written.
        for level in range(deepest + 1):
            numbers = [number for number in range(count) if levels[number] == level]

            def link(objs, numbers=numbers):
                for number, obj in zip(numbers, objs, strict=True):
                    parent = parents[number]
                    if parent is None:
                        obj.thread_id = obj.parent_id = obj.pk
                    else:
                        obj.parent_id = responses[parent].pk
                        obj.thread_id = responses[parent].thread_id

            insert_inherited([responses[number] for number in numbers], batch, link)
        return count

    # Output ------------------------------------------------------------------------

    def progress(self, done, total, unit, started):
        """A progress bar: redrawn in place on a terminal, a line a batch elsewhere."""
        if not self.verbosity:
            return
        width = 30
        filled = width * done // total if total else width
        line = (
            f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {unit} "
            f"({time.monotonic() - started:.1f} s)"
        )
        if self.stdout.isatty():
            self.stdout.write("\r" + line, ending="\n" if done >= total else "")
            self.stdout.flush()
        else:
            self.stdout.write(line)
