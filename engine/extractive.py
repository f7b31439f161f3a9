"""The default answerer: pick the sentences that answer the question and cite each one.

No language model is involved, so every word of an answer is a verbatim sentence of a document
and every sentence carries the exact span it came from. Scoring a sentence combines what the
embedder thinks (meaning), what BM25's statistics think (the question's rarer words), and what
the document's structure says (the section names the actor and dimension asked about).
"""

from __future__ import annotations

import atexit
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from engine.answer_type import REQUIRED, satisfies
from engine.answers import AnswerSentence, Citation
from engine.query import Query
from index.embedder import Embedder
from index.lexical import tokenize
from index.question import asking_sentence
from index.sentence_vectors import SentenceVectors
from index.types import Hit, Terms
from index.vocabulary import Vocabulary
from ingest.cover import is_field
from ingest.governance import (
    addresses_a_model,
    find_actors,
    states_dimension,
    subject_actor,
    without_opening_comparison,
)
from ingest.types import CLOSERS, Chunk, Sentence, introduces_list

# Weights of a sentence's score; see `score_sentences`.
DENSE_WEIGHT = 0.55
LEXICAL_WEIGHT = 0.35
ACTOR_BONUS = 0.08
DIMENSION_BONUS = 0.08
RECOMMENDATION_BONUS = 0.08
RANK_WEIGHT = 0.05
# "How many ...?" prefers sentences that give a number; "When ...?" those that give a date.
ANSWER_TYPE_BONUS = 0.1
# A sentence that itself states the asked dimension ("... are accountable to ...").
STATEMENT_BONUS = 0.06
# A comparison's sentence that sets one side against the other ("Unlike Ofsted, they ...")
# states the difference itself.
CONTRAST_BONUS = 0.06
# A further sentence joins the answer only if it scores this close to the best one.
RELATIVE_CUTOFF = 0.8
# Sentences sharing this share of their words say the same thing: keep one. (Embeddings are
# no judge here: two sentences of one section, "The College builds the capacity of the
# teacher" and "The Council builds the capacity of the system", embed almost alike.)
REPEAT_JACCARD = 0.7
PASSAGES_READ = 6
# A sentence introducing a list brings at most this many items, or about this many words.
LIST_ITEMS = 6
LIST_WORDS = 120
# Words of a list's lead-in and the items before the one quoted, up to which they are quoted
# with it as one stretch; past it, the lead-in is quoted apart.
LEAD_IN_GAP = 40
# A sentence this short is a claim whose reason follows ("The space is clearly crowded.").
SHORT_SENTENCE_WORDS = 8
MAX_QUOTE_SENTENCES = 4
_ELABORATION = re.compile(
    r"^(this|these|they|it)\s+(includes?|means?|are|is)\b|^(for example|for instance|"
    r"in other words|that is|namely|such as)\b",
    re.I,
)

# Openings that point back at an earlier sentence rather than name their subject.
_POINTS_BACK = re.compile(r"^[\"'“‘(]*(this|these|those|such|both)\b", re.I)
DANGLING_PENALTY = 0.05
POINTER_PENALTY = 0.05
_PRONOUN_START = re.compile(
    r"^[\"'“‘(]*(it|its|they|their|them|this|these|those|he|she|his|her|both|such)\b", re.I
)


@dataclass(frozen=True)
class ScoredSentence:
    sentence: Sentence
    chunk: Chunk
    hit_rank: int
    dense: float
    lexical: float
    score: float


WARM_BATCH = 16  # sentences per background step: about 0.1 s of encoding here
WARM_LIMIT = 200_000  # sentences (about 300 MB of vectors)


