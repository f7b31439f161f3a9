"""report.md: the headline against the peer, per-category tables, a chart, every failing item."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.gold import group_matched
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
    "refusals_pointing_to_a_source",
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
SPLIT_ORDER = ("test", "dev", "all")
LOW_CONSISTENCY = 0.4  # items listed by name: at most two of five rewordings agree


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


def _split_table(
    metrics: dict[str, Any], name: str, peer: dict[str, Any] | None, answerer: str
) -> list[str]:
    """One set: each metric for test, dev and all, ours beside the peer's."""
    header = ["metric"]
    for split in SPLIT_ORDER:
        header.append(f"{split}: govassist")
        if peer:
            header.append(f"{split}: peer")
    rows = []
    for metric in ("items", *HEADLINE):
        row = [metric]
        for split in SPLIT_ORDER:
            row.append(_cell(metrics["sets"][name][split].get(metric)))
            if peer:
                row.append(_cell(peer["sets"][name][split].get(metric)))
        rows.append(row)
    return [f"govassist: {answerer}. Peer: the LangChain tutorial RAG.", "", *_table(header, rows)]


def _side_by_side(
    metrics: dict[str, Any], names: tuple[str, str], peer: dict[str, Any] | None
) -> list[str]:
    """Originals beside their rewordings, for each split; ours and the peer's."""
    originals, variants = names
    lines: list[str] = []
    for split in SPLIT_ORDER:
        header = ["metric", "govassist: originals", "govassist: rewordings"]
        if peer:
            header += ["peer: originals", "peer: rewordings"]
        rows = []
        for metric in ("items", *HEADLINE, "consistency"):
            row = [metric]
            for source in [metrics, peer] if peer else [metrics]:
                row += [
                    _cell(source["sets"][originals][split].get(metric)),
                    _cell(source["sets"][variants][split].get(metric)),
                ]
            rows.append(row)
        lines += [f"### {split}", "", *_table(header, rows), ""]
    return lines


def _by_kind(metrics: dict[str, Any], variants: str, peer: dict[str, Any] | None) -> list[str]:
    ours = metrics["sets"][variants]["by_kind"]
    theirs = peer["sets"][variants]["by_kind"] if peer else {}
    columns = ("items", "hit@5", "citation_recall", "key_fact_recall", "consistency")
    header = ["kind", *columns]
    if peer:
        header += ["peer: hit@4", "peer: citation_recall", "peer: consistency"]
    rows = []
    for kind, values in ours.items():
        row = [kind, *(_cell(values.get(c)) for c in columns)]
        if peer:
            row += [_cell(theirs[kind].get(c)) for c in ("hit@4", "citation_recall", "consistency")]
        rows.append(row)
    return _table(header, rows)


def _least_consistent(
    outcome: EvalRun, metrics: dict[str, Any], variants: str, peer: dict[str, Any] | None
) -> list[str]:
    ours = metrics["sets"][variants]["consistency_by_item"]
    theirs = peer["sets"][variants]["consistency_by_item"] if peer else {}
    items = {r.item.id: r.item for r in outcome.originals}
    low = sorted((value, key) for key, value in ours.items() if value <= LOW_CONSISTENCY)
    if not low:
        return ["None."]
    header = ["item", "split", "question", "govassist"] + (["peer"] if peer else [])
    rows = []
    for value, key in low:
        row = [key, items[key].split, items[key].question.replace("|", "/"), _cell(value)]
        if peer:
            row.append(_cell(theirs.get(key)))
        rows.append(row)
    return _table(header, rows)


def _missing(result: ItemResult) -> str:
    """What a failing answer lacked, in a few words."""
    answer, item = result.answer, result.item
    if not item.answerable:
        return "an abstention"
    if answer.abstained:
        return "an answer (abstained)"
    cited = [c.text for c in answer.citations]
    facts = [g for g in item.must_include if not group_matched(answer.text, g)]
    sources = [g for g in item.sources if not any(group_matched(p, g) for p in cited)]
    parts = [f"fact: {' or '.join(g)}" for g in facts]
    parts += [f"source: {' or '.join(g)[:60]}" for g in sources]
    return "; ".join(parts)


