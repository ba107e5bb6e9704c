"""Which exact versions a publication (or a change request) is made of.

A publication records the django-reversion ``Version`` ids it was built from, by kind, so what
readers saw can be traced to the saved texts and restored. One small value type instead of a
dict shape rebuilt wherever it is needed.
"""

from dataclasses import dataclass

PART_KINDS = ("sections", "references", "resources")


@dataclass(frozen=True)
class SourceVersions:
    """Version ids: the page's own, then each section, reference and resource in order."""

    page: int | None = None
    sections: tuple[int, ...] = ()
    references: tuple[int, ...] = ()
    resources: tuple[int, ...] = ()

    @classmethod
    def from_json(cls, data: dict | None) -> "SourceVersions":
        data = data or {}
        return cls(
            page=data.get("page"),
            **{kind: tuple(pk for pk in data.get(kind) or () if pk) for kind in PART_KINDS},
        )

    def to_json(self) -> dict:
        """As stored in ``PublishedPage.source_versions`` and in audit events."""
        return {"page": self.page, **{kind: list(getattr(self, kind)) for kind in PART_KINDS}}

    def ids(self) -> list[int]:
        """Every version id, the page's first."""
        parts = [pk for kind in PART_KINDS for pk in getattr(self, kind)]
        return ([self.page] if self.page else []) + parts
