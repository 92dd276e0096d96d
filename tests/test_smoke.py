from tests.builders import make_post


def test_post_page_renders(client, site_tree):
    post = make_post(site_tree.blog, "Hello world")
    response = client.get(post.url)
    assert response.status_code == 200
    assert b"Hello world" in response.content
