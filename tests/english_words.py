"""The English words of the interface, and the text of a page as people read it: what the
Indonesian page test (tests/web/test_indonesian_pages.py) and the Indonesian browser journey
(tests/e2e/test_indonesian_journey.py) look for English in.

"English words" are the catalogue's own (locale/id/LC_MESSAGES/django.po): every word of three
letters or more in a msgid, less every word some translation uses (Indonesian keeps SKU,
barcode, Filter, Total, PPN…) and the few in ALLOWED. What a person reads is the text outside
<script>, <style> and <code>, and not marked as another language (lang="en"), and the
attributes shown or read aloud (ATTRIBUTES).
"""

import importlib.util
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings

from inventory.currencies import CurrencyField

INDONESIAN = "id"
# Words of the catalogue's msgids that may stand on an Indonesian page, and why. None today: the
# test data has Indonesian names and usernames, and text marked lang="en" is left out.
ALLOWED: dict[str, str] = {}
# Attributes people read: tooltips, placeholders, what a screen reader says, image text, the
# confirmation a button asks for (data-confirm, shown by static/js/gudang.js).
ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "data-confirm")
BUTTON_INPUTS = ("submit", "button", "reset")
LEFT_OUT = ("script", "style", "code")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
WORD = re.compile(r"[^\W\d_]+")
# What a msgid holds that is no word of the interface: placeholders (%(name)s, %s, {name}),
# HTML tags and entities.
NOT_WORDS = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|\{[^{}]*\}|<[^>]*>|&#?\w+;")


def words(text: str) -> set[str]:
    """The words of three letters or more in `text`, case-folded."""
    return {word.casefold() for word in WORD.findall(NOT_WORDS.sub(" ", text)) if len(word) >= 3}


def read_po(path: Path) -> list:
    """The .po reader of the translation gate (.ci/check_translations.py), one for both."""
    gate = Path(__file__).resolve().parents[1] / ".ci" / "check_translations.py"
    spec = importlib.util.spec_from_file_location("check_translations", gate)
    assert spec is not None and spec.loader is not None, gate
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.read_po(path)


@cache
def english_words() -> frozenset[str]:
    """The words of the catalogue's msgids that no translation uses, less ALLOWED."""
    catalogue = Path(settings.LOCALE_PATHS[0]) / INDONESIAN / "LC_MESSAGES" / "django.po"
    entries = [entry for entry in read_po(catalogue) if entry.msgid and not entry.obsolete]
    english = set().union(*(words(entry.msgid + " " + (entry.msgid_plural or "")) for entry in entries))
    indonesian = set().union(*(words(" ".join(entry.msgstr)) for entry in entries if entry.translated))
    return frozenset(english - indonesian - set(ALLOWED))


class VisibleText(HTMLParser):
    """A page's text as people read it, piece by piece, and the language of its <html>.

    Left out: <script> and <style>; identifiers shown as <code> (a field's key); and what is
    marked as another language (lang="en": the English label's placeholder in the form editor,
    the language switch's "English")."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.language: str | None = None
        self._open: list[tuple[str, bool]] = []  # the open elements: (tag, left out)

    def _left_out(self, tag: str, values: dict[str, str]) -> bool:
        foreign = values.get("lang", INDONESIAN).split("-")[0] != INDONESIAN
        return tag in LEFT_OUT or (foreign and tag != "html") or any(out for _, out in self._open)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.language = values.get("lang")
        left_out = self._left_out(tag, values)
        if tag not in VOID:
            self._open.append((tag, left_out))
        if left_out:
            return
        self.pieces += [values[name] for name in ATTRIBUTES if values.get(name, "").strip()]
        if tag == "input" and values.get("type") in BUTTON_INPUTS and values.get("value", "").strip():
            self.pieces.append(values["value"])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        """Close `tag` and whatever was left open inside it (HTML may omit end tags)."""
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        if data.strip() and not any(out for _, out in self._open):
            self.pieces.append(data)


def read_page(html: str) -> VisibleText:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser


def around(text: str, word: str, width: int = 40) -> str:
    """`text` (whitespace collapsed) cut to `width` characters either side of `word`."""
    text = " ".join(text.split())
    at = text.casefold().find(word)
    start, end = max(at - width, 0), min(at + len(word) + width, len(text))
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


@cache
def currency_choices() -> frozenset[str]:
    """The currency picker's choices ("IDR · Rupiah"): ISO 4217 names, the same in both
    languages (inventory/currencies.py)."""
    return frozenset(str(label) for _code, label in CurrencyField().choices)


def english_in(text: str) -> list[str]:
    """The English words of the interface in `text`, sorted."""
    return sorted(words(text) & english_words())


def english_on(html: str) -> list[tuple[str, str]]:
    """(word, the text around it) for each English word of the page, each text once."""
    found = []
    for piece in dict.fromkeys(piece.strip() for piece in read_page(html).pieces):
        if piece in currency_choices():
            continue
        found += [(word, around(piece, word)) for word in english_in(piece)]
    return found
