"""The kinds of version a page may have (Welsh, Urdu, Arabic, Polish, easy read), declared once.

A version is a page of its own (``Page.source`` names the English page, ``Page.version_kind``
one of these codes, ``Page.made_from`` the exact publication of the source it was made from).
Everything that treats a version differently asks its kind here: the address prefix
(``/cy/info/...``), ``lang`` and ``dir`` on the page, the search configuration, whether
plain-English scores apply, the reviewer role whose sign-off it needs, and the notice its
readers get when the English page has moved on. A new language is one entry below (and a
reviewer role row with the code it names, added by a data migration or in the admin).
"""

from dataclasses import dataclass

ENGLISH_CODE = ""  # the source pages: no prefix


@dataclass(frozen=True)
class VersionKind:
    """One kind of version. ``notice`` and ``english_link`` are in the version's own language:
    ``notice`` takes ``{date}`` (the day the English page was updated)."""

    code: str  # the address prefix and what ``Page.version_kind`` stores
    name: str  # in English, for the workspace
    own_name: str  # in itself, for the language switcher
    lang: str  # BCP 47, for ``lang`` and ``hreflang``
    direction: str  # "ltr" or "rtl"
    search_config: str  # a PostgreSQL text search configuration ("simple": none exists)
    plain_english: bool  # plain-English scores mean something for it
    role: str  # the code of the reviewer role whose sign-off every change needs
    notice: str
    english_link: str

    @property
    def is_rtl(self) -> bool:
        return self.direction == "rtl"


ENGLISH = VersionKind(
    code=ENGLISH_CODE,
    name="English",
    own_name="English",
    lang="en-GB",
    direction="ltr",
    search_config="english",
    plain_english=True,
    role="",
    notice="",
    english_link="",
)

# Wording of the notices: our own, to be checked by each language's reviewers before use.
VERSION_KINDS: dict[str, VersionKind] = {
    kind.code: kind
    for kind in [
        VersionKind(
            code="cy",
            name="Welsh",
            own_name="Cymraeg",
            lang="cy",
            direction="ltr",
            search_config="simple",
            plain_english=False,
            role="welsh",
            notice=(
                "Cafodd y fersiwn Saesneg o’r dudalen hon ei diweddaru ar {date}; mae’r "
                "fersiwn hon yn cael ei diweddaru."
            ),
            english_link="Darllenwch y fersiwn Saesneg",
        ),
        VersionKind(
            code="ur",
            name="Urdu",
            own_name="اردو",
            lang="ur",
            direction="rtl",
            search_config="simple",
            plain_english=False,
            role="urdu",
            notice=(
                "اس صفحے کا انگریزی ورژن {date} کو اپ ڈیٹ کیا گیا؛ اس ورژن کو اپ ڈیٹ کیا جا رہا ہے۔"
            ),
            english_link="انگریزی ورژن پڑھیں",
        ),
        VersionKind(
            code="ar",
            name="Arabic",
            own_name="العربية",
            lang="ar",
            direction="rtl",
            search_config="arabic",
            plain_english=False,
            role="arabic",
            notice="تم تحديث النسخة الإنجليزية من هذه الصفحة في {date}؛ ويجري تحديث هذه النسخة.",
            english_link="اقرأ النسخة الإنجليزية",
        ),
        VersionKind(
            code="pl",
            name="Polish",
            own_name="Polski",
            lang="pl",
            direction="ltr",
            search_config="simple",
            plain_english=False,
            role="polish",
            notice=(
                "Angielska wersja tej strony została zaktualizowana {date}; ta wersja jest "
                "aktualizowana."
            ),
            english_link="Przeczytaj wersję angielską",
        ),
        VersionKind(
            code="easy-read",
            name="Easy read",
            own_name="Easy read",
            lang="en-GB",
            direction="ltr",
            search_config="english",
            plain_english=True,
            role="easy-read",
            notice=(
                "We changed the English page on {date}. We are changing this easy read page too."
            ),
            english_link="Read the full English page",
        ),
    ]
}

# Reviewer roles the versions need: code, label, public label, group (added by migration).
VERSION_ROLES = [
    ("welsh", "Welsh reviewer", "Welsh language reviewer", "Welsh reviewers"),
    ("urdu", "Urdu reviewer", "Urdu language reviewer", "Urdu reviewers"),
    ("arabic", "Arabic reviewer", "Arabic language reviewer", "Arabic reviewers"),
    ("polish", "Polish reviewer", "Polish language reviewer", "Polish reviewers"),
    ("easy-read", "easy read reviewer", "Easy read reviewer", "Easy read reviewers"),
]


def kind_of_language(code: str | None) -> VersionKind:
    """The kind stored as ``code`` (English for none, or a code no longer declared)."""
    return VERSION_KINDS.get(code or "", ENGLISH)


def version_choices() -> list[tuple[str, str]]:
    return [(kind.code, kind.name) for kind in VERSION_KINDS.values()]


def prefix_pattern() -> str:
    """The address prefixes, for a URL converter."""
    return "|".join(sorted(VERSION_KINDS, key=len, reverse=True))
