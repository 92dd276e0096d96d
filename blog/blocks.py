"""The body blocks every page uses (posts, About, New Here?).

Block names are stored in the database as JSON, so they are short and must
never be renamed: `paragraph`, `heading`, `image`, `quote`, `embed`, `code`.
"""

from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "hr", "code"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=255)
    level = blocks.ChoiceBlock(
        choices=[("h2", "Heading 2"), ("h3", "Heading 3"), ("h4", "Heading 4")],
        default="h2",
        help_text="h2 for a section, h3 and h4 for sub-sections (the post title is the h1).",
    )

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"
        description = "A section heading (h2, h3 or h4)."
        preview_value = {"text": "What a micro expert knows", "level": "h2"}


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock()
    caption = blocks.CharBlock(required=False, max_length=500)

    class Meta:
        icon = "image"
        template = "blocks/image_block.html"
        description = "An image with alt text and an optional caption, resized for every screen."
        # A static sample: a real preview value would need an image in the library.
        preview_template = "blocks/previews/image_block.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=255)

    class Meta:
        icon = "openquote"
        template = "blocks/quote_block.html"
        description = "A quotation, with who said it."
        preview_value = {
            "text": "Jack of many trades, master of a dozen or so.",
            "attribution": "Ben Young",
        }


class EmbedWithCaptionBlock(blocks.StructBlock):
    url = EmbedBlock(help_text="A YouTube, Vimeo or other oEmbed address.")
    caption = blocks.CharBlock(required=False, max_length=500)

    class Meta:
        icon = "media"
        template = "blocks/embed_block.html"
        description = "A video or other media, from a YouTube, Vimeo or other oEmbed address."
        # A static sample: a real preview would fetch media from its provider.
        preview_template = "blocks/previews/embed_block.html"


class CodeBlock(blocks.StructBlock):
    language = blocks.ChoiceBlock(
        choices=[
            ("text", "Plain text"),
            ("bash", "Shell"),
            ("css", "CSS"),
            ("html", "HTML"),
            ("javascript", "JavaScript"),
            ("json", "JSON"),
            ("python", "Python"),
            ("sql", "SQL"),
        ],
        default="text",
    )
    source = blocks.TextBlock(help_text="Shown exactly as typed, in a monospaced font.")

    class Meta:
        icon = "code"
        template = "blocks/code_block.html"
        description = "Source code or terminal output, shown exactly as typed."
        preview_value = {"language": "python", "source": 'print("Hello, micro experts")'}


class BodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES,
        icon="pilcrow",
        template="blocks/paragraph_block.html",
        description="Text with bold, italic, links and lists.",
        preview_value=(
            "<p>As is the power of small we are all <b>micro experts</b>, with a "
            '<a href="https://example.com">link</a>:</p><ul><li>one</li><li>two</li></ul>'
        ),
    )
    heading = HeadingBlock()
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    embed = EmbedWithCaptionBlock()
    code = CodeBlock()
