"""What a question asks for: its expected answer type and its content terms."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.lexical import bm25_tokens

__all__ = ["Question", "analyze", "ANSWER_TYPES", "QUESTION_STEMS"]

ANSWER_TYPES = ("number", "money", "percent", "date", "person", "organisation", "place", "nationality", "quote", "change", "reason", "other")

PERSON_NOUNS = (
    "official|officials|president|leader|leaders|economist|diplomat|minister|secretary|adviser|advisor|expert|"
    "journalist|scholar|coordinator|analyst|observer|critic|commentator|professor|lawyer|activist|advocate|reporter|"
    "correspondent|negotiator|mayor|governor|candidate|nominee|academic|ambassador|author|commissioner|director|chair|head|"
    "spokesperson|politician|representative|envoy|chief|administrator|researcher|senator"
)
ORG_NOUNS = (
    "organization|organisation|organizations|agency|agencies|program|programme|programs|initiative|initiatives|"
    "institution|institutions|bank|banks|body|bodies|group|bloc|blocs|process|operation|facility|fund|department|"
    "office|think tank|outlet|newspaper|partnership|platform|mechanism|campaign|app|project|committee|foundation|"
    "framework|forum|alliance|company|companies|institute|university|association|caucus|network|entity|union|retailer|"
    "employer|paper|report|title|command|court|ministry|newspaper|magazine|publication|journal|agencies|bureau|pilot|lender|"
    "donor|funder|task force|council|commission|secretariat"
)
PLACE_NOUNS = (
    "country|countries|city|cities|town|towns|region|regions|place|places|nation|nations|state|states|province|capital|"
    "border town|border|airport|port|river|island|islands|room|venue|building|hotel|embassy|consulate|commune|"
    "neighborhood|neighbourhood|district|municipality"
)

CHANGE_VERBS = r"chang\w*|evolv\w*|develop\w*|shift\w*|grow|grew|grown|increas\w*|decreas\w*|ris[ei]n?g?|rose|fall|fell|drop\w*|declin\w*|expand\w*|shr[iau]nk\w*|compare"

# up to four words between "which"/"what" (and a following "is the") and the noun that names the
# answer's kind, none a verb of the question ("At which university is migration expert X based?"
# asks for the university; "What was the cumulative U.S. commitment?" for an amount)
GAP = r"(?:(?:is|was|are|were) the )?(?:(?!(?:is|was|are|were|did|does|do|has|have|had|will|would|can|could)\b)\S+ ){0,4}"

PATTERNS: list[tuple[str, re.Pattern]] = [
    ("nationality", re.compile(r"\b(what|which) nationalit(y|ies)\b", re.I)),
    # words someone said or coined: "What nickname did she give ...?", "What phrase ...?"
    ("quote", re.compile(r"\b(what|which) (nickname|phrase|slogan|motto|label|expression|words|term|catchphrase|warning|name did)\b", re.I)),
    # "How did the number of migrants change?" asks for the change ("almost doubling"), not a reason
    ("change", re.compile(rf"^\s*how (did|has|have|does|do|will|would)\b.*\b({CHANGE_VERBS})\b", re.I)),
    ("reason", re.compile(r"^\s*(why\b|what (caused|led|drove|prompted|explains|motivated)|how (does|did|do|can|could|would|should|is|are|was|were|has|have)\b)", re.I)),
    ("percent", re.compile(r"\b(what|which) (percentage|proportion|share|fraction|percent)\b|\bby how much\b|\bhow much did .* (drop|fall|rise|grow|increase|decline|contract|expand|shrink)\b", re.I)),
    ("money", re.compile(rf"\b(what|which) {GAP}(\S+ )?(loan|grant|funding|contribution|commitment|investment|assistance package)\b|\bworth\b|\bhow much (money|funding|aid|assistance)?\b|\b(worth|cost|dollars?|funding|loan|grant|pledge[ds]?|invest\w*|contribut\w*|budget|financ\w*|assistance|aid)\b.*\b(how much|what (amount|total|sum|size))\b|\b(how much|what (amount|total|sum|size)|how (big|large))\b.*\b(worth|cost|dollars?|funding|loan|grant|pledge[ds]?|invest\w*|contribut\w*|money|aid|assistance|financ\w*)\b", re.I)),
    ("number", re.compile(r"\bhow (many|much|large|big|long|far|high|often)\b|\b(what|which) (\w+ )?(number|amount|total|sum|figure|size|count)\b|\bwhat (was|is|were|are) the (\w+ ){0,2}(total|number|amount|size|value|count|tally|figure)\b", re.I)),
    ("date", re.compile(r"^\s*(when\b|since when)|\b(what|which|in what|on what|on which) (year|years|date|dates|month|months|day|days|time|period|decade)\b", re.I)),
    # "which person", but not "what pushes people into ..."
    ("person", re.compile(rf"^\s*(who|whom|whose)\b|\b(which|what|name the|name an?) {GAP}({PERSON_NOUNS})\b|\b(which|what) (person|people|woman|women|man|men)\b", re.I)),
    # a place noun is a common noun: "which state", not "Which State Department bureau"
    ("place", re.compile(rf"^\s*where\b|\b(which|what|in what|name the|name an?) {GAP}(?-i:{PLACE_NOUNS})\b", re.I)),
    ("organisation", re.compile(rf"\b(which|what|name the|name an?) {GAP}({ORG_NOUNS})\b|\bwhat (is|was|are|were) (the )?(name|title)\b|\bcalled\b|\bnamed\b", re.I)),
]


@dataclass(frozen=True)
class Question:
    text: str
    answer_type: str
    terms: tuple[str, ...]  # stemmed content terms, as the BM25 index sees them
    wants_list: bool


# A leading clause set off by a comma ("According to the Declaration, how ...", "When sending
# back migrants, what ...", "Besides the United States, which ...") is not what is asked.
LEADING_CLAUSE = re.compile(
    r"^\s*(?:according to|in|at|on|under|during|when|while|after|before|since|as of|besides|apart from|other than|if|for|"
    r"along with|together with|alongside|with|like|unlike|as)\b(?:(?!\b(?:which|what)\b)[^?])*?,\s*"
    r"(?=(?:who|whom|whose|what|which|when|where|why|how|by how|in (?:which|what)|on (?:which|what))\b)",
    re.I,
)


def answer_type(text: str) -> str:
    text = re.sub(r"\b(what|who|where|when)[’']s\b", r"\1 is", text, flags=re.I)  # "What's the name of ...?"
    leading = LEADING_CLAUSE.match(text)
    asked = text[leading.end() :] if leading else text
    for name, pattern in PATTERNS:
        if pattern.search(asked):
            return name
    return "other"


US = re.compile(r"\b(?:U\.S\.A?\.?|USA|US)(?=[\s,?.!;:]|$)")


# Stems of the words that say how a question is asked ("how", "much", "did"), which the
# stop-word list keeps; they are not what the question is about.
QUESTION_STEMS = frozenset({"mani", "much", "whi", "what", "when", "which", "who", "how", "where", "whose", "whom", "did", "doe"})


def content_terms(text: str) -> tuple[str, ...]:
    """Stemmed terms of the question without its question words; "US" and "U.S." read as
    "United States" as the sources write both."""
    return tuple(t for t in bm25_tokens([US.sub("United States", text)])[0] if t not in QUESTION_STEMS)


def analyze(text: str) -> Question:
    kind = answer_type(text)
    wants_list = bool(re.search(r"\b(which|what) (\w+ )?(countries|nations|organizations|organisations|groups|blocs|programs|pillars|areas|steps|items|commitments|nationalities)\b|\blist\b|\bwhat are the\b", text, re.I))
    return Question(text=text, answer_type=kind, terms=content_terms(text), wants_list=wants_list)