class SentenceEmbeddings:
    """Embeddings of passage sentences: the ones stored at ingest (index/sentence_vectors.py),
    and any others (an index built before they were stored) computed on first use and kept.

    (Taking them from the passage's own forward pass instead costs nothing at ingest but
    answered worse: see docs/benchmarks.md.)
    """

    def __init__(self, embedder: Embedder, stored: SentenceVectors | None = None) -> None:
        self._embedder = embedder
        self._stored = stored or SentenceVectors.empty()
        self._cache: dict[tuple[str, int], np.ndarray] = {}
        self._lock = threading.Lock()

    @property
    def computed(self) -> int:
        """Sentence vectors computed since loading (0 while every one asked for was stored)."""
        with self._lock:
            return len(self._cache)

    def get(self, items: Sequence[tuple[Chunk, Sentence]]) -> np.ndarray:
        keys = [(chunk.id, sentence.chunk_start) for chunk, sentence in items]
        if not keys:
            return np.zeros((0, 1))
        rows = self._stored.lookup(keys)
        if rows.min() >= 0:  # every sentence stored at ingest: nothing to compute
            return self._stored.vectors[rows]
        with self._lock:
            missing = [i for i, key in enumerate(keys) if rows[i] < 0 and key not in self._cache]
        if missing:
            texts = [items[i][0].sentence_embedding_text(items[i][1]) for i in missing]
            vectors = self._embedder.embed(texts)
            with self._lock:
                for i, vector in zip(missing, vectors, strict=True):
                    self._cache[keys[i]] = vector
        with self._lock:
            return np.stack(
                [
                    self._stored.vectors[row] if row >= 0 else self._cache[key]
                    for key, row in zip(keys, rows, strict=True)
                ]
            )

    def nearest(
        self, vector: np.ndarray, k: int, chunk_ids: Sequence[str]
    ) -> list[tuple[tuple[str, int], float]]:
        """The `k` sentences of these chunks whose vectors stored at ingest are closest to
        `vector`, as ((chunk id, start), cosine); none for an index stored without them."""
        return self._stored.nearest(vector, k, chunk_ids)

    def warm_in_background(self, chunks: Sequence[Chunk]) -> threading.Thread | None:
        """Embed every sentence of `chunks` not stored at ingest on a background thread, a
        small batch at a time (a question waits for one batch at most), so a served app meets
        no first-sight cost; None when there is nothing to embed. Skipped above WARM_LIMIT
        sentences, where the vectors would take too much memory."""
        stored = self._stored.rows
        items = [
            (chunk, sentence)
            for chunk in chunks
            for sentence in chunk.sentences
            if (chunk.id, sentence.chunk_start) not in stored
        ]
        if not items or len(items) > WARM_LIMIT:
            return None

        stop = threading.Event()

        def finish_batch_before_exit() -> None:
            # A daemon thread still inside onnxruntime when the interpreter ends aborts the
            # process ("terminate called without an active exception", exit 134): stop it
            # between batches and wait for the batch in hand (about 0.1 s).
            stop.set()
            thread.join()

        def warm() -> None:
            try:
                for begin in range(0, len(items), WARM_BATCH):
                    if stop.is_set():
                        return
                    self.get(items[begin : begin + WARM_BATCH])
            finally:
                atexit.unregister(finish_batch_before_exit)

        thread = threading.Thread(target=warm, name="warm sentence vectors", daemon=True)
        atexit.register(finish_batch_before_exit)
        thread.start()
        return thread


def sentence_coverage(
    terms: Terms, chunk: Chunk, sentence: Sentence, vocabulary: Vocabulary | None
) -> float:
    """The share of the question's word weight a sentence holds, its headings counting half."""
    heading_text = " ".join(chunk.section[-2:])
    own = set(tokenize(sentence.text))
    headings = set(tokenize(heading_text)) - own
    if vocabulary is not None:
        # "RSCs" in the sentence answers a question that says "regional schools commissioners".
        own = vocabulary.with_aliases(own, sentence.text)
        headings = vocabulary.with_aliases(headings, heading_text) - own
    return terms.coverage(own) + 0.5 * terms.coverage(headings)


