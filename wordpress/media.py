"""Images from the WordPress uploads folder (`--media-dir`) into Wagtail's library.

Each file becomes one Wagtail image, however many posts show it and in whatever
sizes: WordPress's resized copies (photo-300x200.jpg, photo-scaled.jpg) lead
to the original when it is there. Images are keyed on their path under the
uploads folder (and on the attachment's ID when the export lists it), so a
second import reuses them. Only files inside the folder are ever read.
"""

import hashlib
import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import UnidentifiedImageError
from wagtail.images import get_image_model

from .models import WordPressItem

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"}
RESIZED = re.compile(r"-(?:\d+x\d+|scaled|rotated)(?=\.[^.]+$)", re.IGNORECASE)
UPLOADS = "wp-content/uploads/"


class MediaLibrary:
    def __init__(self, media_dir, report, dry_run=False):
        self.media_dir = Path(media_dir).resolve() if media_dir else None
        self.report = report
        self.dry_run = dry_run
        self.model = get_image_model()
        self.content_type = ContentType.objects.get_for_model(self.model)
        self.by_path = {}  # relative path -> image, or None when it could not be read
        self.items = {}  # (kind, wp_id) -> WordPressItem, images and attachments
        for mapping in WordPressItem.objects.filter(kind__in=["image", "attachment"]):
            self.items[(mapping.kind, mapping.wp_id)] = mapping

    def find_file(self, url):
        """The file under --media-dir for an upload's URL, and its path there."""
        if self.media_dir is None:
            return None, None
        path = unquote(urlsplit(url.strip()).path)
        if UPLOADS in path:
            candidates = [path.split(UPLOADS, 1)[1]]
        else:  # an export from elsewhere: the longest tail of the path that exists
            parts = PurePosixPath(path).parts[1:]
            candidates = ["/".join(parts[i:]) for i in range(len(parts))]
        for candidate in candidates:
            original = RESIZED.sub("", candidate)
            for relative in dict.fromkeys([original, candidate]):
                file = (self.media_dir / relative).resolve()
                if file.is_relative_to(self.media_dir) and file.is_file():
                    return file, file.relative_to(self.media_dir).as_posix()
        return None, None

    def image_for(self, url, alt="", title=""):
        """The Wagtail image for an upload's URL, made on first use; None if absent."""
        file, relative = self.find_file(url)
        if file is None or file.suffix.lower() not in IMAGE_EXTENSIONS:
            return None
        if relative in self.by_path:
            return self.by_path[relative]
        image = self.existing("image", relative)
        if image is None:
            image = self.create(file, relative, title or alt)
        self.by_path[relative] = image
        return image

    def existing(self, kind, wp_id):
        mapping = self.items.get((kind, str(wp_id)))
        if mapping is None:
            return None
        return self.model.objects.filter(pk=mapping.object_id).first()

    def create(self, file, relative, title):
        """A new image for the file, in its own savepoint: a post that fails later
        does not take the image with it."""
        try:
            with PILImage.open(file) as picture:
                width, height = picture.size
        except (OSError, UnidentifiedImageError, ValueError):
            self.report.warn(f"image {relative}: not a readable image, left out")
            self.report.skip("attachment", "unreadable image files")
            return None
        data = file.read_bytes()
        title = (title or PurePosixPath(relative).stem.replace("-", " ").replace("_", " "))[:255]
        with transaction.atomic():
            image = self.model(
                title=title,
                width=width,
                height=height,
                file_size=len(data),
                file_hash=hashlib.sha1(data, usedforsecurity=False).hexdigest(),
            )
            if self.dry_run:
                # The row only (rolled back at the end): no file reaches the storage.
                image.file.name = f"original_images/{file.name}"
                image.save()
            else:
                with file.open("rb") as handle:
                    image.file = ImageFile(handle, name=file.name)
                    image.save()
            self.remember("image", relative, image)
        self.report.count("attachment", "new")
        return image

    def remember(self, kind, wp_id, image):
        mapping, _ = WordPressItem.objects.update_or_create(
            kind=kind,
            wp_id=str(wp_id),
            defaults={"content_type": self.content_type, "object_id": image.pk},
        )
        self.items[(kind, str(wp_id))] = mapping

    def import_attachment(self, item):
        """An attachment item of the export: its file, if an image, into the library."""
        if not item.attachment_url:
            return self.report.skip("attachment", "no file address")
        if self.media_dir is None:
            return self.report.skip("attachment", "no --media-dir given")
        file, relative = self.find_file(item.attachment_url)
        if file is None:
            self.report.warn(
                f"attachment {item.id} “{item.title}”: no file for {item.attachment_url}"
            )
            return self.report.skip("attachment", "file not in --media-dir")
        if file.suffix.lower() not in IMAGE_EXTENSIONS:
            return self.report.skip("attachment", "not an image (documents are not imported)")
        known = self.existing("attachment", item.id)
        if known is not None:
            self.by_path.setdefault(relative, known)
            return self.report.count("attachment", "unchanged")
        before = self.report.total("attachment", "new")
        image = self.image_for(item.attachment_url, title=item.title)
        if image is None:
            return None
        self.remember("attachment", item.id, image)
        if self.report.total("attachment", "new") == before:
            self.report.count("attachment", "unchanged")  # the file was already imported
        return image
