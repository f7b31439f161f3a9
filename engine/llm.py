"""LangChain glue: the prompt templates in prompts/ and the OpenAI-compatible chat model.

Any server that speaks the OpenAI chat-completions protocol works: a hosted API, vLLM, Ollama,
llama.cpp's server. Timeouts and retries are bounded, so a slow or dead endpoint costs at most
`timeout * (retries + 1)` seconds before the extractive answer is shown instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.prompts import ChatPromptTemplate

from ingest.types import Chunk
from prompts import prompt_text


def _read(name: str) -> str:
    return prompt_text(name).strip()


def answer_prompt(compare: bool = False) -> ChatPromptTemplate:
    """System rules (answer, or compare actors) and the fenced passages with the question."""
    system = _read("compare_system.txt" if compare else "answer_system.txt")
    return ChatPromptTemplate.from_messages(
        [("system", system), ("human", _read("answer_user.txt"))]
    )


def rewrite_prompt() -> ChatPromptTemplate:
    """Turn a follow-up into a standalone question, given the earlier questions."""
    return ChatPromptTemplate.from_messages(
        [("system", _read("rewrite_system.txt")), ("human", _read("rewrite_user.txt"))]
    )


def fence(passages: Sequence[Chunk]) -> str:
    """Number the passages and fence them as data. A fence-like tag inside a passage is
    defused, so a document cannot close its own fence and pose as instructions."""
    blocks = []
    for n, chunk in enumerate(passages, start=1):
        text = chunk.text.replace("<passage", "&lt;passage").replace("</passage", "&lt;/passage")
        source = f"{chunk.title} | {chunk.section_path}".replace('"', "'")
        blocks.append(f'<passage id="{n}" source="{source}">\n{text}\n</passage>')
    return "\n\n".join(blocks)


def answer_messages(question: str, passages: Sequence[Chunk], compare: bool) -> list[BaseMessage]:
    return answer_prompt(compare).format_messages(passages=fence(passages), question=question)


def rewrite_messages(question: str, history: Sequence[str]) -> list[BaseMessage]:
    lines = "\n".join(f"{i}. {turn}" for i, turn in enumerate(history, start=1))
    return rewrite_prompt().format_messages(history=lines, question=question)


def openai_chat_model(
    base_url: str, model: str, api_key: str, timeout_s: float, max_retries: int
) -> BaseChatModel:
    """An OpenAI-compatible chat model through LangChain; temperature 0 for steady answers."""
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        base_url=base_url or None,
        model=model,
        api_key=api_key or "not-needed",  # local servers accept any key  # type: ignore[arg-type]
        timeout=timeout_s,
        max_retries=max_retries,
        temperature=0,
    )
