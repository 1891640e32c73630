"""A dependency-free PNG encoder for 8-bit pixels (zlib + struct, PNG spec 1.2).

Arrays are turned into images without Pillow or matplotlib, which a core install does
not have: grey (H x W or H x W x 1), RGB (H x W x 3) or RGBA (H x W x 4) rows of bytes,
filter type 0 per scanline, one IDAT chunk.
"""

from __future__ import annotations

import struct
import zlib

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: channels -> PNG colour type (grey, RGB, RGBA)
_COLOUR_TYPES = {1: 0, 3: 2, 4: 6}


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def encode(pixels: bytes, width: int, height: int, channels: int) -> bytes:
    """A PNG of ``height`` rows of ``width * channels`` bytes each, row-major."""
    if channels not in _COLOUR_TYPES:
        raise ValueError(f"a PNG has 1, 3 or 4 channels, not {channels}")
    stride = width * channels
    if width < 1 or height < 1 or len(pixels) != stride * height:
        raise ValueError(f"{len(pixels)} bytes are not {height} rows of {stride}")
    header = struct.pack(">IIBBBBB", width, height, 8, _COLOUR_TYPES[channels], 0, 0, 0)
    view = memoryview(pixels)
    raw = b"".join(b"\x00" + view[row * stride : (row + 1) * stride] for row in range(height))
    return b"".join(
        (
            _SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", zlib.compress(raw, 6)),
            _chunk(b"IEND", b""),
        )
    )


def size(data: bytes) -> tuple[int, int] | None:
    """(width, height) read from a PNG's header; None when ``data`` is not a PNG."""
    if len(data) < 24 or not data.startswith(_SIGNATURE) or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)
