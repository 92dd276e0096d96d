"""The body blocks: each has an icon, a description and a preview in the editor."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from blog.blocks import BodyBlock
from tests.builders import make_post, publish

BLOCK_NAMES = ["paragraph", "heading", "image", "quote", "embed", "code"]


def test_body_offers_the_six_blocks_with_icon_and_description():
    body = BodyBlock()
    assert list(body.child_blocks) == BLOCK_NAMES
    for name, block in body.child_blocks.items():
        assert block.meta.icon and block.meta.icon != "placeholder", name
        assert block.get_description(), name
        assert block.is_previewable, name


@pytest.mark.parametrize("name", BLOCK_NAMES)
def test_block_preview_renders_in_the_admin(client, db, name):
    admin = get_user_model().objects.create_superuser("admin", "a@example.com", "pw")
    client.force_login(admin)
    block = BodyBlock().child_blocks[name]
    response = client.get(reverse("wagtailadmin_block_preview"), {"id": block.definition_prefix})
    assert response.status_code == 200
    assert b"css/site.css" in response.content


def test_image_block_renders_responsive_renditions(client, site_tree):
    image = Image.objects.create(title="Team map", file=get_test_image_file(size=(1600, 900)))
    post = make_post(site_tree.blog, "With a picture")
    picture = {
        "type": "image",
        "value": {
            "image": {"image": image.pk, "decorative": False, "alt_text": "A map of the team"},
            "caption": "Where we all work",
        },
    }
    post.body = [picture, {"type": "paragraph", "value": "<p>Between.</p>"}, picture]
    publish(post)
    html = client.get(post.url).content.decode()
    assert html.count("<picture>") == 2
    assert 'type="image/avif"' in html and 'type="image/webp"' in html
    assert 'srcset="' in html and "800w" in html
    assert 'alt="A map of the team"' in html
    assert 'width="' in html and 'height="' in html
    assert "Where we all work" in html
    # The first screen's image comes at once; the ones below it when scrolled to.
    first, second = html.split("<picture>")[1:]
    assert 'fetchpriority="high"' in first and 'loading="lazy"' not in first
    assert 'loading="lazy"' in second
    # Renditions are made once: a second view of the page makes none.
    from wagtail.images.models import Rendition

    made = Rendition.objects.count()
    client.get(post.url)
    assert Rendition.objects.count() == made > 0
