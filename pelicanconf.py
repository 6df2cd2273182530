"""Pelican settings for local builds (`make html`, `make serve`).

publishconf.py imports this file and changes what differs when the site is published.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "plugins"))

AUTHOR = "The Tweetorials Library curators"
SITENAME = "Tweetorials Library"
SITESUBTITLE = "#FOAMed threads, archived and calm to read"
SITEURL = ""
TIMEZONE = "UTC"
DEFAULT_LANG = "en"

PATH = "content"
THEME = "theme"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["tweetorials"]

# The catalog lives beside content/; fetching at build time: missing | never | refresh.
# Local builds are offline unless asked (`TWEETORIALS_FETCH=missing make html`); the Pages
# workflow fetches first with `tweetorials fetch`.
TWEETORIALS_CATALOG = "threads.yaml"
TWEETORIALS_FETCH = "never"

# Articles come from the plugin, pages (About) from Markdown.
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["media", "extra"]
EXTRA_PATH_METADATA = {
    "extra/robots.txt": {"path": "robots.txt"},
}
IGNORE_FILES = [".#*", "*.tmp", "threads"]

ARTICLE_URL = "threads/{slug}/"
ARTICLE_SAVE_AS = "threads/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "specialty/{slug}/"
CATEGORY_SAVE_AS = "specialty/{slug}/index.html"
CATEGORIES_URL = "specialty/"
CATEGORIES_SAVE_AS = "specialty/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
TAGS_URL = "tag/"
TAGS_SAVE_AS = "tag/index.html"
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = "author/{slug}/index.html"
AUTHORS_URL = "author/"
AUTHORS_SAVE_AS = "author/index.html"
ARCHIVES_URL = "archive/"
ARCHIVES_SAVE_AS = "archive/index.html"
YEAR_ARCHIVE_URL = "archive/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = "archive/{date:%Y}/index.html"
DIRECT_TEMPLATES = ["index", "tags", "categories", "authors", "archives", "404"]
ARTICLE_ORDER_BY = "reversed-date"
DEFAULT_PAGINATION = 20

# Feeds: one for everything, one per specialty (category). Relative in local builds.
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/specialty/{slug}.atom.xml"
TAG_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
RSS_FEED_SUMMARY_ONLY = False

# Escape everything by default; templates mark only sanitised HTML as safe.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}

DELETE_OUTPUT_DIRECTORY = True
CACHE_CONTENT = False
RELATIVE_URLS = True
