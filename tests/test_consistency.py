"""Per-item consistency, and the runner's sets and splits, on tiny inline inputs."""

from collections.abc import Iterator, Sequence

from app.gold import GoldItem
from engine.answers import Answer, Citation
from evals.consistency import (
    VariantOutcome,
    by_item,
    by_kind,
    by_split,
    consistency,
    shares_a_passage,
)
from evals.runner import run
from index.types import Filters


def test_a_rewording_is_consistent_when_it_cites_a_passage_the_original_cites() -> None:
    assert shares_a_passage(["A", "B"], ["C", "B"])
    assert not shares_a_passage(["A"], ["C"])
    assert not shares_a_passage([], ["A"])  # the original cited nothing (abstained)
    assert not shares_a_passage(["A"], [])  # the rewording abstained


OUTCOMES = [
    VariantOutcome("q1", "typo", "dev", True),
    VariantOutcome("q1", "casual", "dev", False),
    VariantOutcome("q1", "verb", "dev", False),
    VariantOutcome("q1", "governor", "dev", False),
    VariantOutcome("q2", "typo", "test", True),
    VariantOutcome("q2", "casual", "test", True),
]


def test_consistency_is_the_mean_over_originals_per_split_and_kind() -> None:
    assert by_item(OUTCOMES) == {"q1": 0.25, "q2": 1.0}
    # Each original weighs the same: (0.25 + 1) / 2, not 3 of 6 rewordings.
    assert consistency(OUTCOMES) == 0.625
    assert by_split(OUTCOMES) == {"all": 0.625, "dev": 0.25, "test": 1.0}
    assert by_kind(OUTCOMES) == {"casual": 0.5, "governor": 0.0, "typo": 1.0, "verb": 0.0}
    assert consistency([]) is None and by_split([])["test"] is None


def _citation(text: str) -> Citation:
    return Citation(1, "doc", "Title", "A > B", None, text, text, 0, len(text), (0, len(text)))


PASSAGES = {"inspect": "Ofsted inspects schools.", "parliament": "Ofsted answers to MPs."}


class ByKeyword:
    """Cites the passage named by the first keyword found in the question; abstains otherwise."""

    name = "by-keyword"
    waiting = "Answering ..."

    def answer(
        self, question: str, history: Sequence[str] = (), filters: Filters = Filters()
    ) -> Answer:
        for word, passage in PASSAGES.items():
            if word in question.lower():
                return Answer(question, passage, False, (_citation(passage),), latency_ms=1.0)
        return Answer(question, "", True, latency_ms=1.0)

    def stream(
        self, question: str, history: Sequence[str] = (), filters: Filters = Filters()
    ) -> Iterator[str | Answer]:
        yield self.answer(question, history, filters)


def _item(item_id: str, question: str, split: str, variant_of: str | None = None) -> GoldItem:
    return GoldItem(
        id=item_id,
        question=question,
        split=split,
        sources=[["Ofsted inspects schools."]],
        must_include=[["inspects"]],
        variant_of=variant_of,
        kind=item_id.rsplit("-", 1)[-1] if variant_of else None,
    )


def test_the_runner_reports_each_set_by_split_with_consistency() -> None:
    items = [
        _item("q1", "Who may inspect schools?", "test"),
        _item("q2", "Who inspects?", "dev"),
        _item("q1-typo", "Who may inspct schools?", "test", "q1"),  # abstains
        _item("q1-casual", "who does inspections", "test", "q1"),
        _item("q2-verb", "Who answers to parliament?", "dev", "q2"),  # another passage
    ]
    outcome = run(items, ByKeyword(), "fake", "evals/gold.yaml", variants_path="rw/gold_x.yaml")
    metrics = outcome.metrics()
    assert metrics["overall"]["items"] == 2  # the gold file's own items only
    assert list(metrics["sets"]) == ["gold", "gold_x"]
    gold, variants = metrics["sets"]["gold"], metrics["sets"]["gold_x"]
    assert [gold[s]["items"] for s in ("all", "dev", "test")] == [2, 1, 1]
    assert gold["test"]["citation_recall"] == 1.0
    assert [variants[s]["items"] for s in ("all", "dev", "test")] == [3, 1, 2]
    assert variants["test"]["citation_recall"] == 0.5  # the typo abstained
    assert variants["dev"]["citation_recall"] == 0.0
    assert variants["consistency_by_item"] == {"q1": 0.5, "q2": 0.0}
    assert (variants["test"]["consistency"], variants["dev"]["consistency"]) == (0.5, 0.0)
    assert variants["all"]["consistency"] == 0.25
    assert variants["by_kind"]["casual"]["consistency"] == 1.0
    assert variants["by_kind"]["typo"]["false_abstention_rate"] == 1.0
    assert "peer" not in metrics


def test_a_rewording_file_on_its_own_is_an_ordinary_gold_set() -> None:
    items = [_item("q1-typo", "Who may inspct schools?", "test", "q1")]
    metrics = run(items, ByKeyword(), "fake", "evals/gold_rewordings.yaml").metrics()
    assert list(metrics["sets"]) == ["gold_rewordings"]
    assert metrics["sets"]["gold_rewordings"]["test"]["items"] == 1
