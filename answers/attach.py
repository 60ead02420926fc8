"""How strongly a question's words attach to a candidate answer in a parsed sentence.

Each word the sentence shares with the question counts, weighted by its rarity (the focus
phrase's words double), and discounted by DECAY per dependency edge between it and the
candidate; the focus noun governing the candidate ("15,000 *Haitians*"), inside it
("... *Program*") or titling it ("Rice University *analyst* Tony Payan") counts more; so
does the candidate filling the wh-phrase's role under the question's verb ("*Who* hosted"
-> the subject of "hosted"). The score is a share of the question's total weight.
"""

from __future__ import annotations

from dataclasses import dataclass

from answers.question import Question
from ingest.lexical import word_terms
from ingest.parse import SentenceParse

__all__ = ["Attachment", "SentenceView"]

DECAY = 0.6  # per dependency edge between a shared word and the candidate
FOCUS_BOOST = 2.0  # the focus phrase's words name the answer's kind
GOVERNS = 1.5  # the focus noun is the candidate's head ("15,000 Haitians")
INSIDE = 1.0  # the focus noun is part of the candidate ("American Statecraft Program")
ROLE = 1.5  # the candidate fills the wh-phrase's role under the question's verb
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "agent", "csubj"})
OBJECT_DEPS = frozenset({"dobj", "attr", "oprd", "pobj", "dative", "xcomp", "ccomp", "acomp"})


@dataclass(frozen=True)
class SentenceView:
    """What attachment reads of a parsed sentence, computed once per sentence."""

    heads: tuple[int, ...]
    stems: tuple[str, ...]  # each token's stem as the BM25 index sees it ("" for stop words)
    words: tuple[str, ...]  # each token lower-cased
    lemmas: tuple[str, ...]

    @classmethod
    def of(cls, parse: SentenceParse, sentence: str) -> SentenceView:
        words = tuple(sentence[t.start : t.end] for t in parse.tokens)
        return cls(
            tuple(t.head for t in parse.tokens), tuple((word_terms(w) or ("",))[0] for w in words),
            tuple(w.casefold() for w in words), tuple(t.lemma.casefold() for t in parse.tokens),
        )


class Attachment:
    """Scores a candidate span by how the question's words attach to it in one sentence."""

    def __init__(self, parse: SentenceParse, view: SentenceView, question: Question, idf: dict[str, float]) -> None:
        self.parse = parse
        self.question = question
        self.heads = view.heads
        self.stems = view.stems
        self.words = view.words
        asked = set(question.terms)
        focus = set(question.focus)
        self.anchors = [  # (token index, weight)
            (i, float(idf.get(stem, 1.0)) * (FOCUS_BOOST if stem in focus else 1.0)) for i, stem in enumerate(view.stems) if stem and stem in asked
        ]
        self.total = sum(float(idf.get(t, 1.0)) for t in asked) or 1.0
        self.verbs = [i for i, lemma in enumerate(view.lemmas) if question.verb and lemma == question.verb]

    def root(self, start: int, end: int) -> int:
        inside = [i for i, t in enumerate(self.parse.tokens) if start <= t.start and t.end <= end]
        if not inside:
            return 0
        return next((i for i in inside if self.heads[i] not in inside or self.heads[i] == i), inside[0])

    def path(self, index: int) -> list[int]:
        chain = [index]
        while self.heads[chain[-1]] != chain[-1] and len(chain) < 64:
            chain.append(self.heads[chain[-1]])
        return chain

    def distance(self, a: int, b: int) -> int:
        up_a, up_b = self.path(a), self.path(b)
        common = next((n for n in up_a if n in up_b), None)
        return len(up_a) + len(up_b) if common is None else up_a.index(common) + up_b.index(common)

    def score(self, start: int, end: int) -> float:
        tokens = self.parse.tokens
        inside = {i for i, t in enumerate(tokens) if start <= t.start and t.end <= end}
        root = self.root(start, end)
        score = sum(w * DECAY ** self.distance(i, root) for i, w in self.anchors if i not in inside)
        q = self.question
        if q.head and any(self.stems[i] == q.head for i in inside):
            score += INSIDE * self.weight_of_head()
        governor = self.heads[root]
        if q.head and governor != root and self.stems[governor] == q.head:
            score += GOVERNS * self.weight_of_head()
        elif q.head and any(self.heads[i] == root and i not in inside and self.stems[i] == q.head for i in range(len(self.heads))):
            score += GOVERNS * self.weight_of_head()  # the asked kind names the candidate: "Rice University analyst Tony Payan"
        score += ROLE * self.role_match(root) * (max((w for _, w in self.anchors), default=1.0))
        return score / self.total

    def weight_of_head(self) -> float:
        return max((w for i, w in self.anchors if self.stems[i] == self.question.head), default=1.0)

    def role_match(self, root: int) -> float:
        """1 when the candidate fills the wh-phrase's role under a token of the question's verb."""
        role = self.question.role
        if not role or not self.verbs:
            return 0.0
        chain = self.path(root)
        tokens = self.parse.tokens
        for verb in self.verbs:
            if verb not in chain or verb == root:
                continue
            child = chain[chain.index(verb) - 1]  # the verb's dependent on the way to the candidate
            dep = tokens[child].dep
            if role == "subject" and dep in SUBJECT_DEPS:
                return 1.0
            if role == "object" and dep in OBJECT_DEPS:
                return 1.0
            if role.startswith("prep:") and dep == "prep" and self.words[child] == role[5:]:
                return 1.0
        return 0.0