def score_sentences(
    query: Query,
    query_vector: np.ndarray,
    hits: Sequence[Hit],
    embeddings: SentenceEmbeddings,
    terms: Terms,
    vocabulary: Vocabulary | None = None,
    passages: int = PASSAGES_READ,
    cover: frozenset[str] = frozenset(),
    asking_vector: np.ndarray | None = None,
) -> list[ScoredSentence]:
    """Every sentence of the first `passages` hits, scored; best first.

    score = 0.55 * cosine(question, sentence in its section) + 0.35 * IDF-weighted share of the
    question's words (`terms`) in the sentence (its headings count half) + structure bonuses +
    rank prior. With `asking_vector` (the asking sentence alone, after the asker's remark), the
    cosine is the closer of the two.
    """
    about_publication = asks_about_publication(query.text)
    items = [
        (hit, sentence)
        for hit in hits[:passages]
        for sentence in hit.chunk.sentences
        if can_answer(sentence)
        and not is_title_line(hit.chunk, sentence)
        and (about_publication or not publishes(hit.chunk, sentence, cover))
        and not names_something_else(sentence, query.tokens)
    ]
    if not items:
        return []
    vectors = embeddings.get([(hit.chunk, sentence) for hit, sentence in items])
    dense = vectors @ query_vector
    if asking_vector is not None:
        dense = np.maximum(dense, vectors @ asking_vector)
    scored: list[ScoredSentence] = []
    for (hit, sentence), similarity in zip(items, dense, strict=True):
        chunk = hit.chunk
        coverage = sentence_coverage(terms, chunk, sentence, vocabulary)
        score = (
            DENSE_WEIGHT * float(similarity)
            + LEXICAL_WEIGHT * min(coverage, 1.0)
            + _bonus(query, chunk, sentence)
            + RANK_WEIGHT / hit.rank
        )
        scored.append(ScoredSentence(sentence, chunk, hit.rank, float(similarity), coverage, score))
    scored.sort(key=lambda s: -s.score)
    return scored


# A "sentence" with fewer words than this (in lower case: an all-capitals line is a heading) is
# a heading, a caption, a page or paragraph number, or a name on a cover; a list item needs one.
MIN_ANSWER_WORDS = 3


def _bonus(query: Query, chunk: Chunk, sentence: Sentence) -> float:
    """What the question's structure and answer type add to a sentence's score."""
    asked, tags = query.resolved, chunk.tags
    bonus = (
        (ACTOR_BONUS if about_actor(chunk, sentence, asked.actors) else 0.0)
        + (DIMENSION_BONUS if tags.dimension and tags.dimension in asked.dimensions else 0.0)
        + (STATEMENT_BONUS if states_dimension(sentence.text, asked.dimensions) else 0.0)
        + (CONTRAST_BONUS if sets_against(sentence.text, asked.actors) else 0.0)
        + (RECOMMENDATION_BONUS if asked.recommendation and tags.recommendation else 0.0)
    )
    if query.answer_type is not None and satisfies(
        sentence.text, query.answer_type, query.given_numbers, query.counted
    ):
        bonus += ANSWER_TYPE_BONUS
    if sentence is chunk.sentences[0] and _POINTS_BACK.match(sentence.text):
        # "This is a crucial distinction" opening a passage points at a sentence the passage
        # does not hold, so quoted alone it says nothing.
        bonus -= DANGLING_PENALTY
    if _POINTER.search(sentence.text) and not _ASKS_WHERE_TO_READ.search(query.text):
        bonus -= POINTER_PENALTY
    return bonus


# A sentence that sends the reader to another document ("Providers may find it helpful to read
# 'Safeguarding children and ...'", "Further guidance is available from ..."): it answers only
# a question about where to read more, and led "Who is responsible for safeguarding?" before
# the sentence that says who.
_POINTER = re.compile(
    r"\b(?:may|might|will)\s+(?:also\s+)?(?:find\s+it\s+(?:helpful|useful)|wish|want)\s+to\s+"
    r"(?:read|refer|consult|look)|"
    r"\b(?:further|more|additional)\s+(?:information|guidance|advice|details?)\s+(?:is|are|can\s+"
    r"be)\s+(?:found|available)|"
    r"\b(?:guidance|information|advice)\s+(?:is|are)\s+available\s+(?:from|at|via|on)\b|"
    r"^\W*(?:see|refer\s+(?:also\s+)?to)\b",
    re.I,
)
_ASKS_WHERE_TO_READ = re.compile(
    r"\bwhere\s+(?:can|do|should|could)\s+\w+\s+(?:find|read|get|look)|\bguidance\b|"
    r"\bfurther\s+reading\b|\bread\s+more\b",
    re.I,
)


