"""The assistant's wording, kept as text files beside this module (see README.md here).

Read through `importlib.resources`, so an installed wheel finds them as well as a checkout does.
"""

from __future__ import annotations

from importlib.resources import files

from langchain_core.prompts import PromptTemplate


def prompt_text(name: str) -> str:
    """The text of the prompt file `name` ("abstain.txt")."""
    return files(__name__).joinpath(name).read_text(encoding="utf-8")


def prompt_template(name: str) -> PromptTemplate:
    """The prompt file `name` as a LangChain template (`{name}` placeholders)."""
    return PromptTemplate.from_template(prompt_text(name))
