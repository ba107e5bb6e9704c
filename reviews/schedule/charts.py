"""A bar chart drawn on the server as SVG: no script, each bar labelled with its number, so it
reads without colour; the screen shows the same numbers in a table beside it.

Two drawings of the same numbers: columns for wide screens, and rows (a month per line) for
narrow ones, where twelve columns would make their labels too small to read."""

import datetime as dt
from dataclasses import dataclass

WIDTH, HEIGHT = 720, 280
TOP, BOTTOM, SIDE = 28, 46, 8  # room for the numbers above the bars and the months below
NARROW_WIDTH, ROW, LABEL, VALUE = 340, 28, 84, 36  # rows: month label, bar, number


@dataclass(frozen=True)
class Bar:
    month: dt.date
    count: int
    x: float
    y: float
    width: float
    height: float

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 1)

    @property
    def label_y(self) -> float:
        return round(self.y - 8, 1)

    @property
    def short_label(self) -> str:
        return f"{self.month:%b}"

    @property
    def year_label(self) -> str:
        """The year under January and under the first bar, so each month can be placed."""
        return f"{self.month:%Y}"


@dataclass(frozen=True)
class RowBar:
    """One month as a row of the narrow drawing."""

    month: dt.date
    count: int
    y: float
    width: float

    @property
    def text_y(self) -> float:
        return round(self.y + ROW * 0.5 + 1, 1)

    @property
    def bar_y(self) -> float:
        return round(self.y + 4, 1)

    @property
    def bar_height(self) -> int:
        return ROW - 8

    @property
    def value_x(self) -> float:
        return round(LABEL + self.width + 6, 1)

    @property
    def label(self) -> str:
        return f"{self.month:%b %Y}"


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    rows: list[RowBar]
    width: int = WIDTH
    height: int = HEIGHT
    narrow_width: int = NARROW_WIDTH
    label_x: int = LABEL - 8
    bar_x: int = LABEL

    @property
    def narrow_height(self) -> int:
        return ROW * len(self.rows) + 4

    @property
    def baseline(self) -> int:
        return self.height - BOTTOM

    @property
    def month_label_y(self) -> int:
        return self.baseline + 20

    @property
    def year_label_y(self) -> int:
        return self.baseline + 38

    @property
    def total(self) -> int:
        return sum(bar.count for bar in self.bars)

    @property
    def description(self) -> str:
        return "; ".join(f"{bar.month:%B %Y}: {bar.count}" for bar in self.bars) + "."


def bar_chart(counts: list[tuple[dt.date, int]]) -> BarChart:
    """Bars for (first day of month, count) pairs, scaled to the largest count."""
    slot = (WIDTH - 2 * SIDE) / max(len(counts), 1)
    tallest = max((count for _, count in counts), default=0) or 1
    room = HEIGHT - TOP - BOTTOM
    bars = []
    for index, (month, count) in enumerate(counts):
        height = round(room * count / tallest, 1)
        if count and height < 2:
            height = 2.0  # a bar of one among thousands still shows
        bars.append(
            Bar(
                month=month,
                count=count,
                x=round(SIDE + index * slot + slot * 0.15, 1),
                y=round(HEIGHT - BOTTOM - height, 1),
                width=round(slot * 0.7, 1),
                height=height,
            )
        )
    room = NARROW_WIDTH - LABEL - VALUE
    rows = [
        RowBar(
            month=month,
            count=count,
            y=index * ROW,
            width=round(max(room * count / tallest, 2 if count else 0), 1),
        )
        for index, (month, count) in enumerate(counts)
    ]
    return BarChart(bars=bars, rows=rows)
