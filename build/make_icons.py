"""The app icon as PNG (256 px) and Windows ICO, rendered from resources/icons/instructor-app.svg.

Qt renders the SVG (QtSvg, in PySide6-Essentials: no Pillow, no Inkscape); the ICO holds one PNG per
size, the format Windows has read since Vista. Run by the spec; by hand: ``python build/make_icons.py OUT_DIR``.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "instructor-app.svg"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
PNG_SIZE = 256


def _render(svg: Path, size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"not a valid SVG: {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def _ico(images: dict[int, bytes]) -> bytes:
    """ICONDIR + one ICONDIRENTRY per size + the PNG data (a 256 px entry is written as 0)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in sorted(images.items()):
        side = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def build(out_dir: Path, svg: Path = SVG) -> tuple[Path, Path]:
    """Write ``instructor-app.png`` and ``instructor-app.ico`` into ``out_dir``; returns both paths."""
    from PySide6.QtGui import QGuiApplication

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no display needed at build time
    _app = QGuiApplication.instance() or QGuiApplication(["make_icons"])
    out_dir.mkdir(parents=True, exist_ok=True)
    png, ico = out_dir / "instructor-app.png", out_dir / "instructor-app.ico"
    png.write_bytes(_render(svg, PNG_SIZE))
    ico.write_bytes(_ico({size: _render(svg, size) for size in ICO_SIZES}))
    return png, ico


if __name__ == "__main__":
    for path in build(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "pyinstaller-work" / "icons"):
        print(path)
