"""The Markdown export renders questions, answers and document text as text: no HTML, no
links, no images, whatever they contain."""

from __future__ import annotations

from markdown_it import MarkdownIt

from app.export import to_markdown
from engine.answers import Answer, Citation

QUESTION = "Who <script>alert('q')</script> decides?\n# Not a heading [x](javascript:alert(1))"
QUOTE = "Boards decide. <iframe src=javascript:alert('quote')></iframe>"
TEXT = f"Intro.\n\n{QUOTE}\n\n![pixel](https://evil.example/p.png) <https://evil.example>"


def _turns() -> list[tuple[str, Answer]]:
    citation = Citation(
        n=1, doc_id="doc`<b>x</b>", title="Title <img src=x onerror=alert(1)>",
        section="A > [link](javascript:alert(2))", page=None, text=TEXT, quote=QUOTE,
        start=0, end=len(QUOTE), highlight=(8, 8 + len(QUOTE)),
    )  # fmt: skip
    answer = Answer(question=QUESTION, text=f"{QUOTE} [1]", abstained=False, citations=(citation,))
    return [(QUESTION, answer)]


def test_markdown_export_renders_no_html_links_or_images() -> None:
    markdown = to_markdown(_turns())
    rendered = MarkdownIt("commonmark").render(markdown)  # raw HTML allowed, as on GitHub
    for unsafe in ("<script", "<iframe", "<img", "<a ", "<b>", 'javascript:alert(1)"'):
        assert unsafe not in rendered, unsafe
    # The words are all still there, as text.
    assert "&lt;script&gt;alert('q')&lt;/script&gt;" in rendered
    assert "&lt;iframe src=javascript:alert('quote')&gt;" in rendered
    assert "[x](javascript:alert(1))" in rendered
    assert "![pixel](https://evil.example/p.png)" in rendered
    # The question stays one heading; its second line is not a heading of its own.
    assert rendered.count("<h2>") == 1 and "<h1>" in rendered and rendered.count("<h1>") == 1


def test_md_leaves_ordinary_sentences_readable() -> None:
    from app.export import md

    assert md("Ofsted draws its authority from Parliament.") == (
        "Ofsted draws its authority from Parliament."
    )
    assert md("1. first\n- second") == "1\\. first\n\\- second"
    assert md("&lt;b&gt; & co") == "&amp;lt;b&amp;gt; & co"


def test_heading_paths_and_citation_markers_read_as_written_in_a_text_editor() -> None:
    section = "The intervention space > RSCs > Accountability"
    citation = Citation(
        n=1, doc_id="cst", title="Where next", section=section, page=None, text=QUOTE,
        quote=QUOTE, start=0, end=len(QUOTE), highlight=(0, len(QUOTE)),
    )  # fmt: skip
    answer = Answer(question="Who?", text="RSCs answer to the Secretary of State. [1]",
                    abstained=False, citations=(citation,))  # fmt: skip
    markdown = to_markdown([("Who?", answer)])
    assert "RSCs answer to the Secretary of State. [1]" in markdown
    assert f"**[1] Where next** — {section} (document cst" in markdown
    assert "&gt;" not in markdown and "\\[1\\]" not in markdown
    rendered = MarkdownIt("commonmark").render(markdown)
    assert f"<strong>[1] Where next</strong> — {section.replace('>', '&gt;')}" in rendered
    assert "<a " not in rendered


def test_numbers_in_brackets_that_could_be_links_keep_their_escapes() -> None:
    from app.export import md

    assert md("[1]: https://evil.example") == "\\[1\\]: https://evil.example"  # a definition
    assert md("[2](https://evil.example) [3][x]") == "\\[2\\](https://evil.example) \\[3\\]\\[x\\]"
    assert md("> not a quote\nsee [4], [5].") == "\\> not a quote\nsee [4], [5]."
    text = "[1]\n\n[1]: https://evil.example\n\n![1] [1][1] [1](https://evil.example)"
    rendered = MarkdownIt("commonmark").render(md(text))
    assert "<a " not in rendered and "<img" not in rendered and "<blockquote" not in rendered


def test_a_download_is_named_by_its_day_and_first_question() -> None:
    import re

    from app.export import file_name

    answer = _turns()[0][1]
    turns = [("Who holds Ofsted to account? <script>/../", answer), ("And RSCs?", answer)]
    name = file_name(turns, "md")
    assert re.fullmatch(r"govassist-\d{4}-\d{2}-\d{2}-who-holds-ofsted-to-account-script\.md", name)
    empty = file_name([], "html")
    assert empty.startswith("govassist-") and empty.endswith(".html")
