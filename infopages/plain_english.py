"""Plain-English scores of a text, for editors and reviewers (readers never see them).

The PIF TICK standard asks producers to write for people with low health literacy. Each text
gets a reading age (the Flesch-Kincaid grade plus 5, as UK reading ages are usually given)
and a Flesch reading-ease score, from textstat, and the sentences that pull it down most
(long sentences, many long words), so an editor knows what to rewrite. The team's target is
the ``READING_AGE_TARGET`` setting (default 11).
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import unescape

import textstat
from django.conf import settings

from infopages.markdown import render_markdown

UK_READING_AGE_OFFSET = 5  # a US school grade plus 5 is the age at which it is read
LONG_SENTENCE_WORDS = 20
LONG_WORD_SYLLABLES = 3
MIN_WORDS = 10  # fewer words than this give no meaningful score
HARD_SENTENCES_SHOWN = 5

# Where a block of rendered text ends, so list items and headings read as sentences.
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|summary|td|th|dt|dd|blockquote)>|<br\s*/?>", re.I)
_TAG = re.compile(r"<[^>]+>")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def target_reading_age() -> int:
    return int(getattr(settings, "READING_AGE_TARGET", 11))


@dataclass(frozen=True)
class HardSentence:
    text: str
    words: int
    long_words: list[str]


@dataclass(frozen=True)
class Score:
    """How hard a text is to read, and what to rewrite first."""

    reading_age: float
    ease: float
    words: int
    sentences: int
    hard_sentences: list[HardSentence] = field(default_factory=list)

    @property
    def meets_target(self) -> bool:
        return self.reading_age <= target_reading_age()

    def to_json(self) -> dict:
        return {"reading_age": self.reading_age, "ease": self.ease, "words": self.words}


def sentences_of_html(html: str) -> list[str]:
    """The sentences of rendered HTML: each paragraph, list item, heading or cell ends one."""
    text = unescape(_TAG.sub(" ", _BLOCK_END.sub("\n", html)))
    text = re.sub(r"[ \t]+", " ", text)
    return [s.strip() for s in _SENTENCE.split(text) if _WORD.search(s or "")]


@dataclass(frozen=True)
class Counts:
    """What a score is computed from: so scores of parts add up to the score of the whole."""

    words: int
    sentences: int
    syllables: int

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(
            self.words + other.words,
            self.sentences + other.sentences,
            self.syllables + other.syllables,
        )


def count_sentences(sentences: list[str]) -> Counts:
    words = [word for sentence in sentences for word in _WORD.findall(sentence)]
    return Counts(len(words), len(sentences), sum(syllables(word) for word in words))


def score_counts(counts: Counts, *, hard_sentences=()) -> Score | None:
    """The Flesch-Kincaid grade and the Flesch reading ease from counts of words, sentences
    and syllables, or None for too short a text to judge."""
    if counts.words < MIN_WORDS:
        return None
    per_sentence = counts.words / counts.sentences
    per_word = counts.syllables / counts.words
    grade = 0.39 * per_sentence + 11.8 * per_word - 15.59
    return Score(
        reading_age=round(max(grade, 0) + UK_READING_AGE_OFFSET, 1),
        ease=round(206.835 - 1.015 * per_sentence - 84.6 * per_word, 1),
        words=counts.words,
        sentences=counts.sentences,
        hard_sentences=list(hard_sentences),
    )


def score_sentences(sentences: list[str]) -> Score | None:
    """The score of these sentences together, or None for too short a text to judge.

    Each word's syllables are counted by textstat once per process (a page's words repeat
    across pages, and counting is the slow part)."""
    counts = count_sentences(sentences)
    if counts.words < MIN_WORDS:
        return None
    return score_counts(counts, hard_sentences=_hardest(sentences))


@lru_cache(maxsize=200_000)
def syllables(word: str) -> int:
    return max(1, textstat.syllable_count(word.lower()))


def _hardest(sentences: list[str]) -> list[HardSentence]:
    """The sentences that pull the score down most: long, or full of long words."""
    found = []
    for sentence in sentences:
        words = _WORD.findall(sentence)
        long_words = [w for w in words if syllables(w) >= LONG_WORD_SYLLABLES]
        if len(words) > LONG_SENTENCE_WORDS or len(long_words) >= 3:
            weight = len(words) + 3 * len(long_words)
            found.append((weight, HardSentence(sentence, len(words), long_words)))
    found.sort(key=lambda pair: -pair[0])
    return [sentence for _weight, sentence in found[:HARD_SENTENCES_SHOWN]]


def score_markdown(body: str) -> Score | None:
    """The score of a section's markdown as readers will read it (rendered, not raw)."""
    return score_sentences(sentences_of_html(render_markdown(body)))


def score_html(html: str) -> Score | None:
    """The score of text already rendered (a preview, a diff's rendering): not rendered
    again."""
    return score_sentences(sentences_of_html(html))


def score_page(sections_html: list[str]) -> Score | None:
    """The score of a whole page from its sections' rendered HTML."""
    return score_sentences([s for html in sections_html for s in sentences_of_html(html)])


@dataclass(frozen=True)
class ReadingChange:
    """A section's score before and after a change, for its reviewers."""

    before: Score | None
    after: Score | None
    not_scored: bool = False  # a language the scores do not apply to

    @property
    def verdict(self) -> str:
        return compare(self.before, self.after)

    @property
    def target(self) -> int:
        return target_reading_age()


def compare(before: Score | None, after: Score | None) -> str:
    """ "better", "worse" or "same" reading age, for a change's before and after."""
    if before is None or after is None:
        return "same"
    difference = after.reading_age - before.reading_age
    if abs(difference) < 0.5:
        return "same"
    return "worse" if difference > 0 else "better"
