"""Reading HTML as a visitor does, one way across the suite: parse a page or a
fragment, select from it, and read the text shown."""

from bs4 import BeautifulSoup


def parse(html):
    """A page or a fragment of HTML (text or bytes), to select from."""
    return BeautifulSoup(html, "html.parser")


def soup(response, status=200):
    """The page a response carries, once its status is the one expected."""
    request = getattr(response, "request", {})
    assert response.status_code == status, (response.status_code, request.get("PATH_INFO"))
    return parse(response.content)


def one(root, selector):
    """The first element the CSS selector finds under root; there must be one."""
    element = root.select_one(selector)
    assert element is not None, f"nothing matches {selector!r}"
    return element


def text_of(root, selector=None):
    """The text a reader sees of root, or of the first element the selector finds
    under it: runs of whitespace read as one space, none at either end."""
    element = root if selector is None else one(root, selector)
    return " ".join(element.get_text().split())


def texts_of(root, selector):
    """The text a reader sees of each element the selector finds, in page order."""
    return [text_of(element) for element in root.select(selector)]
