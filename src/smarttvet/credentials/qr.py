"""QR codes as inline SVG (segno), for the credential PDF and page."""

from __future__ import annotations

import io

import segno


def qr_svg(url: str, *, scale: int = 3) -> str:
    """An ``<svg>`` element (no XML declaration) encoding ``url``, error correction level M, with a quiet zone."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="svg", scale=scale, xmldecl=False, svgns=True,
                                                  nl=False, title=url, dark="#000", light="#fff")
    return buffer.getvalue().decode("utf-8")
