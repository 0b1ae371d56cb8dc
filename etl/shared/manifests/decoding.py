"""Text from the bytes of a manifest or source file: byte-order marks, UTF-16 without one, UTF-8."""
from __future__ import annotations

import codecs
import re

from etl.shared.manifests.common import ManifestError

_BOMS = (  # longest first: the UTF-32 LE mark begins with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CODING_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def decode(data: bytes, path: str) -> str:
    """The text of a manifest or source file from its bytes, without any byte-order mark.

    In order: a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE) decides the encoding;
    bytes with NULs at every other position in the pattern of UTF-16 text without a mark
    are read as UTF-16 LE or BE; other bytes are read as UTF-8; failing that, a PEP 263
    coding declaration in the first two lines (`# -*- coding: latin-1 -*-`, found in old
    Python files) is honoured. Anything else, including UTF-8 holding NUL bytes, raises
    ManifestError(path, "not text in UTF-8 or UTF-16").
    """
    def fail() -> ManifestError:
        return ManifestError(path, "not text in UTF-8 or UTF-16")

    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                raise fail() from None
    if b"\0" in data:
        encoding = _utf16_by_nuls(data)
        if encoding is None:
            raise fail()
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            raise fail() from None
        if "\0" in text:
            raise fail()
        return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for line in data.splitlines()[:2]:
        match = _CODING_COOKIE.match(line)
        if match:
            try:
                return data.decode(codecs.lookup(match.group(1).decode("ascii")).name)
            except (LookupError, UnicodeDecodeError):
                break
    raise fail()


def _utf16_by_nuls(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when the NUL bytes fall as in UTF-16 text without a mark.

    Text in UTF-16 that is mostly ASCII (a requirements file, Python code) has a NUL as the
    high byte of nearly every character: at odd offsets in little-endian, even in big-endian.
    """
    if len(data) < 2 or len(data) % 2:
        return None
    pairs = len(data) // 2
    nul_even, nul_odd = data[0::2].count(0), data[1::2].count(0)
    if nul_odd >= pairs / 4 and nul_even * 20 <= nul_odd:
        return "utf-16-le"
    if nul_even >= pairs / 4 and nul_odd * 20 <= nul_even:
        return "utf-16-be"
    return None
