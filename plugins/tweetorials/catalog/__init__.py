"""The maintainers' catalog, ``threads.yaml``: specialties, curated threads, exclusions."""

from .load import CatalogError, load_catalog, parse_catalog, read_catalog_text
from .model import Catalog, CatalogEntry, Exclusion, ImageNote, Problem, Review, Specialty

__all__ = [
    "Catalog",
    "CatalogEntry",
    "CatalogError",
    "Exclusion",
    "ImageNote",
    "Problem",
    "Review",
    "Specialty",
    "load_catalog",
    "parse_catalog",
    "read_catalog_text",
]
