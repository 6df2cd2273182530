"""Pelican settings for publishing (`make publish`, the Pages workflow).

SITEURL comes from the environment (the Pages base URL in CI), so every link, feed and
canonical URL is absolute.
"""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("SITEURL", "https://foamed-library.github.io/tweetorials").rstrip("/")
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
TWEETORIALS_FETCH = os.environ.get("TWEETORIALS_FETCH", "missing")
DELETE_OUTPUT_DIRECTORY = True
