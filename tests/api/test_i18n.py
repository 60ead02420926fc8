"""The page's string table (api/static/i18n.js), read as the JSON it is: every
language has every English key, with the same {placeholders}, and every key the
page asks for exists. No browser: the browser run is in test_browser.py."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "api" / "static"
LANGUAGES = ["en", "es", "pt", "fr"]
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def string_table() -> dict[str, dict[str, str]]:
    source = (STATIC / "i18n.js").read_text(encoding="utf-8")
    match = re.fullmatch(r"\s*/\*.*?\*/\s*window\.CITEQA_STRINGS\s*=\s*(\{.*\});\s*", source, re.DOTALL)
    assert match, "i18n.js should be one comment and `window.CITEQA_STRINGS = {...};`"
    return json.loads(match.group(1))


class I18nHooks(HTMLParser):
    """The data-i18n* keys of index.html, with the English text the page is served with."""

    def __init__(self) -> None:
        super().__init__()
        self.hooks: list[tuple[str, str, str]] = []  # (key, where, served text)
        self.scripts: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        if "data-i18n-placeholder" in attrs:
            self.hooks.append((attrs["data-i18n-placeholder"], "placeholder", attrs.get("placeholder", "")))
        if "data-i18n-content" in attrs:
            self.hooks.append((attrs["data-i18n-content"], "content", attrs.get("content", "")))
        if "data-i18n" in attrs:
            self.hooks.append((attrs["data-i18n"], "text", ""))
            self.open.append(tag)
        elif self.open and tag == self.open[-1]:
            self.open.append(tag)

    def handle_data(self, data):
        if self.open:
            key, where, text = self.hooks[-1]
            self.hooks[-1] = (key, where, text + data)

    def handle_endtag(self, tag):
        if self.open and tag == self.open[-1]:
            self.open.pop()


@pytest.fixture(scope="module")
def table() -> dict[str, dict[str, str]]:
    return string_table()


@pytest.fixture(scope="module")
def page() -> I18nHooks:
    parser = I18nHooks()
    parser.feed((STATIC / "index.html").read_text(encoding="utf-8"))
    return parser


def test_the_four_languages_of_the_americas(table):
    assert list(table) == LANGUAGES  # the switch lists them in this order


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_every_language_has_every_english_key(table, lang):
    english, other = table["en"], table[lang]
    assert sorted(set(english) - set(other)) == [], f"{lang} lacks these"
    assert sorted(set(other) - set(english)) == [], f"{lang} has keys English does not"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_strings_are_filled_in_with_the_same_placeholders(table, lang):
    for key, text in table[lang].items():
        assert isinstance(text, str) and text.strip(), f"{lang}.{key} is empty"
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(table["en"][key])), f"{lang}.{key}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_locale_matches_the_language_it_is_chosen_for(table, lang):
    # app.js picks a table by the primary subtag of navigator.languages ("es-MX" -> es).
    locale = table[lang]["locale"]
    assert re.fullmatch(r"[a-z]{2}(-([A-Z]{2}|\d{3}))?", locale) and locale.split("-")[0] == lang


def test_examples_differ_from_english(table):
    examples = [key for key in table["en"] if key.startswith("example.")]
    assert len(examples) == 4
    for lang in LANGUAGES[1:]:
        assert all(table[lang][key] != table["en"][key] for key in examples), lang


def test_french_punctuation_keeps_its_no_break_spaces(table):
    """A plain space before : ; ? ! can wrap the mark onto the next line."""
    for key, text in table["fr"].items():
        assert not re.search(r" [:;?!»]|« ", text), f"fr.{key}: {text!r}"


def test_every_key_the_page_uses_exists(table, page):
    used = {key for key, _, _ in page.hooks}
    app = (STATIC / "app.js").read_text(encoding="utf-8")
    used |= set(re.findall(r"""\bt\(\s*"([^"]+)"\s*[,)]""", app))
    used |= {f"{key}.{form}" for key in re.findall(r"""\bcounted\(\s*"([^"]+)\"""", app) for form in ("one", "other")}
    used |= {f"kind.{kind}" for kind in ("primary", "analysis")}
    assert used - set(table["en"]) == set()
    assert {"example.count", "statusSearching", "passages.one", "sourceNote"} <= used  # the regexes find keys


def test_the_served_page_is_the_english_table(table, page):
    """index.html carries the English text, so the page reads right before app.js runs."""
    assert page.hooks
    for key, where, text in page.hooks:
        assert " ".join(text.split()) == table["en"][key], f"{key} ({where})"


def test_the_table_loads_before_the_page_script(page):
    assert page.scripts == ["/static/i18n.js", "/static/app.js"]