def sets_against(text: str, actors: Sequence[str]) -> bool:
    """Whether a sentence opens by setting its subject against another of the compared
    `actors` ("Unlike Ofsted, they exercise 'executive' power")."""
    if len(actors) < 2:
        return False
    opening = text[: len(text) - len(without_opening_comparison(text))]
    return any(actor in actors for actor in find_actors(opening))


# An author's thanks ("I would like to thank ...", "Finally, I would like to pay tribute to my
# colleagues ..."): about the writing of the document, never about how anything is governed,
# yet it shares words ("pay") with questions the documents do not answer ("Who pays for ...?").
_THANKS = re.compile(
    r"\b(?:I|we)\s+(?:would\s+(?:also\s+)?like\s+to\s+|wish\s+to\s+|want\s+to\s+|must\s+)?"
    r"(?:thank|pay\s+tribute|express\s+(?:my|our)\s+(?:thanks|gratitude))|"
    r"\b(?:I\s+am|we\s+are)\s+(?:very\s+|most\s+|deeply\s+)?grateful\b|"
    r"\b(?:my|our)\s+(?:sincere\s+|warm\s+)?thanks\s+(?:go|goes|are\s+due)\b",
    re.I,
)


def can_answer(sentence: Sentence) -> bool:
    """Whether a sentence may be offered as an answer at all: not a question (the documents' own
    rhetorical questions restate a question, they do not answer it), not a bare heading, number
    or caption, not an author's thanks, and not text addressing a language model (a prompt
    injection)."""
    return _may_answer(sentence.text, sentence.list_item)


# Every question reads the sentences of its passages, and the same passages come back for many
# questions: what a sentence is, whatever is asked, is read once (these checks were 40% of a
# warm answer).
SENTENCE_CACHE = 65_536


@lru_cache(maxsize=SENTENCE_CACHE)
def _may_answer(full_text: str, list_item: bool) -> bool:
    text = full_text.rstrip(CLOSERS)
    if text.endswith("?"):
        return False
    words = sum(1 for word in text.split() if any(c.islower() for c in word))
    if words < (1 if list_item else MIN_ANSWER_WORDS):
        return False
    return not _THANKS.search(text) and not addresses_a_model(full_text)


def is_title_line(chunk: Chunk, sentence: Sentence) -> bool:
    """Whether the sentence is the document's title standing on its own line (a Word cover's
    "Governing Board Report – [DATE]"), or the title with its subtitle ("SSAT on the School-led
    System: refocusing governance in ..."): it names the document, it answers nothing."""
    text, title = _folded(sentence.text), _folded(chunk.title)
    if text == title or _cover_title_line(chunk, sentence):
        return True
    subtitle = text.removeprefix(title).lstrip() if text.startswith(title) else ""
    return subtitle[:1] in _SUBTITLE_MARKS and not text.rstrip(CLOSERS).endswith(".")


# The share of the title's words a cover's first line must hold to be the title as the file
# sets it ("Governing Board Report – [DATE]" for the "Governing Board Report template").
TITLE_WORDS_SHARE = 0.6


def _cover_title_line(chunk: Chunk, sentence: Sentence) -> bool:
    """The first line of a passage under no heading (a cover), no sentence, and most of the
    document's title: the title as the file sets it, with a placeholder or a date."""
    if chunk.section or sentence is not chunk.sentences[0] or sentence.text.rstrip().endswith("."):
        return False
    title = set(tokenize(chunk.title))
    shared = title & set(tokenize(sentence.text))
    return bool(title) and len(shared) >= TITLE_WORDS_SHARE * len(title)


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


_SUBTITLE_MARKS = (":", "–", "—", "-")

