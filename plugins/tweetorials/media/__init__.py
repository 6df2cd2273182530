"""Images and social cards, made with Pillow and served from the site itself.

* :mod:`.images`: untrusted bytes -> validated, metadata-free web sizes named by content hash.
* :mod:`.archive`: every image of a thread, downloaded by ``fetch`` or processed offline by
  the build; failures become ``Media.error``, never exceptions.
* :mod:`.alt`: alt-text normalisation (platform placeholders such as ``"Image"`` are empty).
* :mod:`.cards`: the 1200x630 social card of a thread, with bundled fonts (:mod:`.typeset`).

Nothing here imports the fetch layer or Pelican. Import from the module itself
(``from ..media.archive import ensure_local_media``): this file imports nothing, so that
drawing a card (:mod:`.cards`, in a lean process of its own) does not load the snapshot
model, YAML and the image archive with it.
"""
