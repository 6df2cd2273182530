"""Draw the pictures used by the sample threads (content/media/sources/*.png).

The sample threads are demonstration content written by this project, so their figures are
drawn here rather than taken from anyone. Run once; the PNGs are committed.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).resolve().parent.parent / "content" / "media" / "sources"
FONT_PATHS = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"]


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def gamblegram() -> None:
    """Cations = anions: Na+ against Cl-, HCO3- and the anion gap, normal vs. high gap."""
    img = Image.new("RGB", (1400, 800), "white")
    d = ImageDraw.Draw(img)
    d.text((700, 40), "Where the anion gap comes from", fill="#1c1c1c", font=font(44), anchor="mt")
    scale = 3.4
    base = 730

    def column(x: int, parts: list[tuple[str, int, str]]) -> None:
        y = base
        for label, value, colour in parts:
            h = value * scale
            d.rectangle([x, y - h, x + 200, y], fill=colour, outline="white", width=3)
            if h >= 70:
                d.text(
                    (x + 100, y - h / 2),
                    f"{label}\n{value}",
                    fill="white",
                    font=font(30),
                    anchor="mm",
                    align="center",
                )
            else:  # too thin to hold its label: write it beside the bar
                d.text(
                    (x + 215, y - h / 2),
                    f"{label} {value}",
                    fill=colour,
                    font=font(30),
                    anchor="lm",
                )
            y -= h

    column(80, [("Na⁺", 140, "#1f4e79")])
    column(290, [("Cl⁻", 104, "#0b6e4f"), ("HCO₃⁻", 24, "#7a4f01"), ("gap", 12, "#8e3b46")])
    column(760, [("Na⁺", 140, "#1f4e79")])
    column(970, [("Cl⁻", 104, "#0b6e4f"), ("HCO₃⁻", 10, "#7a4f01"), ("gap", 26, "#8e3b46")])
    d.text((290, 770), "Normal", fill="#1c1c1c", font=font(30), anchor="mm")
    d.text((970, 770), "High-gap acidosis", fill="#1c1c1c", font=font(30), anchor="mm")
    img.save(OUT / "anion-gap-gamblegram.png")


def starling() -> None:
    """A capillary with hydrostatic pressure pushing out and oncotic pressure pulling in."""
    img = Image.new("RGB", (1200, 675), "#f7f5ef")
    d = ImageDraw.Draw(img)
    d.text(
        (600, 40), "Starling forces along a capillary", fill="#1c1c1c", font=font(44), anchor="mt"
    )
    d.rounded_rectangle(
        [100, 280, 1100, 400], radius=60, fill="#f2c4c4", outline="#8e3b46", width=4
    )
    d.text((600, 340), "blood flow →", fill="#5a1f28", font=font(34), anchor="mm")
    for x in (220, 420):
        d.line([x, 270, x, 150], fill="#1f4e79", width=10)
        d.polygon([(x - 22, 160), (x + 22, 160), (x, 120)], fill="#1f4e79")
    d.text(
        (320, 100),
        "hydrostatic pressure pushes fluid out",
        fill="#1f4e79",
        font=font(28),
        anchor="mm",
    )
    for x in (780, 980):
        d.line([x, 150, x, 265], fill="#0b6e4f", width=10)
        d.polygon([(x - 22, 255), (x + 22, 255), (x, 295)], fill="#0b6e4f")
    d.text(
        (880, 100),
        "oncotic pressure (albumin) pulls it back",
        fill="#0b6e4f",
        font=font(28),
        anchor="mm",
    )
    d.text(
        (600, 470),
        "Higher venous pressure in heart failure tips the balance outward:",
        fill="#1c1c1c",
        font=font(30),
        anchor="mm",
    )
    d.text(
        (600, 520),
        "more fluid leaves than returns, and lymph cannot keep up → oedema",
        fill="#1c1c1c",
        font=font(30),
        anchor="mm",
    )
    img.save(OUT / "starling-forces.png")


def back_pain_flow() -> None:
    """A three-box flow chart: red flags? -> image; no red flags -> treat and reassess."""
    img = Image.new("RGB", (1200, 700), "white")
    d = ImageDraw.Draw(img)
    d.text(
        (600, 40), "Acute low back pain: image or not?", fill="#1c1c1c", font=font(44), anchor="mt"
    )

    def box(xy: tuple[int, int, int, int], text: str, colour: str) -> None:
        d.rounded_rectangle(xy, radius=24, fill=colour)
        cx, cy = (xy[0] + xy[2]) / 2, (xy[1] + xy[3]) / 2
        d.multiline_text(
            (cx, cy), text, fill="white", font=font(30), anchor="mm", align="center", spacing=10
        )

    box(
        (400, 130, 800, 260),
        "Any red flags?\n(cancer, infection,\ncauda equina, deficit)",
        "#1f4e79",
    )
    box(
        (80, 420, 520, 600),
        "No: no imaging in the\nfirst 6 weeks; treat,\nreassure, reassess",
        "#0b6e4f",
    )
    box((680, 420, 1120, 600), "Yes: image promptly\n(MRI usually)", "#8e3b46")
    d.line([520, 260, 300, 420], fill="#555", width=6)
    d.line([680, 260, 900, 420], fill="#555", width=6)
    img.save(OUT / "low-back-pain-imaging.png")


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    gamblegram()
    starling()
    back_pain_flow()
    print(f"wrote 3 images to {OUT}")
