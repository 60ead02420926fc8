"""Candidate answer spans inside a sentence, by answer type.

Patterns, not a model: amounts, percentages, counts, dates, and runs of
capitalised words sorted into people, organisations and places by the words
they contain. Every span is a pair of offsets into the sentence's document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Span", "candidate_spans", "name_spans", "possessors"]

MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
QUALIFIER = r"(?:(?:more than|less than|fewer than|over|under|nearly|almost|around|about|approximately|roughly|some|up to|at least|at most|an estimated|a total of|a record|only|just)\s+)?"
NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
WORD_NUMBER = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
    r"eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|a hundred)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?(?![\w-])"
)
SCALE = r"(?:\s?(?:million|billion|trillion|thousand|M\b|B\b))"
MONEY = re.compile(rf"{QUALIFIER}(?:US|C|CA)?\$\s?(?:{NUMBER}){SCALE}?(?:\s(?:Canadian|U\.S\.)\sdollars)?|{QUALIFIER}(?:{NUMBER}){SCALE}?\s(?:million|billion\s)?(?:Canadian |U\.S\. )?(?:dollars|pesos)", re.I)
PERCENT = re.compile(rf"{QUALIFIER}(?:{NUMBER})\s?(?:percent|per cent|%)|{QUALIFIER}(?:half|a third|two-thirds|a quarter|three-quarters|three-fold|four-fold|six-fold|two-fold|tenfold)", re.I)
COUNT = re.compile(rf"{QUALIFIER}(?<![\w.,])(?!(?:19|20)\d\d\b)(?:{NUMBER}){SCALE}?(?:\s(?:to|and|or)\s(?:{NUMBER}){SCALE}?)?|{QUALIFIER}(?:hundreds|thousands|millions|tens) of thousands|{QUALIFIER}\b{WORD_NUMBER}\b(?:{SCALE})?", re.I)
DATE = re.compile(
    rf"\b\d{{1,2}}\s{MONTHS}\s\d{{4}}\b|(?:between|from)\s(?:19|20)\d{{2}}\s(?:and|to)\s(?:19|20)\d{{2}}\b|\b(?:19|20)\d{{2}}[–-](?:19|20)?\d{{2}}\b|(?:(?:early|mid|late)[- ])?{MONTHS}\s\d{{1,2}}(?:[–-]\d{{1,2}})?,?\s\d{{4}}|(?:(?:early|mid|late)[- ])?{MONTHS}\s\d{{4}}|{MONTHS}\s\d{{1,2}}(?:[–-]\d{{1,2}})?\b|"
    rf"(?:fiscal years?|FY)\s?\d{{2,4}}(?:\s(?:and|to|-)\s\d{{2,4}})?|(?:(?:early|mid|late)[- ])?\b(?:19|20)\d{{2}}s?\b|\b(?:spring|summer|fall|autumn|winter) (?:of )?(?:19|20)\d{{2}}|\b{MONTHS}\b"
)
MULTIPLE = r"(?:doubl|tripl|quadrupl|halv)\w*|(?:two|three|four|five|six|ten)-?fold"
MOVE = r"(?:rose|risen|rising|fell|fallen|falling|grew|grown|growing|increased|decreased|dropped|declined|jumped|surged|soared|plunged|plummeted|climbed|expanded|contracted|shrank|shrunk)"
CHANGE = re.compile(
    rf"(?:(?:more than|less than|nearly|almost|approximately|roughly|about|an|a)\s+)*\b(?:{MULTIPLE})\b(?:\s(?:in size|over|since)\b)?"
    rf"|\b{MOVE}\s(?:by\s)?(?:from\s)?{QUALIFIER}(?:[$]?(?:{NUMBER}){SCALE}?(?:\s?(?:percent|%))?)(?:\s(?:\w+\s){{0,4}}?to\s{QUALIFIER}[$]?(?:{NUMBER}){SCALE}?(?:\s?(?:percent|%))?)?",
    re.I,
)
QUOTED = (re.compile(r"“([^”]{3,80})”"), re.compile(r"\"([^\"]{3,80})\""), re.compile(r"(?<![\w’'])['‘]([A-Z][^'’]{2,60})['’](?![\w])"))
DEMONYM = re.compile(r"\b[A-Z][a-z]+(?:ian|an|ese|ish|ean|i)\b")
CAPWORD = r"(?:(?:[A-Z]\.){2,}|(?:Dr|Mr|Mrs|Ms|St|Jr)\.|[A-Z][\w’'\.-]*[\w]|[A-Z]\.|[A-Z]{2,}\d*|\d+[A-Z]+)"
CONNECT = r"(?:\s(?:of|for|de|del|da|do|la|las|los|and|the|y)\s|\s|-)"
NAME_RUN = re.compile(rf"(?:“[^”]{{2,60}}”|\"[^\"]{{2,60}}\"|{CAPWORD}(?:{CONNECT}{CAPWORD})*)")

ORG_WORDS = {
    "Institute", "Council", "Bank", "Organization", "Organisation", "Agency", "Department", "Initiative", "Program",
    "Programme", "Process", "Facility", "Fund", "Corporation", "Foundation", "Center", "Centre", "Community", "Platform",
    "Partnership", "Commission", "Office", "Operation", "Conference", "Forum", "Alliance", "Committee", "Caucus",
    "University", "Parole", "Neighbors", "Secretariat", "Project", "Association", "Network", "Framework", "Union",
    "Court", "Tribunal", "Congress", "Senate", "House", "Guard", "Patrol", "Service", "Services", "Administration",
    "Ministry", "Endowment", "Group", "Corps", "Summit", "Declaration", "Mechanism", "Plan", "Strategy", "Campaign",
    "Unit", "Pilot", "Card", "Offices", "Mercosur", "CARICOM", "Times", "Press", "News", "Nacion", "Economist", "Room",
    "Building", "Convention", "Act", "Rule", "Order", "Law", "Agreement", "Accord", "Compact", "Protocol", "Report",
    "Command", "Ministry", "Bureau", "Assembly", "Compacts", "Summit",
}
PLACE_WORDS = {
    "Argentina", "Bahamas", "Barbados", "Belize", "Bolivia", "Brazil", "Canada", "Chile", "Colombia", "Costa Rica",
    "Cuba", "Dominican Republic", "Ecuador", "El Salvador", "Guatemala", "Guyana", "Haiti", "Honduras", "Jamaica",
    "Mexico", "Nicaragua", "Panama", "Paraguay", "Peru", "Suriname", "Trinidad and Tobago", "United States", "Uruguay",
    "Venezuela", "Spain", "Italy", "Ukraine", "Syria", "Russia", "China", "India", "Afghanistan", "Tunisia", "Egypt",
    "Rwanda", "United Kingdom", "Europe", "Africa", "Asia", "Antigua and Barbuda", "Hispaniola", "South Korea", "Japan",
    "Ohio", "Texas", "Florida", "New York", "Quebec", "California", "Chiapas", "Los Angeles", "Lima", "Quito", "Bogotá",
    "Cúcuta", "Washington", "Del Rio", "Eagle Pass", "Guatemala City", "Denver", "Havana", "Port-au-Prince", "Manaus",
    "São Paulo", "Boa Vista", "San Antonio", "Cartagena", "Darien", "Darién", "Darien Gap", "Darién Gap", "Rio Grande",
    "Roxam Road", "Central America", "South America", "North America", "Latin America", "Caribbean", "Americas",
    "Western Hemisphere", "Mexico City", "Miami", "Coney Island", "Lajas Blancas", "Bajo Chiquito", "Amazon",
    "Latin America and the Caribbean", "South Florida", "Cité Soleil",
}
TITLE_WORDS = {
    "U.S.", "UN", "US", "Then", "Former", "New", "President", "Vice", "Secretary", "Prime", "Minister", "Foreign", "Ambassador",
    "Dr.", "Mr.", "Ms.", "Mrs.", "Senator", "Governor", "Director", "Chair", "Commissioner", "Advisor", "Adviser",
    "Administrator", "Deputy", "Principal", "National", "Security", "Homeland", "Assistant", "Special", "Coordinator",
    "General", "Chief", "Senior", "Acting", "High", "White", "House", "State", "Economist", "Advisor,", "Representative",
    "Colombian", "Mexican", "Brazilian", "Panamanian", "Guatemalan", "Canadian", "Ecuadorian", "Chilean", "Peruvian",
    "American", "Venezuelan", "Cuban", "Haitian", "Costa", "Rican", "Refugees", "Of", "Chairman", "Director-General",
}
NOT_NAMES = {"The", "A", "An", "In", "On", "At", "By", "For", "With", "Since", "After", "Before", "During", "Under", "This",
             "That", "These", "Those", "It", "Its", "Their", "His", "Her", "Our", "We", "They", "He", "She", "And", "But",
             "U.S.", "UN", "LA", "Los", "Today", "Meanwhile", "However", "Also", "Both", "Each", "Some", "Many", "Most",
             "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
             "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}


@dataclass(frozen=True)
class Span:
    start: int  # offsets into the text the sentence was taken from
    end: int
    kind: str


def candidate_spans(text: str, start: int, end: int, answer_type: str) -> list[Span]:
    """Spans of `answer_type` inside text[start:end]."""
    sentence = text[start:end]
    finders = {
        "money": [(MONEY, "money")],
        "percent": [(PERCENT, "percent")],
        "number": [(MONEY, "money"), (PERCENT, "percent"), (COUNT, "number")],
        "date": [(DATE, "date")],
        "change": [(CHANGE, "change")],
        "nationality": [(DEMONYM, "nationality")],
    }
    if answer_type == "quote":  # the words inside the quotation marks, innermost first ("... an emerging 'Coalition of the Brave' ...")
        quoted = [Span(start + m.start(1), start + m.end(1), "quote") for pattern in QUOTED for m in pattern.finditer(sentence)]
        return sorted((q for q in quoted if not any(o != q and q.start <= o.start and o.end <= q.end for o in quoted)), key=lambda q: q.start)
    if answer_type in finders:
        spans = []
        for pattern, kind in finders[answer_type]:
            spans += [Span(start + m.start(), start + m.end(), kind) for m in pattern.finditer(sentence) if m.group().strip()]
        spans = [s for s in spans if not (answer_type == "number" and s.kind == "number" and is_year(text[s.start : s.end]))]
        # a code is no count ("H-2A", "COVID-19")
        spans = [s for s in spans if not (re.search(r"[A-Za-z]-?$", text[max(0, s.start - 2) : s.start]) or text[s.end : s.end + 1].isalpha())]
        if answer_type != "date":  # the day of a date is no count ("announced on October 12 that ... 24,000")
            dates = [m.span() for m in DATE.finditer(sentence)]
            spans = [s for s in spans if not any(a <= s.start - start < b for a, b in dates)]
        return drop_nested(spans)
    if answer_type in {"person", "organisation", "place"}:
        names = name_spans(text, start, end)
        typed = [s for s in names if s.kind == answer_type]
        if answer_type == "person" and typed:  # "when Obama convened the Refugee Summit": a surname beside full names
            typed = sorted(typed + surnames(text, names), key=lambda s: s.start)
        if answer_type == "place":  # known places inside longer capitalised runs ("Bringing the Dominican Republic"),
            # not inside an organisation's name ("Los Angeles Declaration Ministerial")
            organisations = [s for s in names if s.kind == "organisation"]
            inside = [Span(start + m.start(), start + m.end(), "place") for m in KNOWN_PLACE.finditer(text[start:end])]
            typed = drop_nested(typed + [p for p in inside if not any(o.start <= p.start and p.end <= o.end for o in organisations)])
        if answer_type == "place":  # a venue is a place too: "the Cabinet Room", "the Los Angeles Convention Center"
            typed = sorted(typed + [s for s in names if s.kind != "place" and text[s.start : s.end].split()[-1] in VENUE_WORDS], key=lambda s: s.start)
        if typed or answer_type == "place":
            return typed
        if answer_type == "person":
            # a surname alone ("... have burst,” Chaves-González said."), then a country or an
            # organisation ("Who hosted the third ministerial?" - Guatemala)
            return surnames(text, names) or [s for s in names if s.kind in {"organisation", "place"}]
        # a programme, paper or company named without an organisation word ("Walmart",
        # "Redefining Border Security"): any name that is not a person or a place, then titles
        return [s for s in names if s.kind == "other" or (s.kind == "person" and not text[s.start : s.end].istitle())] or [
            s for s in names if s.kind in {"person", "title"}
        ]
    return []


def surnames(text: str, names: list[Span]) -> list[Span]:
    """Single capitalised words that may be a person named by surname ("Obama", "Chaves-González"),
    not a demonym ("Haitians") or a quotation."""
    return [
        s for s in names
        if s.kind == "other" and " " not in text[s.start : s.end] and not text[s.start : s.end].startswith(("“", '"'))
        and not re.search(r"(?:ans|ians|ese|ish)$", text[s.start : s.end])
    ]


def is_year(value: str) -> bool:
    return bool(re.fullmatch(r"(?:19|20)\d\d", value.strip()))


def drop_nested(spans: list[Span]) -> list[Span]:
    """Keep the longest of overlapping spans."""
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if kept and span.start < kept[-1].end:
            continue
        kept.append(span)
    return kept


ORG_NOUN_AFTER = re.compile(r"\s(?:project|program|programme|initiative|facility|fund|plan|campaign|mechanism|platform|process|pilot|strategy)\b")
PLACE_NOUN_AFTER = re.compile(r"\s(?:border|region|corridor|borderlands|coast|commune|neighborhood|neighbourhood|district|municipality)\b")


def name_spans(text: str, start: int, end: int) -> list[Span]:
    spans = []
    for match in NAME_RUN.finditer(text, start, end):
        for part_start, part_end in split_run(text, match.start(), match.end()):
            s, e = trim_name(text, part_start, part_end)
            value = text[s:e]
            words = set(value.split())
            if not value or value in NOT_NAMES or len(value) < 3 or (words <= TITLE_WORDS | {"of", "for", "the"} and not words & ORG_WORDS):
                continue  # nothing but titles ("Principal Deputy National Security Advisor"; "The Economist" is a paper)
            kind = classify_name(value, at_sentence_start=s == start)
            # a name and the common noun that says what it is: "Ecuador’s Social Safety Net project",
            # "the Panama-Colombia border"
            noun = ORG_NOUN_AFTER.match(text, e, end) if kind in {"person", "other"} else None
            if noun is None and kind in {"place", "other", "person"}:
                noun = PLACE_NOUN_AFTER.match(text, e, end)
                kind = "place" if noun else kind
            elif noun is not None:
                kind = "organisation"
            spans.append(Span(s, noun.end() if noun else e, kind))
    return spans


POSSESSIVE = re.compile(r"[’']s(?=\s)")
POSSESSOR = re.compile(rf"{CAPWORD}(?:{CONNECT}{CAPWORD})*(?=[’']s\s)")


def possessors(text: str, start: int, end: int) -> list[Span]:
    """Names followed by a possessive: "whose declaration?" -> "the International Labour Organization’s"."""
    found = []
    for m in POSSESSOR.finditer(text, start, end):
        s, e = trim_name(text, m.start(), m.end())
        if e - s >= 2 and text[s:e] not in NOT_NAMES:
            found.append(Span(s, e, classify_name(text[s:e], at_sentence_start=s == start)))
    return found


def split_run(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A capitalised run cut where it holds two names: at a possessive ("International Labour
    Organization’s Declaration" -> the organisation, then its declaration) and at "and" when
    a side is a person ("Advisor Jake Sullivan and Homeland Security Advisor Liz Sherwood-Randall")."""
    parts = []
    cursor = start
    for m in POSSESSIVE.finditer(text, start, end):
        # "Rice University's Baker Institute" stays one organisation; "IDB's Migration Grant
        # Facility" too; "Biden’s Cabinet" is two names
        possessed = text[m.end() + 1 : end]
        if classify_name(possessed.split(" ")[0] if possessed else "", at_sentence_start=False) != "organisation" and not set(possessed.split()) & ORG_WORDS:
            parts.append((cursor, m.start()))
            cursor = m.end() + 1
    parts.append((cursor, end))
    parts = [piece for s, e in parts for piece in split_title_from_name(text, s, e)]
    result = []
    for s, e in parts:
        cuts = [m.span() for m in re.finditer(" and ", text[s:e])]
        bounds = [0] + [x for cut in cuts for x in cut] + [e - s]
        pieces = [(s + a, s + b) for a, b in zip(bounds[::2], bounds[1::2])]
        named = [classify_name(text[slice(*trim_name(text, a, b))], at_sentence_start=False) for a, b in pieces]
        if len(pieces) > 1 and text[s:e] not in PLACE_WORDS and "person" in named:
            result += pieces
        else:
            result.append((s, e))
    return [(s, e) for s, e in result if e > s]


