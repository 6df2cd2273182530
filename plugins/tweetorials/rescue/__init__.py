"""Rescuing deleted threads from copies that survive: account exports and unrolled pages.

A peer of ``fetch/`` that never uses the network (and imports neither httpx nor Pelican):

* :mod:`.archive` opens a zip, a folder or a file and refuses hostile members (zip bombs,
  paths that leave the archive, links) before an importer reads anything;
* one module per format reads it into an :class:`~.export.Export` (:mod:`.registry` lists them);
* :mod:`.selfthread` finds the author's thread through any of its posts and stops before a
  post that was not public; :mod:`.build` makes the snapshot with its provenance;
* :mod:`.media` puts the export's images through the Pillow pipeline.

``tweetorials import`` (``cli/rescue.py``) ties them together and writes the files.
"""