# A publication's own details: its imprint (ISBN, copyright, charity and company numbers),
# byline and how to cite it. They share words with questions ("the CST report" and "By the
# Confederation of School Trusts (CST)") but answer only questions about the document itself.
_PUBLICATION_DETAIL = re.compile(
    r"\bISBN\b|©|\bcopyright\b|\bregistered\s+charity\b|\bcompany\s+(?:number|no\.?)\s*\d|"
    r"\bVAT\s+registration\b|\bhow\s+to\s+cite\b|\bto\s+cite\s+this\b|\beditor:|\bdesign:|"
    r"\bopen\s+government\s+licen[cs]e\b|"
    r"^published:?\s+(?:(?:in|on)\s+)?(?:\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",
    re.I,
)
# "By the Confederation of School Trusts (CST)": a short line naming who wrote it ("By
# September 2025, providers must ..." is a sentence).
_BYLINE = re.compile(r"By\s+(?:the\s+)?[A-Z][^,.;:]*")
BYLINE_MAX_WORDS = 10
_ABOUT_PUBLICATION = re.compile(
    r"\b(?:wrote|write|written|writer|authors?|authored|authorship|publish\w*|editor|edited|"
    r"cite|citing|citation|copyright|isbn|licen[cs]ed?)\b",
    re.I,
)


def publishes(chunk: Chunk, sentence: Sentence, cover: frozenset[str]) -> bool:
    """Whether the sentence is about the publication rather than its subject: a line of the
    document's cover (`cover`: ingest/cover.py) other than a "Label: value" field, or its
    imprint, byline or citation wherever it stands."""
    on_cover = chunk.id in cover and not is_field(sentence)
    return on_cover or is_publication_detail(sentence)


# A field that names something: a short label, and a short value that is not a sentence.
FIELD_LABEL_WORDS = 4
FIELD_VALUE_WORDS = 8


def names_something_else(sentence: Sentence, question_tokens: Sequence[str]) -> bool:
    """Whether the sentence is a field naming something ("School name: The Ascent Academies'
    Trust", "Location: Sunderland") under a label the question does not ask about: it only
    restates a name the question may use as its setting ("who plans directed time in the Ascent
    academies"). A field giving a figure ("Number of pupils: 7,215") is left to the scores."""
    if not is_field(sentence):
        return False
    label, value = sentence.text.split(":", 1)
    value = value.strip()
    named = (
        len(label.split()) <= FIELD_LABEL_WORDS
        and len(value.split()) <= FIELD_VALUE_WORDS
        and not value.endswith((".", "!", "?"))  # a clause after a colon: "Providers must: ..."
        and not any(character.isdigit() for character in value)
    )
    return named and not set(tokenize(label)) & set(question_tokens)


def is_publication_detail(sentence: Sentence) -> bool:
    """Whether the sentence gives the publication's imprint, byline or citation."""
    return _gives_publication_detail(sentence.text)


@lru_cache(maxsize=SENTENCE_CACHE)
def _gives_publication_detail(full_text: str) -> bool:
    text = full_text.strip()
    byline = _BYLINE.fullmatch(text) is not None and len(text.split()) <= BYLINE_MAX_WORDS
    return byline or _PUBLICATION_DETAIL.search(text) is not None


def asks_about_publication(question: str) -> bool:
    """Whether the question asks about a document itself: who wrote or published it, how to
    cite it, its copyright."""
    return bool(_ABOUT_PUBLICATION.search(asking_sentence(question)))


def about_actor(chunk: Chunk, sentence: Sentence, actors: Sequence[str]) -> bool:
    """Whether the sentence is about one of `actors`: the actors it names, or, when it names
    none ("They are advised by ..."), the actor of its section."""
    if not actors:
        return False
    named = find_actors(sentence.text)
    if named:
        return any(actor in actors for actor in named)
    return chunk.tags.actor in actors


def is_subject(chunk: Chunk, sentence: Sentence, actor: str) -> bool:
    """Whether `actor` is what the sentence is about: the actor its opening names; or, when it
    names none ("They ...", "Unlike Ofsted, they ..."), the actor of its section. A sentence
    that names actors only after its opening ("The 2016 Act ... judged inadequate by Ofsted")
    is about none of them."""
    named = subject_actor(sentence.text)
    if named:
        return named == actor
    if find_actors(without_opening_comparison(sentence.text)):
        return False  # it names actors, but not as its subject: about something else
    return chunk.tags.actor == actor


