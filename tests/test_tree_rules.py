"""Where each page type may live, and which are one of a kind."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from blog.models import BlogIndexPage, BlogPostPage
from home.models import AboutPage, ContentPage, HomePage, NewHerePage
from tests.builders import build_site, make_post


class TreeRulesTests(WagtailPageTestCase):
    def test_home_sits_at_the_root(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(
            HomePage, {BlogIndexPage, AboutPage, NewHerePage, ContentPage}
        )

    def test_blog_index_only_under_home_and_holds_only_posts(self):
        self.assertAllowedParentPageTypes(BlogIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(BlogIndexPage, {BlogPostPage})

    def test_posts_only_under_the_blog_index(self):
        self.assertAllowedParentPageTypes(BlogPostPage, {BlogIndexPage})
        self.assertAllowedSubpageTypes(BlogPostPage, set())

    def test_about_and_new_here_under_home_with_no_children(self):
        for page_type in (AboutPage, NewHerePage):
            self.assertAllowedParentPageTypes(page_type, {HomePage})
            self.assertAllowedSubpageTypes(page_type, set())

    def test_blog_about_and_new_here_are_one_of_a_kind(self):
        tree = build_site()
        for page_type in (BlogIndexPage, AboutPage, NewHerePage):
            self.assertFalse(page_type.can_create_at(tree.home), page_type)
        self.assertCanNotCreateAt(BlogPostPage, BlogIndexPage)
        self.assertCanNotCreateAt(HomePage, BlogPostPage)
        self.assertCanCreateAt(BlogIndexPage, BlogPostPage)

    def test_each_page_type_renders(self):
        tree = build_site()
        post = make_post(tree.blog, "A post")
        for page in (tree.home, tree.blog, tree.about, tree.new_here, post):
            self.assertPageIsRenderable(page)
