"""Which exact versions a publication (or a change request) is made of.

A publication records the django-reversion ``Version`` ids it was built from, by kind, so what
readers saw can be traced to the saved texts and restored. One small value type instead of a
dict shape rebuilt wherever it is needed; its kinds are the registry's (``infopages.parts``).
"""

from infopages.parts import PART_KINDS


def _collections() -> tuple[str, ...]:
    return tuple(kind.collection for kind in PART_KINDS)


class SourceVersions:
    """Version ids: the page's own, then each kind of part's in order
    (``SourceVersions(page=1, sections=(2, 3))``; ``.sections`` reads them back)."""

    __slots__ = ("page", "parts")

    def __init__(self, page: int | None = None, **parts: tuple[int, ...]):
        collections = _collections()
        unknown = set(parts) - set(collections)
        if unknown:
            raise TypeError(f"No such kind of part: {', '.join(sorted(unknown))}.")
        self.page = page
        self.parts = {name: tuple(parts.get(name, ())) for name in collections}

    def __getattr__(self, name: str) -> tuple[int, ...]:
        try:
            return object.__getattribute__(self, "parts")[name]
        except KeyError:
            raise AttributeError(name) from None

    def __eq__(self, other) -> bool:
        if not isinstance(other, SourceVersions):
            return NotImplemented
        return (self.page, self.parts) == (other.page, other.parts)

    def __hash__(self) -> int:
        return hash((self.page, tuple(self.parts.items())))

    def __repr__(self) -> str:
        parts = ", ".join(f"{name}={ids!r}" for name, ids in self.parts.items())
        return f"SourceVersions(page={self.page!r}, {parts})"

    @classmethod
    def from_json(cls, data: dict | None) -> "SourceVersions":
        data = data or {}
        return cls(
            page=data.get("page"),
            **{kind: tuple(pk for pk in data.get(kind) or () if pk) for kind in _collections()},
        )

    def to_json(self) -> dict:
        """As stored in ``PublishedPage.source_versions`` and in audit events."""
        return {"page": self.page, **{kind: list(ids) for kind, ids in self.parts.items()}}

    def ids(self) -> list[int]:
        """Every version id, the page's first."""
        parts = [pk for ids in self.parts.values() for pk in ids]
        return ([self.page] if self.page else []) + parts