def select(
    scored: Sequence[ScoredSentence],
    query: Query,
    limit: int,
) -> list[ScoredSentence]:
    """The best sentence, each named actor's best sentence (for comparisons), then any close
    runners-up, with near-duplicates left out; to a question asking for a figure, only the
    runners-up that give one."""
    if not scored:
        return []
    chosen: list[ScoredSentence] = [scored[0]]
    actors = query.resolved.actors
    if len(actors) >= 2:
        # A comparison needs each side: the best sentence about each named actor.
        for actor in actors[:limit]:
            if any(is_subject(s.chunk, s.sentence, actor) for s in chosen):
                continue
            # Best a sentence whose subject it is ("Local authorities draw ..."), not one that
            # only mentions it ("The ESFA does not regulate local authority schools").
            best = next((s for s in scored if is_subject(s.chunk, s.sentence, actor)), None)
            best = best or next(
                (s for s in scored if about_actor(s.chunk, s.sentence, (actor,))), None
            )
            if best is not None:
                chosen.append(best)
    chosen = _without_repeats(chosen)[:limit]
    cutoff = scored[0].score * RELATIVE_CUTOFF
    for candidate in scored[1:]:
        if len(chosen) >= limit or candidate.score < cutoff:
            break
        if candidate not in chosen and not _repeats(candidate, chosen):
            chosen.append(candidate)
    return chosen[:1] + [s for s in chosen[1:] if _gives_what_is_asked(s, query)]


def _gives_what_is_asked(candidate: ScoredSentence, query: Query) -> bool:
    """Whether a runner-up may join an answer: to a question asking for a figure, a sum, a time
    or how often, only a sentence that gives one (a sentence beside the 3.5 m² per child that
    gives no figure is padding, however close its words)."""
    if query.answer_type not in REQUIRED:
        return True
    return satisfies(candidate.sentence.text, query.answer_type, query.given_numbers, query.counted)


def _words(item: ScoredSentence) -> set[str]:
    return set(tokenize(item.sentence.text))


def _repeats(candidate: ScoredSentence, chosen: Sequence[ScoredSentence]) -> bool:
    """Whether the candidate says what a chosen sentence already says, near word for word (a
    pull quote, a summary that restates)."""
    words = _words(candidate)
    for other in chosen:
        theirs = _words(other)
        union = words | theirs
        if union and len(words & theirs) / len(union) >= REPEAT_JACCARD:
            return True
    return False


def _without_repeats(items: Sequence[ScoredSentence]) -> list[ScoredSentence]:
    kept: list[ScoredSentence] = []
    for item in items:
        if not _repeats(item, kept):
            kept.append(item)
    return kept


def _open_quotes(text: str) -> int:
    """Quotation marks opened and not closed in `text` (curly quotes only: a straight ' is
    as often an apostrophe)."""
    return text.count("“") - text.count("”") + text.count("‘") - len(re.findall(r"’(?!\w)", text))


def _with_context(chunk: Chunk, sentence: Sentence) -> list[Sentence]:
    """The sentence plus what it cannot be read without.

    - one opening with "It"/"They" brings its predecessor, which names the subject;
    - one that introduces a list ("the remit is three-fold:"), or is followed by such an
      introduction, brings the list's items;
    - one followed by its own elaboration ("This includes ...", "This must be done within 14
      days") or, being very short ("The intervention space is clearly crowded."), by its
      explanation, brings that sentence;
    - one that opens a quotation brings the rest of the quotation.
    """
    sentences = chunk.sentences
    index = sentences.index(sentence)
    run = [sentence]
    if index > 0 and _PRONOUN_START.match(sentence.text):
        run.insert(0, sentences[index - 1])
    elif (lead := chunk.lead_in(sentence)) is not None:
        # A list item comes with its lead-in ("For children aged two:"): with the items
        # between them when they are few, so that the quote stays one stretch of the file;
        # else the lead-in alone, quoted apart (compose cites each stretch), so the item asked
        # about is not buried at the end of a long list.
        between = sentences[sentences.index(lead) : index]
        run[:0] = between if sum(len(s.text.split()) for s in between) <= LEAD_IN_GAP else [lead]
    position = index + 1

    def next_in_paragraph() -> Sentence | None:
        if position < len(sentences) and sentences[position].paragraph == sentence.paragraph:
            return sentences[position]
        return None

    following = next_in_paragraph()
    if following is not None and (
        _ELABORATION.match(following.text)
        or _POINTS_BACK.match(following.text)
        or len(sentence.text.split()) <= SHORT_SENTENCE_WORDS
        or introduces_list(following.text)
        or _open_quotes(sentence.text) > 0
    ):
        run.append(following)
        position += 1
    quote_depth = _open_quotes(" ".join(s.text for s in run))
    while quote_depth > 0 and position < len(sentences) and len(run) < MAX_QUOTE_SENTENCES:
        run.append(sentences[position])
        quote_depth += _open_quotes(sentences[position].text)
        position += 1
    if introduces_list(run[-1].text):
        # The list's items follow; prose after a colon is one sentence that completes it.
        introduction = run[-1]
        words = 0
        while position < len(sentences):
            item = sentences[position]
            is_item = item.list_item and item.paragraph - introduction.paragraph <= LIST_ITEMS
            if (not is_item and run[-1] is not introduction) or words >= LIST_WORDS:
                break
            run.append(item)
            words += len(item.text.split())
            position += 1
    return run


