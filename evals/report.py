"""report.md: the headline against the peer, per-category tables, a chart, every failing item."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evals.matching import group_matched
from evals.runner import EvalRun, ItemResult

HEADLINE = (
    "hit@5",
    "hit@4",
    "recall@5",
    "mrr",
    "ndcg@5",
    "citation_recall",
    "citation_precision",
    "key_fact_recall",
    "abstention_accuracy",
    "false_abstention_rate",
    "latency_p50_ms",
    "latency_p95_ms",
)
CATEGORY_COLUMNS = (
    "items",
    "hit@5",
    "citation_recall",
    "citation_precision",
    "key_fact_recall",
    "abstention_accuracy",
    "false_abstention_rate",
)
CHART_METRICS = ("hit@5", "citation_recall", "key_fact_recall", "abstention_accuracy")
CHART_FILE = "metrics_by_category.png"


def _cell(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3f}" if value <= 1.0 else f"{value:.1f}"
    return str(value)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def draw_chart(by_category: dict[str, dict[str, Any]], path: Path) -> None:
    """Grouped bars: the main metrics for each category."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    categories = list(by_category)
    width = 0.8 / len(CHART_METRICS)
    figure, axes = plt.subplots(figsize=(max(8, len(categories) * 1.2), 4.5))
    for i, metric in enumerate(CHART_METRICS):
        values = [by_category[c].get(metric) or 0.0 for c in categories]
        positions = [x + (i - (len(CHART_METRICS) - 1) / 2) * width for x in range(len(categories))]
        axes.bar(positions, values, width, label=metric)
    axes.set_xticks(range(len(categories)))
    axes.set_xticklabels(categories, rotation=30, ha="right")
    axes.set_ylim(0, 1.05)
    axes.set_ylabel("score")
    axes.set_title("Metrics by question category (n/a drawn as 0)")
    axes.legend(loc="lower left", fontsize="small")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _failure(result: ItemResult) -> list[str]:
    item, answer, score = result.item, result.answer, result.score
    lines = [f"### {item.id} ({item.category})", "", f"**Question:** {item.question}"]
    if item.history:
        lines.append(f"**Earlier turns:** {' / '.join(item.history)}")
    lines.append(f"**Answer:** {answer.text}")
    if not item.answerable:
        lines.append("**Missing:** an abstention (the documents do not answer this).")
    else:
        missing_facts = [g for g in item.must_include if not group_matched(answer.text, g)]
        cited = [c.text for c in answer.citations]
        missing_sources = [g for g in item.sources if not any(group_matched(p, g) for p in cited)]
        if answer.abstained:
            lines.append("**Missing:** an answer (it abstained on an answerable question).")
        if missing_facts:
            lines.append(
                "**Missing key facts:** " + "; ".join(" or ".join(g) for g in missing_facts)
            )
        if missing_sources:
            lines.append(
                "**Sources not cited:** " + "; ".join(" or ".join(g) for g in missing_sources)
            )
        lines.append(f"**Retrieved the source within 5:** {_cell(score.hit)}")
    cited_sections = [f"[{c.n}] {c.section}" for c in answer.citations]
    lines.append("**Cited:** " + ("; ".join(cited_sections) if cited_sections else "nothing"))
    if item.reference:
        lines.append(f"**Reference answer:** {item.reference}")
    return [*lines, ""]


def write_report(outcome: EvalRun, out: Path) -> Path:
    """Write report.md (and its chart) into `out`; return the report's path."""
    metrics = outcome.metrics()
    overall = metrics["overall"]
    peer = metrics.get("peer")
    draw_chart(metrics["by_category"], out / CHART_FILE)

    lines = [
        "# Evaluation report",
        "",
        f"Gold set: `{outcome.gold_path}` ({overall['items']} items). "
        f"Answerer: **{outcome.answerer}**. Generated {metrics['generated_at']}.",
        "",
        "## Headline",
        "",
    ]
    header = ["metric", f"govassist ({outcome.answerer})"]
    if peer:
        header.append("LangChain tutorial RAG")
    rows = []
    for name in HEADLINE:
        row = [name, _cell(overall.get(name))]
        if peer:
            row.append(_cell(peer["overall"].get(name)))
        rows.append(row)
    lines += _table(header, rows)
    if peer:
        lines += [
            "",
            f"The peer is {peer['name']}, run on the same items in the same process; it indexed "
            f"the corpus in {peer['index_seconds']} s. It retrieves four passages and composes no "
            "answer without an LLM, so its passages stand as its citations, key-fact recall does "
            "not apply, and it never abstains. hit@4 compares both at the peer's own depth.",
        ]
    lines += ["", "## By category", ""]
    rows = [
        [category, *(_cell(values.get(c)) for c in CATEGORY_COLUMNS)]
        for category, values in metrics["by_category"].items()
    ]
    lines += _table(["category", *CATEGORY_COLUMNS], rows)
    if peer:
        lines += ["", "Peer, by category:", ""]
        rows = [
            [category, *(_cell(values.get(c)) for c in CATEGORY_COLUMNS)]
            for category, values in peer["by_category"].items()
        ]
        lines += _table(["category", *CATEGORY_COLUMNS], rows)
    lines += ["", f"![Metrics by category]({CHART_FILE})", ""]

    failures = [r for r in outcome.results if r.score.failed]
    lines += [f"## Failing items ({len(failures)})", ""]
    if not failures:
        lines.append("None.")
    for result in failures:
        lines += _failure(result)
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