def trim_name(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop leading articles, leading titles before a person's name ("Secretary of State Antony
    Blinken", but not "U.S. Citizenship and Immigration Services") and trailing connectors."""
    stripped = strip_titles(text, start, end)
    if stripped != start and classify_name(text[stripped:end].rstrip(" ,.’'"), at_sentence_start=False) == "person":
        start = stripped
    for word in ("The ", "A ", "In ", "On ", "By ", "For ", "Since ", "After ", "Under ", "This ", "That ", "These ", "Those ", "Its ", "Their "):
        if text.startswith(word, start) and end - start > len(word) + 2:
            start += len(word)
    while end > start and text[end - 1] in " -.,’'" and not re.search(r"(?:[A-Z]\.){2,}$|\b(?:Dr|Mr|Mrs|Ms|St|Jr)\.$", text[start:end]):
        end -= 1
    for tail in (" and", " of", " the", " for", " in", " on", " to"):
        if text[start:end].endswith(tail):
            end -= len(tail)
    return start, end


def split_title_from_name(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A title or an organisation's name, then a person ("Coordinator for the Los Angeles
    Declaration Marcela Escobari", "International Organization for Migration António
    Vitorino"): the last two or three words are cut off when they read as a person's name."""
    words = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", text[start:end])]
    for size in (3, 2):
        if len(words) < size + 2:
            continue
        head, tail = words[:-size], words[-size:]
        name = text[start + tail[0][0] : end]
        plain = all(re.fullmatch(r"[A-Z][\w’'.-]+", w) and w not in ORG_WORDS | TITLE_WORDS | NOT_NAMES for _, _, w in tail)
        titled = any(w in ORG_WORDS | TITLE_WORDS for _, _, w in head)
        if plain and titled and not is_place(name, set(name.split())) and head[-1][2] not in {"of", "for", "the", "and", "de", "del"}:
            return [(start, start + head[-1][1]), (start + tail[0][0], end)]
    return [(start, end)]


KNOWN_PLACE = re.compile(r"\b(?:" + "|".join(sorted((re.escape(p) for p in PLACE_WORDS), key=len, reverse=True)) + r")\b")
VENUE_WORDS = {"Room", "Building", "Center", "Centre", "Hall", "House", "Hotel", "Stadium", "Palace", "Auditorium", "Office"}
PLACE_SUFFIXES = {"Airport", "Gap", "Road", "River", "Bridge", "City", "Province", "State", "Island", "Islands", "County", "Border"}


def is_place(value: str, words: set[str]) -> bool:
    """A known place, "City, State", or a name ending in a place noun ("La Aurora International Airport")."""
    parts = [p.strip() for p in value.split(",")]
    if all(p in PLACE_WORDS for p in parts if p):
        return True
    return value.split()[-1] in PLACE_SUFFIXES and len(value.split()) >= 2


def strip_titles(text: str, start: int, end: int) -> int:
    """Skip leading titles ("Principal Deputy National Security Advisor Jon Finer" -> "Jon Finer")
    when at least two capitalised words remain."""
    words = [(m.start(), m.group()) for m in re.finditer(r"\S+", text[start:end])]
    index = 0
    while index < len(words) - 2 and (words[index][1] in TITLE_WORDS or words[index][1] in {"for", "of", "the"}):
        index += 1
    while index and words[index][1] in {"for", "of", "the"}:
        index -= 1
    return start + words[index][0] if index and index < len(words) else start


def classify_name(value: str, *, at_sentence_start: bool) -> str:
    words = {re.sub(r"[’']s$", "", w) for w in re.split(r"[\s-]+", value)}
    if value.startswith(("“", '"')):  # a quoted name: a programme ("“Sting Operation”"), a paper's title, a phrase
        return "organisation" if set(value.strip("“”\"").split()) & ORG_WORDS else "title"
    if words & ORG_WORDS or re.fullmatch(r"[A-Z]{2,}\d*|[A-Z0-9]{2,}", value):
        return "organisation"
    if is_place(value, words):
        return "place"
    tokens = value.split()
    if 2 <= len(tokens) <= 5 and all(t[:1].isupper() or t in {"de", "del", "da", "y", "la"} for t in tokens):
        return "person"
    return "other"