def list_continuation(
    chunk: Chunk, run: Sequence[Sentence], following: Chunk | None
) -> list[Sentence]:
    """The clauses of a lettered or numbered list that `run` quotes, from its lead-in, to the
    end of its passage, and that go on at the start of the next passage of the same section (a
    long list is split between passages: "A person ceases to be a director as soon as— (a) ...
    (e)" | "(f) ... resigning"): as many as LIST_WORDS allows, at least one. Only a label that
    follows the last one quoted ("(e)" then "(f)") says the list goes on, or, when the passage
    ends with the lead-in itself, a list that starts the next one, or when it ends with a
    bulleted item, the bulleted items the next one opens with."""
    if (
        following is None
        or following.doc_id != chunk.doc_id
        or following.section != chunk.section
        or run[-1] is not chunk.sentences[-1]
        or not any(introduces_list(sentence.text) for sentence in run)
    ):
        return []
    # A list whose lead-in ends the passage starts in the next one, bulleted or not; a bulleted
    # list quoted to the passage's end goes on with the bullets that open the next one
    # ("Safeguarding policies must include:" and one item here, four more there).
    bulleted = (introduces_list(run[-1].text) or run[-1].list_item) and not _CLAUSE_LABEL.match(
        run[-1].text
    )
    items: list[Sentence] = []
    words = 0
    last = run[-1]
    for sentence in following.sentences:
        if _CLAUSE_LABEL.match(sentence.text):
            goes_on = follows(last.text, sentence.text)
        else:
            goes_on = bulleted and sentence.list_item
        if not goes_on or (items and words >= LIST_WORDS):
            break
        items.append(sentence)
        words += len(sentence.text.split())
        last = sentence
    return items


_CLAUSE_LABEL = re.compile(r"\(?([a-z]|[ivx]{1,5}|\d{1,2})[).]\s")
_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii")


def follows(earlier: str, later: str) -> bool:
    """Whether `later` opens with the clause label after the one `earlier` opens with: "(b)"
    after "(a)", "(iv)" after "(iii)", "3." after "2."; or with the first label after a
    sentence that introduces a list."""
    first, second = _CLAUSE_LABEL.match(earlier), _CLAUSE_LABEL.match(later)
    if second is None:
        return False
    if first is None:  # the lead-in itself: the list starts ("the chairman must—" | "(a) ...")
        return introduces_list(earlier) and second.group(1) in ("a", "i", "1")
    a, b = first.group(1), second.group(1)
    if a.isdigit() and b.isdigit():
        return int(b) == int(a) + 1
    if a in _ROMAN and b in _ROMAN and _ROMAN.index(b) == _ROMAN.index(a) + 1:
        return True  # "(i)" then "(ii)"; "(h)" then "(i)" is read as letters below
    return len(a) == 1 and len(b) == 1 and ord(b) == ord(a) + 1


def _stretches(chunk: Chunk, sentences: list[Sentence]) -> list[list[Sentence]]:
    """`sentences` (in order) cut where they skip some of the passage's: each stretch is one
    quote of the file (a lead-in, then a list item well below it)."""
    stretches: list[list[Sentence]] = []
    previous = -2
    for sentence in sentences:
        position = chunk.sentences.index(sentence)
        if position != previous + 1:
            stretches.append([])
        stretches[-1].append(sentence)
        previous = position
    return stretches


