import Foundation
import Scenario

/// `analysis.ipynb`: a Jupyter notebook that loads its run folder's CSVs with pandas and draws
/// the main charts with matplotlib, a starting point for a researcher's own analysis. It reads
/// the files next to it, so the folder can be moved or shared whole.
public enum Notebook {
    static func markdown(_ lines: [String]) -> [String: Any] {
        ["cell_type": "markdown", "metadata": [String: Any](), "source": sourceLines(lines)]
    }

    static func code(_ lines: [String]) -> [String: Any] {
        ["cell_type": "code", "execution_count": NSNull(), "metadata": [String: Any](), "outputs": [Any](),
         "source": sourceLines(lines)]
    }

    /// nbformat stores a cell's source as lines that keep their newline, except the last.
    static func sourceLines(_ lines: [String]) -> [String] {
        lines.enumerated().map { $0.offset == lines.count - 1 ? $0.element : $0.element + "\n" }
    }

    public static func render(_ data: ReportData) throws -> String {
        let cells: [[String: Any]] = [
            markdown([
                "# \(MarkdownReport.escape(data.scenario))",
                "",
                "CollectSim run: \(counted(data.strategies.count, "strategy", "strategies")), baseline `\(data.baseline.replacingOccurrences(of: "`", with: "'"))`, "
                    + "\(counted(data.replications, "replication")) × \(data.accountsPhrase) × \(counted(data.horizonDays, "day")), seed \(data.seed).",
                "This notebook reads the files in its own folder: `metrics.csv` (one row per strategy, group and metric, "
                    + "with 95% CI), `comparison.csv` (paired differences from the baseline), `curves.csv` (daily curves) "
                    + "and `summary.json`.",
            ]),
            code([
                "import json",
                "import pandas as pd",
                "import matplotlib.pyplot as plt",
                "",
                "summary = json.load(open(\"summary.json\", encoding=\"utf-8\"))",
                "metrics = pd.read_csv(\"metrics.csv\", keep_default_na=False, na_values=[\"\"])",
                "comparison = pd.read_csv(\"comparison.csv\", keep_default_na=False, na_values=[\"\"])",
                "curves = pd.read_csv(\"curves.csv\", keep_default_na=False, na_values=[\"\"])",
                "strategies, baseline = summary[\"strategies\"], summary[\"baseline\"]",
                "headline = [\"recovery_rate\", \"overdue_recovery_rate\", \"net_recovery_rate\", \"complaints_per_1000\", \"default_rate\",",
                "            \"chargeoff_rate\", \"cost_per_unit_recovered\", \"satisfaction\"]",
                "# Each strategy in the colour the report gives it.",
                "palette = [" + SVGChart.palette.map { "\"\($0)\"" }.joined(separator: ", ") + "]",
                "colour = {s: palette[i % len(palette)] for i, s in enumerate(strategies)}",
            ]),
            markdown(["## Headline: mean per strategy (95% CI in `ci_low`, `ci_high`)", "",
                      "`recovery_rate` is cash over the whole balance at entry, scheduled installments included; "
                      + "`overdue_recovery_rate` is the collections figure (催回率). `satisfaction` is a 0–1 score, not a share of borrowers."]),
            code([
                "everyone = metrics[(metrics.segment == \"all\") & metrics.metric.isin(headline)]",
                "everyone.pivot(index=\"strategy\", columns=\"metric\", values=\"mean\").reindex(index=strategies, columns=headline)",
            ]),
            markdown(["## Paired differences from the baseline (common random numbers)"]),
            code([
                "diffs = comparison[(comparison.group == \"all\") & comparison.metric.isin(headline)]",
                "diffs.pivot(index=\"strategy\", columns=\"metric\", values=\"diff\").reindex(columns=headline)",
            ]),
            markdown(["## Curves with 95% bands"]),
            code([
                "fig, axes = plt.subplots(1, 3, figsize=(15, 4))",
                "panels = [(\"default\", \"share of accounts in default\"), (\"recovery\", \"collected / balance at entry\"),",
                "          (\"complaints\", \"complaints per 1,000 accounts\")]",
                "for ax, (curve, title) in zip(axes, panels):",
                "    for s in strategies:",
                "        d = curves[(curves.strategy == s) & (curves.curve == curve)]",
                "        ax.plot(d.day, d[\"mean\"], label=s, color=colour[s])",
                "        ax.fill_between(d.day, d.ci_low, d.ci_high, alpha=0.2, color=colour[s])",
                "    ax.set_title(title)",
                "    ax.set_xlabel(\"day\")",
                "axes[0].legend()",
                "plt.tight_layout()",
                "plt.show()",
            ]),
            markdown(["## Recovery against complaints"]),
            code([
                "pivot = lambda m: everyone[everyone.metric == m].set_index(\"strategy\").reindex(strategies)",
                "r, c = pivot(\"recovery_rate\"), pivot(\"complaints_per_1000\")",
                "fig, ax = plt.subplots(figsize=(7, 5))",
                "for s in strategies:",
                "    ax.errorbar(c.loc[s, \"mean\"], r.loc[s, \"mean\"],",
                "                xerr=[[c.loc[s, \"mean\"] - c.loc[s, \"ci_low\"]], [c.loc[s, \"ci_high\"] - c.loc[s, \"mean\"]]],",
                "                yerr=[[r.loc[s, \"mean\"] - r.loc[s, \"ci_low\"]], [r.loc[s, \"ci_high\"] - r.loc[s, \"mean\"]]],",
                "                fmt=\"o\", capsize=3, label=s, color=colour[s])",
                "ax.set_xlabel(\"complaints per 1,000 accounts\")",
                "ax.set_ylabel(\"recovery rate\")",
                "ax.legend()",
                "plt.show()",
            ]),
            markdown(["## Recovery rate by segment, grade and stage at entry"]),
            code([
                "groups = metrics[(metrics.metric == \"recovery_rate\") & (metrics.segment != \"all\")]",
                "table = groups.pivot(index=\"segment\", columns=\"strategy\", values=\"mean\").reindex(columns=strategies)",
                "table.plot.barh(figsize=(8, 6), xlabel=\"recovery rate\", color=[colour[s] for s in strategies])",
                "plt.show()",
                "table",
            ]),
            markdown(["## Roll rates", "", "Where accounts in each bucket at the start of a 30-day month are at its end, averaged over the horizon's months."]),
            code([
                "rolls = pd.read_csv(\"rollrates.csv\", keep_default_na=False, na_values=[\"\"])",
                "buckets = list(dict.fromkeys(list(rolls[\"from\"]) + list(rolls[\"to\"])))",
                "fig, axes = plt.subplots(1, len(strategies), figsize=(5 * len(strategies), 4), squeeze=False)",
                "for ax, s in zip(axes[0], strategies):",
                "    m = rolls[rolls.strategy == s].groupby([\"from\", \"to\"])[\"mean\"].mean().unstack().reindex(index=buckets, columns=buckets)",
                "    m = m.dropna(how=\"all\")",
                "    ax.imshow(m.fillna(0).values, cmap=\"Blues\", vmin=0, vmax=1)",
                "    ax.set_xticks(range(len(buckets)), buckets, rotation=45, ha=\"right\")",
                "    ax.set_yticks(range(len(m.index)), m.index)",
                "    ax.set_title(s)",
                "    for i in range(len(m.index)):",
                "        for j in range(len(buckets)):",
                "            v = m.values[i, j]",
                "            if v == v and v >= 0.0005:",
                "                ax.text(j, i, f\"{v:.0%}\" if v >= 0.1 else f\"{v:.1%}\", ha=\"center\", va=\"center\", fontsize=7, color=\"white\" if v > 0.5 else \"black\")",
                "plt.tight_layout()",
                "plt.show()",
            ]),
            markdown(["## Glossary", ""] + MarkdownReport.glossaryLines()),
        ]
        return try document(cells)
    }

    /// A cell of code given as one text (a raw string literal reads as the Python it holds).
    static func code(_ text: String) -> [String: Any] {
        code(text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
    }

    /// The notebook file: nbformat 4.5, Python 3 kernel, a stable id per cell.
    static func document(_ cells: [[String: Any]]) throws -> String {
        var cells = cells
        for i in cells.indices { cells[i]["id"] = "cell-\(i + 1)" }
        let notebook: [String: Any] = [
            "cells": cells,
            "metadata": [
                "kernelspec": ["display_name": "Python 3", "language": "python", "name": "python3"],
                "language_info": ["name": "python"],
            ],
            "nbformat": 4,
            "nbformat_minor": 5,
        ]
        let json = try JSONSerialization.data(withJSONObject: notebook, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: json, as: UTF8.self) + "\n"
    }
}
