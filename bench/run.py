"""`govassist bench`: answer speed (warm and on first sight), ingest cost, a 200-page PDF,
scaling, start-up, a full room, and the peer, measured in one run on this machine. Numbers are
medians of repeats; nothing here is a test.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.gold import load_gold
from app.resources import build_index, load_assistant
from app.settings import Settings
from engine.assistant import Assistant
from engine.extractive import compose, score_sentences, select
from evals.metrics import percentile
from evals.peer import TutorialRag
from index.embedder import PACKAGED_MODEL, Embedder, load_embedder
from index.lexical import tokenize
from index.search import CANDIDATES_PER_RANKING, RANKING_WEIGHTS, reciprocal_rank_fusion
from index.sentence_vectors import sentence_items
from index.types import Filters
from ingest.governance import _actor_mentions, addresses_a_model

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 5
ROOM = 30
DEVDOCS = ROOT / "evals" / "devdocs"
PDF_PAGES = 200


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def _timed(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def synthetic_corpus(source: Path, target: Path, scale: int, seed: int = 7) -> Path:
    """`scale` copies of each corpus file with new names and shuffled sections."""
    target.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    for path in sorted(source.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        parts = text.split("\n## ")
        for copy in range(scale):
            head, sections = parts[0], parts[1:]
            rng.shuffle(sections)
            body = "\n## ".join([head, *sections])
            (target / f"{path.stem}-copy{copy:03d}.md").write_text(body, encoding="utf-8")
    return target


def encode_floor(texts: list[str], model: str = PACKAGED_MODEL) -> float:
    """Seconds the model takes to encode the texts, and nothing else (loaded beforehand):
    sentence-transformers by default, the floor the ingest target is set against."""
    embedder = load_embedder(model)
    embedder.embed(["warm up"])
    seconds, _ = _timed(lambda: embedder.embed(texts))
    return seconds


def timed_ingest(corpus: Path, data: Path) -> float:
    settings = Settings(data_dir=data, corpus_dir=corpus)
    seconds, _ = _timed(lambda: build_index(settings))
    return seconds


def cold_latencies(data: Path, questions: list[str]) -> tuple[list[float], float]:
    """Milliseconds per question on first sight: a newly loaded assistant (no question vector
    and no sentence vector computed yet, no background warm-up) answers each question once.
    Also the sentence vectors it had to compute per question (0 when every one was stored at
    ingest)."""
    # What a process remembers of texts it has read (each sentence's words and the actors it
    # names) goes too, as in a new process.
    for remembered in (tokenize, _actor_mentions, addresses_a_model):
        remembered.cache_clear()
    assistant = load_assistant(Settings(data_dir=data))
    latencies = answer_latencies(assistant, questions)
    return latencies, round(assistant.sentence_embeddings.computed / len(questions), 2)


# Runs the ingest as its own child and prints the largest peak memory of that process tree
# (kB). Measured from a small parent: a child forked by the bench itself would report the
# bench's own memory, which Linux counts in a child's peak until it execs.
_PEAK_RSS = (
    "import resource, subprocess, sys; "
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
    "sys.exit(done.returncode)"
)


def pdf_ingest(pdf: Path, data: Path) -> tuple[float, float]:
    """Seconds and peak memory (MB) of a new `govassist ingest` process reading one PDF: model
    loading, parsing (the child process's memory is counted apart) and every vector."""
    folder = data.parent / f"{data.name}-docs"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(pdf, folder / pdf.name)
    env = {**os.environ, "GOVASSIST_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1"}
    ingest = [sys.executable, "-m", "app.cli", "ingest", str(folder)]
    seconds, done = _timed(
        lambda: subprocess.run(
            [sys.executable, "-c", _PEAK_RSS, *ingest], env=env, cwd=ROOT, capture_output=True
        )
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode()[-500:])
    return seconds, int(done.stdout.decode().split()[-1]) / 1024


def ingest_stages(corpus: Path, data: Path) -> dict[str, float]:
    """Seconds per stage of one ingest: parse, chunk, embed, write, duties (the register)."""
    report = build_index(Settings(data_dir=data, corpus_dir=corpus))
    return {stage: round(seconds, 3) for stage, seconds in report.seconds.items()}


def query_stages(assistant: Assistant, questions: list[str]) -> dict[str, float]:
    """Median milliseconds per stage of answering, over the questions."""
    index = assistant.index
    names = ("embed", "dense", "lexical", "fusion", "compose")
    stages: dict[str, list[float]] = {name: [] for name in names}
    clock = time.perf_counter
    for question in questions:
        query = assistant.read(question)
        preference = query.preference
        t0 = clock()
        vector = index.embed_query(query.search_text)
        t1 = clock()
        dense = [i for i, _ in index.dense_search(vector, 30, Filters())]
        t2 = clock()
        lexical = [i for i, _ in index.lexical.search_tokens(query.search_tokens, 30, Filters())]
        t3 = clock()
        rankings = {"dense": dense, "lexical": lexical}
        tie_break = dense + lexical
        if structure := index.structure.rank(
            preference, tie_break, Filters(), CANDIDATES_PER_RANKING
        ):
            rankings["structure"] = structure
        reciprocal_rank_fusion(rankings, RANKING_WEIGHTS)
        t4 = clock()
        hits = index.search(
            query.search_text, assistant.top_k, Filters(), preference, vector, query.search_tokens
        )
        t5 = clock()
        embeddings = assistant.sentence_embeddings
        terms = index.terms(query.tokens)
        scored = score_sentences(
            query, vector, hits, embeddings, terms, index.vocabulary, cover=index.cover
        )
        if scored:
            compose(select(scored, query, assistant.max_citations))
        t6 = clock()
        for name, seconds in zip(names, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t6 - t5), strict=True):
            stages[name].append(seconds)
    return {name: round(statistics.median(v) * 1000, 2) for name, v in stages.items()}