def _run_text(chunk: Chunk, run: Sequence[Sentence]) -> str:
    """A cited run as the answer says it: its sentences, after what they need to be read."""
    text = " ".join(s.text for s in run)
    if chunk.tags.actor and _PRONOUN_START.match(run[0].text):
        return f"{chunk.tags.actor}: {text}"  # "They make decisions ..." under RSCs
    first = run[0]
    if (
        first.list_item
        and not first.text.rstrip(CLOSERS).endswith((".", "!", "?"))
        and chunk.lead_in(first) is None
        and chunk.section
    ):
        # An item that is no sentence, in a list under a heading and no lead-in ("For
        # information only (will not be discussed unless board members want to)" over "Sixth
        # Form destinations"): the heading says what the items are, as a lead-in would.
        return f"{chunk.section[-1]}: {text}"
    return text


def compose(
    chosen: Sequence[ScoredSentence],
    next_passage: Callable[[Chunk], Chunk | None] = lambda chunk: None,
) -> tuple[str, tuple[AnswerSentence, ...], tuple[Citation, ...]]:
    """Answer text with `[n]` after each cited run of sentences, and the citations.

    Adjacent sentences of one passage share a citation whose quote spans them, taken from the
    original file's characters so that `quote == file_text[start:end]`. A list that goes on in
    the next passage (`next_passage`) is quoted on, the rest under a citation of its own.
    """
    # Group sentences into contiguous runs per chunk, in the order the chunks were chosen.
    runs: list[tuple[Chunk, list[Sentence]]] = []
    stretches = [
        (item.chunk, stretch)
        for item in chosen
        for stretch in _stretches(item.chunk, _with_context(item.chunk, item.sentence))
    ]
    for item_chunk, sentences in stretches:
        for chunk, run in runs:
            if chunk.id != item_chunk.id:
                continue
            positions = [chunk.sentences.index(s) for s in run]
            new_positions = [chunk.sentences.index(s) for s in sentences]
            if (
                min(new_positions) <= max(positions) + 1
                and max(new_positions) >= min(positions) - 1
            ):
                merged = sorted(set(positions) | set(new_positions))
                if merged == list(range(merged[0], merged[-1] + 1)):
                    run[:] = [chunk.sentences[p] for p in merged]
                    break
        else:
            runs.append((item_chunk, sentences))
    # A list's rest comes before the last runner-up: the answer keeps its number of citations.
    cited = len(runs)
    continued: set[int] = set()
    for position in range(len(runs) - 1, -1, -1):
        chunk, run = runs[position]
        following = next_passage(chunk)
        items = list_continuation(chunk, run, following)
        if following is not None and items and all(c.id != following.id for c, _ in runs):
            runs.insert(position + 1, (following, items))
            continued.add(id(items))
    while len(runs) > cited and id(runs[-1][1]) not in continued:
        runs.pop()
    return _written(runs)


def _written(
    runs: Sequence[tuple[Chunk, list[Sentence]]],
) -> tuple[str, tuple[AnswerSentence, ...], tuple[Citation, ...]]:
    """The answer text, its sentences and its citations, one citation per run."""
    parts: list[str] = []
    answer_sentences: list[AnswerSentence] = []
    citations: list[Citation] = []
    waiting: list[str] = []  # markers of a lead-in, which its item completes
    for n, (chunk, run) in enumerate(runs, start=1):
        text = _run_text(chunk, run)
        if n < len(runs) and runs[n][0].id == chunk.id and introduces_list(text):
            # "... workload: [1] we ensure ..." breaks the sentence the two make together; the
            # gap between them (items left out) is marked, and both markers follow the item.
            parts.append(f"{text} …")
            waiting.append(f"[{n}]")
        else:
            parts.append(" ".join([text, *waiting, f"[{n}]"]))
            waiting = []
        answer_sentences.extend(AnswerSentence(s.text, n) for s in run)
        citations.append(Citation.of(chunk, run, n))
    return " ".join(parts), tuple(answer_sentences), tuple(citations)
