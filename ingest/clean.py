"""Turn extracted text into clean, servable prose.

The input is what publishers' pages and PDFs really give us (see the corpus
README): footnote numbers glued to words or written as superscripts, escaped
dollar signs, markdown emphasis, pull quotes repeated mid-paragraph, sentences
broken across blank lines by page and column breaks, page furniture and photo
credits. The output is what gets served and cited, so every rule here must keep
content intact: a number that is content ("$370 million", "2,000 children",
"8.38 percent") is never touched.

The result is a sequence of paragraphs separated by one blank line.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["clean_text", "normalize_chars", "fold_for_matching", "shingles"]

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
# Characters that NFKC would rewrite into something a reader would not expect.
NFKC_PROTECTED = frozenset("™®©℠")
DASHES = {"\u2010": "-", "\u2011": "-", "\u00ad": ""}

# A footnote number glued after punctuation that ends a word: "crisis.13",
# "countries,51", "made."27", "(see figure 1).21". The character before the
# punctuation must not be a digit, so decimals ("8.38") and thousands
# ("2,000") are never matched.
GLUED_FOOTNOTE = re.compile(r"(?<=[^\d\s][.,;:!?\"”’)\]])\d{1,3}(?=\s|$)")
# A footnote glued after a year: "in 2021.56 the", "high in 2024,8 the".
YEAR_FOOTNOTE = re.compile(r"(?<=\b(?:19|20)\d\d[.,])\d{1,3}(?=\s+[A-Za-z(]|$)")
# A footnote set off by a space after a sentence: "the country. 14 Venezuela's".
SPACED_FOOTNOTE = re.compile(r"(?<=[^\d\s][.!?\"”’)])( \d{1,3})(?=\s+[A-Z\"“]|\s*$)")
MARKDOWN_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
# a wrapped line break may fall inside the emphasis (it becomes a space later), a paragraph break may not
MARKDOWN_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)((?:[^*\n]|\n(?![ \t]*\n))+?)(?<=\S)\*(?![\w*])")
LATEX_UNDERLINE = re.compile(r"\$\\underline\{(.*?)\}\$", re.S)
STRAY_BOLD = re.compile(r"\*\*")

FIGURE_LABEL = re.compile(r"^(Figure|Fig\.|Table|Chart|Map|Box|Source|Sources|Note|Photo)\b.{0,300}$", re.S)
TOC_LINE = re.compile(r"^.{1,90}\t\s*\d*$")
PULL_QUOTE_SHARE = 0.8  # share of a block's word 5-grams found in a longer block
TERMINAL = tuple(".!?:;\"”’)]")
PHOTO_CREDIT = re.compile(
    r"(Getty Images|/AFP|AFP via|\(Photo by [^)]*\)|Photo by .{0,60}$|/Reuters|/AP Photo)\.?\s*$"
)
FURNITURE = re.compile(
    r"^(Skip to (main )?content|E\.g\., \d\d/\d\d/\d{4}|Give Now|Read Next|Support Research Like This"
    r"|Share( this)?|Print|Subscribe.*|Sign up.*|Advertisement|Stay informed with .{0,80}"
    r"|Page \d+( of \d+)?|\d{1,4}|(With your support|Donate|Become a member)\b.{0,300})$",
    re.I,
)


def normalize_chars(text: str) -> str:
    """NFKC (ligatures, full-width forms), minus superscript footnotes and odd hyphens."""
    text = text.translate({ord(c): None for c in SUPERSCRIPTS})
    text = "".join(DASHES.get(c, c) for c in text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    parts = re.split(r"([™®©℠])", text)
    return "".join(p if p in NFKC_PROTECTED else unicodedata.normalize("NFKC", p) for p in parts)


def remove_markup(text: str) -> str:
    """Drop escaped dollars, markdown emphasis and LaTeX underline debris."""
    text = LATEX_UNDERLINE.sub(r"\1", text)
    text = re.sub(r"\\+\$", "$", text)  # markdown's escaped dollar, however many backslashes
    text = MARKDOWN_BOLD.sub(r"\1", text)
    text = STRAY_BOLD.sub("", text)
    return MARKDOWN_ITALIC.sub(r"\1", text)


def remove_footnote_marks(text: str) -> str:
    """Remove footnote numbers glued to or set after sentence ends."""
    text = YEAR_FOOTNOTE.sub("", text)
    text = GLUED_FOOTNOTE.sub("", text)
    return SPACED_FOOTNOTE.sub("", text)


def fold_for_matching(text: str) -> str:
    """A loose key for comparing passages across editions (quotes, case, spacing)."""
    text = text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": "-", "–": "-"}))
    text = re.sub(r"[^\w\s]", " ", text.casefold())
    return " ".join(text.split())


def split_blocks(text: str) -> list[str]:
    """Paragraph-ish blocks: blank-line separated, wrapped lines joined."""
    blocks: list[str] = []
    for raw in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in raw.split("\n") if not TOC_LINE.match(ln.strip(" "))]
        lines = [re.sub(r"^>\s?", "", ln).strip() for ln in lines if ln.strip()]
        blocks.extend(join_wrapped_lines(lines))
    return [b for b in blocks if b]


def join_wrapped_lines(lines: list[str]) -> list[str]:
    """Lines of one block: a line continues the previous one only when it is wrapped text."""
    out: list[str] = []
    for line in lines:
        if out and is_continuation(out[-1], line, wrapped=is_wrapped(lines)):
            out[-1] = join_text(out[-1], line)
        else:
            out.append(line)
    return out


def is_wrapped(lines: list[str]) -> bool:
    """A block of several short lines none of which ends a sentence (a wrapped pull quote)."""
    return len(lines) > 1 and all(len(ln) < 70 for ln in lines[:-1]) and not any(
        ln.endswith(TERMINAL) for ln in lines[:-1]
    )


def is_continuation(previous: str, line: str, *, wrapped: bool) -> bool:
    if line.startswith(("- ", "• ", "* ")) or re.match(r"^\d{1,2}[.)] ", line):
        return False
    if previous.endswith("-") and not previous.endswith(" -"):
        return True
    if previous.endswith(TERMINAL):
        return False
    return wrapped or line[:1].islower()


def join_text(left: str, right: str) -> str:
    """Join two pieces of one sentence; a hyphen at a line end is a broken word or a real hyphen."""
    if left.endswith("-") and not left.endswith(" -"):
        return left[:-1] + right if right[:1].islower() else left + right
    return f"{left} {right}"


def is_furniture(block: str) -> bool:
    """Page furniture and photo credits: never content."""
    block = block.strip()
    return bool(FURNITURE.match(block) or PHOTO_CREDIT.search(block))


def shingles(text: str, size: int = 5) -> set[tuple[str, ...]]:
    """Word `size`-grams of the folded text (the whole text when it is shorter)."""
    words = fold_for_matching(text).split()
    if len(words) < size:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def drop_pull_quotes(blocks: list[str]) -> list[str]:
    """Drop a block whose text is (nearly) all inside a longer block, a pull quote,
    even one that shortens its source ("... Protection (LA Declaration) was ..."),
    and later copies of an identical block (a quote printed twice)."""
    grams = [shingles(b) for b in blocks]
    owners: dict[tuple, list[int]] = {}
    for index, own in enumerate(grams):
        for gram in own:
            owners.setdefault(gram, []).append(index)
    keep = []
    for index, block in enumerate(blocks):
        own = grams[index]
        if len(block.split()) >= 8 and own:
            inside_longer = sum(
                any(j != index and len(blocks[j]) > len(block) for j in owners[gram]) for gram in own
            )
            earlier_copy = any(j < index and grams[j] == own for j in owners[next(iter(own))])
            if inside_longer >= PULL_QUOTE_SHARE * len(own) or earlier_copy:
                continue
        keep.append(block)
    return keep


def drop_repeated_sentences(block: str) -> str:
    """A pull quote pasted into its own paragraph: the same run of 8+ words twice in a row."""
    words = block.split(" ")
    folded = [fold_for_matching(w) for w in words]
    for start in range(len(words)):
        for size in range(8, (len(words) - start) // 2 + 1):
            if folded[start] == folded[start + size] and folded[start : start + size] == folded[start + size : start + 2 * size]:
                return drop_repeated_sentences(" ".join(words[:start] + words[start + size :]))
    return block


def rejoin_broken_paragraphs(blocks: list[str]) -> list[str]:
    """Join a paragraph cut mid-sentence by a page or column break with its
    continuation; figure labels, captions and furniture between them go."""
    out: list[str] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        while not block.endswith(TERMINAL) and len(block.split()) >= 10 and not is_furniture(block):
            target = find_continuation(blocks, i + 1, open_ended=ends_open(block))
            if target is None:
                break
            block = join_text(block, blocks[target])
            i = target
        out.append(block)
        i += 1
    return out


CONNECTIVES = frozenset("the a an of and or to in for with from by at on as across into than that which who whose its their his her our".split())


def ends_open(block: str) -> bool:
    """A block that visibly stops mid-sentence: on a hyphen or a connective, or long
    enough (15+ words) not to be a heading. A ten-word heading is not cut prose."""
    words = block.split()
    return block.endswith("-") or words[-1].casefold() in CONNECTIVES or len(words) >= 15


def find_continuation(blocks: list[str], start: int, *, open_ended: bool = True) -> int | None:
    """The block that continues a cut sentence: the next block that is not figure
    debris (labels, captions, sources). A block starting in capitals continues only
    a block that is open-ended; after a page's own furniture ("Read Next",
    "Give Now") the article has ended, so only a lowercase start continues it."""
    skipped_furniture = False
    for j in range(start, min(start + 8, len(blocks))):
        block = blocks[j]
        if block[:1].islower():
            return j
        if is_figure_debris(block):
            continue
        if is_furniture(block):
            skipped_furniture = True
            continue
        return None if skipped_furniture or not open_ended else j
    return None


def is_figure_debris(block: str) -> bool:
    """Labels a PDF leaves where a figure or photo was: captions, axis titles, sources."""
    if PHOTO_CREDIT.search(block) or FIGURE_LABEL.match(block):
        return True
    return len(block) < 60 and not block.endswith(TERMINAL) and not FURNITURE.match(block)


def clean_text(raw: str) -> str:
    """The full cleaning pipeline; idempotent."""
    text = remove_markup(normalize_chars(raw))
    blocks = [remove_footnote_marks(re.sub(r"[ \t]+", " ", b)) for b in split_blocks(text)]
    blocks = drop_pull_quotes(blocks)
    blocks = rejoin_broken_paragraphs(blocks)
    blocks = [b for b in blocks if not is_furniture(b)]
    blocks = [drop_repeated_sentences(b) for b in blocks]
    return "\n\n".join(b.strip() for b in blocks if b.strip())
