"""The QR code of a village's public link, drawn here (segno, no network): SVG for the page,
PNG for the printed notice."""

from __future__ import annotations

import io

import segno


def svg(link: str) -> str:
    return segno.make(link, error="m").svg_inline(scale=4, title=None)


def png(link: str) -> bytes:
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="png", scale=6, border=2)
    return out.getvalue()