def answer_latencies(assistant: Assistant, questions: list[str]) -> list[float]:
    return [assistant.answer(q).latency_ms for q in questions]


def room(assistant: Assistant, questions: list[str]) -> float:
    """p95 milliseconds when ROOM people ask at the same moment (threads, as Streamlit)."""
    barrier = threading.Barrier(ROOM)
    times: list[float] = []
    lock = threading.Lock()

    def ask(question: str) -> None:
        barrier.wait()
        started = time.perf_counter()
        assistant.answer(question)
        with lock:
            times.append((time.perf_counter() - started) * 1000)

    threads = [
        threading.Thread(target=ask, args=(questions[i % len(questions)],)) for i in range(ROOM)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return percentile(times, 95)


def startup(data: Path) -> float:
    """Seconds from a new `govassist ask` process to its answer."""
    env = {**os.environ, "GOVASSIST_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "app.cli", "ask", "Who holds the power to inspect schools?"]
    seconds, result = _timed(
        lambda: subprocess.run(command, env=env, capture_output=True, cwd=ROOT)
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr.decode()[-500:])
    return seconds


@dataclass
class _Bench:
    """What the steps of one bench run share, and the numbers they write (in report order)."""

    work: Path  # a scratch folder, removed at the end
    corpus: Path
    questions: list[str]  # the gold questions
    embedder: Embedder  # loaded and warmed once, outside every timing
    repeats: int
    results: dict[str, Any]
    pdf_pages: int = PDF_PAGES
    ingest_1x: list[float] = field(default_factory=list)  # seconds of each ingest of corpus/
    assistant: Assistant | None = None  # over corpus/, warm

    @property
    def warm(self) -> Assistant:
        assert self.assistant is not None, "the queries at 1x are measured first"
        return self.assistant


def run(
    scale: int = 100,
    say: Callable[[str], None] = print,
    repeats: int = REPEATS,
    pdf_pages: int = PDF_PAGES,
) -> dict[str, Any]:
    began = time.perf_counter()

    def log(message: str) -> None:  # each step with the minutes so far
        say(f"[{(time.perf_counter() - began) / 60:4.1f} min] {message}")

    corpus = ROOT / "corpus"
    questions = [item.question for item in load_gold(ROOT / "evals" / "gold.yaml")]
    embedder = load_embedder()
    embedder.embed(["warm up"])  # load the model once, outside every timing
    work = Path(tempfile.mkdtemp(prefix="govassist-bench-"))
    results: dict[str, Any] = {"cores": os.cpu_count(), "scale": scale}
    bench = _Bench(work, corpus, questions, embedder, repeats, results, pdf_pages)
    try:
        log("ingest at 1x and the encoding floor (repeats, taken in turn)")
        _ingest_at_1x(bench)
        log("queries at 1x, on first sight and warm")
        _queries_at_1x(bench)
        log("the dev-docs library on first sight")
        _devdocs(bench)
        log(f"a {pdf_pages}-page PDF in a new ingest process")
        _big_pdf(bench)
        log("start-up of a new process")
        results["startup_first_answer_s"] = _median(
            [startup(work / "data-1x-0") for _ in range(repeats)]
        )
        log("the LangChain tutorial RAG")
        _peer(bench)
        for factor in sorted({10, scale}):
            log(f"ingest and queries at {factor}x")
            _at_scale(bench, factor, queries=factor == scale)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["bench_seconds"] = round(time.perf_counter() - began, 1)
    return results


def _ingest_at_1x(bench: _Bench) -> None:
    """Ingest of corpus/ against the encoding floors, and where an ingest's time goes."""
    corpus, work, results = bench.corpus, bench.work, bench.results
    bench.ingest_1x.append(timed_ingest(corpus, work / "data-1x-0"))
    chunks = list(load_assistant(Settings(data_dir=work / "data-1x-0")).index.chunks.values())
    # What an ingest encodes: each passage, and each distinct sentence in its section.
    chunk_texts = [c.embedding_text for c in chunks]
    texts = chunk_texts + list(dict.fromkeys(text for _, text in sentence_items(chunks)))
    # One ingest, then each floor, then the next ingest: a slow minute of the machine
    # falls on both sides of the ratio instead of on one.
    floor, own_floor, chunk_floor = [], [], []
    for r in range(bench.repeats):
        if r:
            bench.ingest_1x.append(timed_ingest(corpus, work / f"data-1x-{r}"))
        floor.append(encode_floor(texts))
        own_floor.append(encode_floor(texts, bench.embedder.name))
        chunk_floor.append(encode_floor(chunk_texts, bench.embedder.name))
    ingest_1x = _median(bench.ingest_1x)
    results["ingest_seconds_1x"] = ingest_1x
    # What storing sentence vectors costs: the ingest over encoding the passages alone.
    results["ingest_over_passage_encode"] = round(ingest_1x / _median(chunk_floor), 3)
    results["encode_floor_seconds_1x"] = _median(floor)
    results["ingest_embed_overhead"] = round(ingest_1x / _median(floor), 3)
    # The same ratio against the encoder the index really uses (the int8 ONNX export by
    # default), so a faster encoder cannot hide slow parsing or writing.
    results["own_encode_floor_seconds_1x"] = _median(own_floor)
    results["ingest_own_encoder_overhead"] = round(ingest_1x / _median(own_floor), 3)
    results["ingest_stages_s"] = ingest_stages(corpus, work / "data-stages")


def _queries_at_1x(bench: _Bench) -> None:
    """Answer times over corpus/ on first sight and warm, by stage, and for a room of 30."""
    data, questions, repeats, results = (
        bench.work / "data-1x-0", bench.questions, bench.repeats, bench.results
    )  # fmt: skip
    # What a process loads once, like the model (the spelling dictionary, Chroma's
    # machinery), is loaded before any timing; first sight is about the question.
    load_assistant(Settings(data_dir=data)).answer("warm up")
    cold_runs = [cold_latencies(data, questions) for _ in range(repeats)]
    results["cold_query_p95_ms"] = _median([percentile(c, 95) for c, _ in cold_runs])
    results["query_cold_p50_ms"] = _median([percentile(c, 50) for c, _ in cold_runs])
    results["cold_sentence_vectors_computed_per_question"] = max(n for _, n in cold_runs)
    assistant = bench.assistant = load_assistant(Settings(data_dir=data))
    answer_latencies(assistant, questions)  # every question seen once: warm from here
    warm = [answer_latencies(assistant, questions) for _ in range(repeats)]
    results["query_p50_ms"] = _median([percentile(w, 50) for w in warm])
    results["query_p95_ms"] = _median([percentile(w, 95) for w in warm])
    results["query_stages_ms"] = query_stages(assistant, questions)
    results["concurrent_30_p95_ms"] = _median([room(assistant, questions) for _ in range(repeats)])


def _devdocs(bench: _Bench) -> None:
    """The dev-docs library's answer times on first sight, and its size."""
    data = bench.work / "data-devdocs"
    timed_ingest(DEVDOCS, data)
    devdocs_questions = [i.question for i in load_gold(ROOT / "evals" / "gold_devdocs.yaml")]
    devdocs_runs = [cold_latencies(data, devdocs_questions) for _ in range(bench.repeats)]
    bench.results["cold_query_p95_ms_devdocs"] = _median(
        [percentile(c, 95) for c, _ in devdocs_runs]
    )
    bench.results["chunks_devdocs"] = len(load_assistant(Settings(data_dir=data)).index.chunks)


def _big_pdf(bench: _Bench) -> None:
    """Time and peak memory of a new ingest process reading a generated PDF (PDF_PAGES pages
    unless the run asks for fewer: the keys name the pages measured)."""
    from bench.make_big_pdf import write as write_pdf  # fpdf2: a development dependency

    work, results, pages = bench.work, bench.results, bench.pdf_pages
    pdf = work / f"report-{pages}-pages.pdf"
    write_pdf(pdf, pages)
    pdf_runs = [pdf_ingest(pdf, work / f"data-pdf-{r}") for r in range(min(bench.repeats, 3))]
    results[f"pdf_{pages}_pages_ingest_s"] = _median([s for s, _ in pdf_runs])
    results["ingest_peak_rss_mb"] = round(max(mb for _, mb in pdf_runs), 1)
    results[f"chunks_pdf_{pages}_pages"] = len(
        load_assistant(Settings(data_dir=work / "data-pdf-0")).index.chunks
    )
    for r in range(len(pdf_runs)):
        shutil.rmtree(work / f"data-pdf-{r}", ignore_errors=True)


def _peer(bench: _Bench) -> None:
    """The LangChain tutorial RAG's indexing and query times, and ours against them."""
    results = bench.results
    peer_index, peer_query = [], []
    for _ in range(bench.repeats):
        peer = TutorialRag([bench.corpus], bench.embedder)
        peer_index.append(peer.index_seconds)
        peer.retrieve("warm up")
        peer_query.append(percentile([peer.retrieve(q).latency_ms for q in bench.questions], 50))
    results["peer_index_seconds"] = _median(peer_index)
    results["peer_query_p50_ms"] = _median(peer_query)
    results["peer_query_ratio"] = round(results["query_p50_ms"] / _median(peer_query), 3)
    results["peer_index_ratio"] = round(_median(bench.ingest_1x) / _median(peer_index), 3)


def _at_scale(bench: _Bench, factor: int, queries: bool) -> None:
    """Ingest of `factor` copies of corpus/; with `queries`, answer times over it too."""
    work, results = bench.work, bench.results
    data = work / f"data-{factor}x"
    source = synthetic_corpus(bench.corpus, work / f"corpus-{factor}x", factor)
    results[f"ingest_seconds_{factor}x"] = round(timed_ingest(source, data), 2)
    shutil.rmtree(source, ignore_errors=True)
    if not queries:
        return
    questions, repeats = bench.questions, bench.repeats
    big_cold = [cold_latencies(data, questions) for _ in range(repeats)]
    results[f"cold_query_p95_ms_{factor}x"] = _median([percentile(c, 95) for c, _ in big_cold])
    big = load_assistant(Settings(data_dir=data))
    answer_latencies(big, questions)  # the same warm-up as at 1x
    # The corpus's p95 is measured again beside the big one, a pass of each in turn, so the
    # ratio compares the two under the same conditions.
    small_p95, big_p95 = [], []
    for _ in range(repeats):
        small_p95.append(percentile(answer_latencies(bench.warm, questions), 95))
        big_p95.append(percentile(answer_latencies(big, questions), 95))
    results[f"query_p95_ms_{factor}x"] = _median(big_p95)
    results["query_p95_ms_1x_beside_scale"] = _median(small_p95)
    results["scale_query_p95_ratio"] = round(_median(big_p95) / _median(small_p95), 3)
    results["chunks_at_scale"] = len(big.index.chunks)
