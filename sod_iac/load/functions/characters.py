"""Characters as Go and Terraform see them: Go's whitespace and grapheme clusters."""

from __future__ import annotations

import unicodedata

# Characters Go's unicode.IsSpace accepts (strings.TrimSpace), not Python's wider set.
_GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


def _graphemes(text: str) -> list[str]:
    """Split into user-perceived characters, as Terraform counts them (UAX #29, approximated).

    Combining marks, variation selectors, emoji modifiers and ZWJ sequences join the previous
    character; CR LF is one character; regional indicators pair up into flags.
    """
    clusters: list[str] = []
    after_zwj = False
    for char in text:
        code = ord(char)
        joins = (
            unicodedata.category(char) in ("Mn", "Me", "Mc")
            or 0xFE00 <= code <= 0xFE0F
            or 0xE0100 <= code <= 0xE01EF
            or 0x1F3FB <= code <= 0x1F3FF
            or 0xE0020 <= code <= 0xE007F
            or code == 0x200D
        )
        regional = 0x1F1E6 <= code <= 0x1F1FF
        if clusters and (
            joins
            or after_zwj
            or (char == "\n" and clusters[-1] == "\r")
            or (regional and len(clusters[-1]) == 1 and 0x1F1E6 <= ord(clusters[-1]) <= 0x1F1FF)
        ):
            clusters[-1] += char
        else:
            clusters.append(char)
        after_zwj = code == 0x200D
    return clusters
