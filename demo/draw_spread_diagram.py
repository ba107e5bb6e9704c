"""Draws the demo's diagram of where breast cancer most often spreads: an outline of a body
with the bones, lungs, liver and brain shaded and labelled. Our own drawing, made with Pillow:

    .venv/bin/python demo/draw_spread_diagram.py

writes demo/pages/images/where-it-spreads.png (committed; run again only to change it).
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 1000
INK = (27, 27, 27)
OUTLINE = (92, 26, 107)  # the site's brand purple
SKIN = (246, 240, 248)
BONE = (196, 190, 178)
LUNG = (232, 139, 152)
LIVER = (140, 74, 52)
BRAIN = (236, 176, 196)
OUT = Path(__file__).parent / "pages" / "images" / "where-it-spreads.png"


def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def draw() -> Image.Image:
    picture = Image.new("RGB", (WIDTH, HEIGHT), "white")
    d = ImageDraw.Draw(picture)
    cx = 600
    # The body's outline: head, neck, torso, arms, legs.
    d.ellipse((cx - 85, 40, cx + 85, 230), fill=SKIN, outline=OUTLINE, width=6)
    d.rectangle((cx - 35, 225, cx + 35, 270), fill=SKIN)
    d.line((cx - 35, 228, cx - 35, 268), fill=OUTLINE, width=6)
    d.line((cx + 35, 228, cx + 35, 268), fill=OUTLINE, width=6)
    d.rounded_rectangle(
        (cx - 200, 265, cx + 200, 660), radius=70, fill=SKIN, outline=OUTLINE, width=6
    )
    for side in (-1, 1):
        arm = [
            (cx + side * 200, 300),
            (cx + side * 265, 330),
            (cx + side * 300, 620),
            (cx + side * 255, 630),
            (cx + side * 215, 400),
        ]
        d.polygon(arm, fill=SKIN, outline=OUTLINE, width=6)
        leg = [
            (cx + side * 20, 655),
            (cx + side * 170, 655),
            (cx + side * 150, 960),
            (cx + side * 60, 960),
        ]
        d.polygon(leg, fill=SKIN, outline=OUTLINE, width=6)
    # The bones: spine, ribs, pelvis and the long bones of the legs.
    for y in range(285, 640, 22):
        d.rounded_rectangle(
            (cx - 13, y, cx + 13, y + 16), radius=4, fill=BONE, outline=INK, width=1
        )
    d.chord((cx - 150, 560, cx + 150, 700), 180, 360, fill=BONE, outline=INK)
    for side in (-1, 1):
        d.rounded_rectangle(
            (cx + side * 95 - 14, 690, cx + side * 95 + 14, 940), radius=10, fill=BONE, outline=INK
        )
    # The organs: lungs, liver, brain.
    d.ellipse((cx - 160, 300, cx - 30, 500), fill=LUNG, outline=INK, width=2)
    d.ellipse((cx + 30, 300, cx + 160, 500), fill=LUNG, outline=INK, width=2)
    for n, y in enumerate(range(330, 480, 36)):  # ribs, over the lungs
        span = 165 - n * 6
        d.arc((cx - span, y - 30, cx - 12, y + 50), 190, 300, fill=BONE, width=6)
        d.arc((cx + 12, y - 30, cx + span, y + 50), 240, 350, fill=BONE, width=6)
    d.polygon(
        [(cx - 150, 520), (cx + 60, 505), (cx + 40, 560), (cx - 120, 585)],
        fill=LIVER,
        outline=INK,
    )
    d.ellipse((cx - 65, 60, cx + 65, 150), fill=BRAIN, outline=INK, width=2)
    # Labels with leader lines, away from the body so they read at a phone's width.
    labels = [
        ("Brain", (cx + 50, 100), (900, 100)),
        ("Lungs", (cx + 130, 400), (900, 330)),
        ("Liver", (cx + 30, 540), (900, 540)),
        ("Bones", (cx + 110, 800), (900, 800)),
    ]
    big = font(52)
    for text, start, end in labels:
        d.line((start, end), fill=INK, width=4)
        d.ellipse((start[0] - 8, start[1] - 8, start[0] + 8, start[1] + 8), fill=INK)
        d.text((end[0] + 14, end[1]), text, fill=INK, font=big, anchor="lm")
    d.text((60, 960), "Our drawing, not to scale", fill=(74, 74, 74), font=font(28), anchor="lm")
    return picture


if __name__ == "__main__":
    OUT.parent.mkdir(parents=True, exist_ok=True)
    draw().save(OUT, "PNG", optimize=True)
    print(f"Wrote {OUT} ({OUT.stat().st_size:,} bytes)")
