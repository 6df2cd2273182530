"""Rendering: the Pelican plugin that turns catalog entries and snapshots into pages.

Imports catalog, snapshot and media helpers; never the fetch package.
"""
