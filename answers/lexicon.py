"""What the corpus' own parses say about names and kinds, counted once at load.

The small English NER model mislabels names now and then ("Paraguay" as an
organisation in one sentence, a place in five others). Counting every mention's
label over the corpus gives each name its majority label, and counting which
labels the entities under a noun carry ("the Center for American Progress, a
think tank"; "... Initiative") tells what kind of answer "which think tank" or
"which initiative" asks for, without a hand-made list of nouns.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from ingest.parse import SentenceParse

__all__ = ["Lexicon", "name_key"]

NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "LAW", "EVENT", "PRODUCT", "WORK_OF_ART"})
MIN_VOTES = 2
TYPE_OF_LABEL = {
    "PERSON": "person", "ORG": "organisation", "LAW": "organisation", "EVENT": "organisation", "PRODUCT": "organisation",
    "WORK_OF_ART": "organisation", "GPE": "place", "LOC": "place", "FAC": "place", "NORP": "nationality",
    "DATE": "date", "CARDINAL": "number", "MONEY": "number", "PERCENT": "number", "QUANTITY": "number",
}


def name_key(text: str) -> str:
    words = text.replace("’", "'").split()
    if words and words[0].casefold() == "the":
        words = words[1:]
    if words and words[-1].endswith("'s"):
        words[-1] = words[-1][:-2]
    return " ".join(words).casefold()


class Lexicon:
    def __init__(self, parses: list[tuple[str, SentenceParse]]) -> None:
        """`parses`: (sentence text, its parse) for every sentence of the corpus."""
        self.labels: dict[str, Counter] = defaultdict(Counter)
        self.kinds: dict[str, Counter] = defaultdict(Counter)
        for sentence, parse in parses:
            self.count(sentence, parse)

    def count(self, sentence: str, parse: SentenceParse) -> None:
        tokens = parse.tokens
        for start, end, label in parse.entities:
            if label not in TYPE_OF_LABEL:
                continue
            self.labels[name_key(sentence[start:end])][label] += 1
            inside = [i for i, t in enumerate(tokens) if start <= t.start and t.end <= end]
            if not inside:
                continue
            root = next((i for i in inside if tokens[i].head not in inside or tokens[i].head == i), inside[-1])
            related = [root]  # "... Initiative": the name's own last noun
            if tokens[root].dep == "appos" or tokens[root].dep == "compound":
                related.append(tokens[root].head)  # "Tony Payan, an analyst"; "the Payan analysis"
            related += [i for i, t in enumerate(tokens) if t.head == root and t.dep == "appos" and i not in inside]
            for i in related:
                if tokens[i].pos in {"NOUN", "PROPN"}:
                    self.kinds[tokens[i].lemma.casefold()][label] += 1

    def majority_label(self, text: str, label: str) -> str:
        """The label most mentions of this name carry; its own when the corpus has no clear view."""
        votes = self.labels.get(name_key(text))
        if not votes:
            return label
        best, count = votes.most_common(1)[0]
        return best if count >= MIN_VOTES and count > votes[label] else label

    def kind_of(self, noun_lemma: str) -> str | None:
        """The answer type that entities under this noun mostly have, if the corpus says."""
        votes = self.kinds.get(noun_lemma.casefold())
        if not votes:
            return None
        kinds = Counter()
        for label, count in votes.items():
            kinds[TYPE_OF_LABEL[label]] += count
        best, count = kinds.most_common(1)[0]
        return best if count >= 0.6 * sum(kinds.values()) else None