def _failing_rewordings(outcome: EvalRun) -> list[str]:
    rows = [
        [r.item.id, r.item.split, r.item.question.replace("|", "/"), _missing(r)]
        for r in outcome.variants
        if r.score.failed
    ]
    table = _table(["item", "split", "question", "missing"], rows) if rows else ["None."]
    return [f"## Failing rewordings ({len(rows)})", "", *table]


def write_report(outcome: EvalRun, out: Path) -> Path:
    """Write report.md (and its chart) into `out`; return the report's path."""
    metrics = outcome.metrics()
    draw_chart(metrics["by_category"], out / CHART_FILE)
    lines = [
        *_headline(outcome, metrics),
        *_rewordings(outcome, metrics),
        *_by_category(metrics),
        *_failing(outcome),
    ]
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _headline(outcome: EvalRun, metrics: dict[str, Any]) -> list[str]:
    """The title, what was run, and the headline table of each split against the peer."""
    overall = metrics["overall"]
    peer = metrics.get("peer")
    lines = [
        "# Evaluation report",
        "",
        f"Gold set: `{outcome.gold_path}` ({overall['items']} items). "
        + (
            f"Rewordings: `{outcome.variants_path}` ({len(outcome.variants)} items). "
            if outcome.variants
            else ""
        )
        + f"Answerer: **{outcome.answerer}**. Generated {metrics['generated_at']}.",
        "",
        "## Headline",
        "",
        "The test split is frozen (never tuned on); dev items may be looked at while tuning.",
        "",
        *_split_table(metrics, outcome.names[0], peer, outcome.answerer),
    ]
    if peer:
        lines += [
            "",
            f"The peer is {peer['name']}, run on the same items in the same process; it indexed "
            f"the corpus in {peer['index_seconds']} s. It retrieves four passages and composes no "
            "answer without an LLM, so its passages stand as its citations, key-fact recall does "
            "not apply, and it never abstains. hit@4 compares both at the peer's own depth.",
        ]
    return lines


def _rewordings(outcome: EvalRun, metrics: dict[str, Any]) -> list[str]:
    """Originals beside their rewordings, by kind, and the least consistent items (nothing
    when the run had no rewordings)."""
    if not outcome.variants:
        return []
    names, peer = outcome.names, metrics.get("peer")
    return [
        "",
        "## Originals and rewordings",
        "",
        "Each rewording asks a gold question another way and must be answered from the same "
        "sources with the same key facts. Consistency: for each original, the share of its "
        "rewordings whose answer cites a passage the original's answer cites; the mean over "
        "originals.",
        "",
        *_side_by_side(metrics, names, peer),
        "### By kind (all splits)",
        "",
        *_by_kind(metrics, names[1], peer),
        "",
        f"### Least consistent items (consistency at most {LOW_CONSISTENCY})",
        "",
        *_least_consistent(outcome, metrics, names[1], peer),
    ]


def _by_category(metrics: dict[str, Any]) -> list[str]:
    """A table per category (and the peer's), and the chart of them."""
    peer = metrics.get("peer")
    lines = ["", "## By category", ""]
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
    return [*lines, "", f"![Metrics by category]({CHART_FILE})", ""]


def _failing(outcome: EvalRun) -> list[str]:
    """Every failing original item, then the failing rewordings."""
    failures = [r for r in outcome.originals if r.score.failed]
    lines = [f"## Failing items ({len(failures)})", ""]
    if not failures:
        lines.append("None.")
    for result in failures:
        lines += _failure(result)
    if outcome.variants:
        lines += ["", *_failing_rewordings(outcome)]
    return lines
