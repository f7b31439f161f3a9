"""The peer we compare against: the LangChain tutorial RAG, built the tutorial's way.

Raw files, `RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)`, the same
embedding model as ours (so the comparison is about everything but the model), a Chroma vector
store and `similarity_search(question, k=4)`. Its four passages stand as its citations; it has
no answer text of its own without an LLM, so key-fact and abstention metrics do not apply.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_text_splitters import RecursiveCharacterTextSplitter

from index.embedder import Embedder
from index.store import ephemeral_client
from ingest.loaders import load
from ingest.sources import discover

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
TOP_K = 4


class EmbedderAdapter(Embeddings):
    """Our embedder behind LangChain's `Embeddings` interface."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._embedder.embed(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._embedder.embed([text])[0].tolist()


@dataclass(frozen=True)
class PeerAnswer:
    passages: tuple[str, ...]
    latency_ms: float


class TutorialRag:
    """Index the corpus once, then retrieve four passages per question."""

    def __init__(self, paths: Sequence[Path], embedder: Embedder) -> None:
        started = time.perf_counter()
        files, _ = discover(list(paths))
        documents = [
            Document(page_content=load(f).text, metadata={"source": f.name}) for f in files
        ]
        splitter = RecursiveCharacterTextSplitter(
            chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP
        )
        self.splits = splitter.split_documents(documents)
        self.store = Chroma.from_documents(
            self.splits,
            EmbedderAdapter(embedder),
            client=ephemeral_client(),
            collection_name=f"peer-{time.monotonic_ns()}",
        )
        self.index_seconds = time.perf_counter() - started

    def retrieve(self, question: str) -> PeerAnswer:
        started = time.perf_counter()
        documents = self.store.similarity_search(question, k=TOP_K)
        return PeerAnswer(
            tuple(d.page_content for d in documents), (time.perf_counter() - started) * 1000
        )
