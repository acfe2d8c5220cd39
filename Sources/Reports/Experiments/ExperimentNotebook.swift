import Analysis
import Experiments
import Foundation
import Scenario

/// `analysis.ipynb` of an experiment folder: loads the experiment's own CSVs with pandas and
/// draws what its report draws with matplotlib, as a starting point for a researcher's own
/// analysis. Like a run's notebook, it reads only the files beside it.
enum ExperimentNotebook {
    /// The title cell and the cell every experiment notebook starts with (Python string literals
    /// are written as JSON ones, which Python reads alike): imports, summary.json,
    /// the experiment's metrics and strategies, and the report's colour per strategy.
    static func opening(_ record: ExperimentRecord, title: String, files: String) -> [[String: Any]] {
        let spec = record.spec
        return [
            Notebook.markdown([
                "# \(MarkdownReport.escape(title))",
                "",
                "CollectSim \(record.kind): \(MarkdownReport.escape(record.sizeText)), seed \(record.scenario.seed), "
                    + "common random numbers across points. This notebook reads the files in its own folder: \(files) and `summary.json`.",
            ]),
            Notebook.code([
                "import json",
                "import pandas as pd",
                "import matplotlib.pyplot as plt",
                "",
                "summary = json.load(open(\"summary.json\", encoding=\"utf-8\"))",
                "strategies = summary[\"strategies\"]",
                "metrics = [" + spec.metrics.map(Format.jsonString).joined(separator: ", ") + "]",
                "palette = [" + SVGChart.palette.map(Format.jsonString).joined(separator: ", ") + "]",
                "colour = {s: palette[i % len(palette)] for i, s in enumerate(strategies)}",
                "read = lambda name: pd.read_csv(name, keep_default_na=False, na_values=[\"\"])",
            ]),
        ]
    }

    static func sweep(_ o: SweepExperiment.Outcome) throws -> String {
        // Which way is better for each metric, from the metric table rather than its name.
        let directions: [String] = o.record.spec.metrics.map { m in
            let higher = Metrics.byName[m]?.higherIsBetter ?? true
            return Format.jsonString(m) + ": " + (higher ? "True" : "False")
        }
        let best = "# Which way is better for each metric, as CollectSim's metric table says.\n"
            + "maximise = {" + directions.joined(separator: ", ") + "}\n" + #"""
            best = [sweep[(sweep.strategy == s) & (sweep.metric == m)].sort_values("mean", ascending=not maximise[m]).head(1)
                    for s in strategies for m in metrics]
            pd.concat(best)
            """#
        return try Notebook.document(opening(o.record, title: "Sweep: \(o.record.scenario.name)", files: "`sweep.csv` (one row per point, strategy and metric, with 95% CI)") + [
            Notebook.markdown(["## Each metric against each factor", "",
                               "With several factors, each panel shows every point against one factor: the spread at one value is the other factors' effect."]),
            Notebook.code(#"""
            sweep = read("sweep.csv")
            factors = [c for c in sweep.columns if c not in ("point", "strategy", "metric", "mean", "ci_low", "ci_high", "n")]
            fig, axes = plt.subplots(len(metrics), len(factors), figsize=(5 * len(factors), 3.5 * len(metrics)), squeeze=False)
            for row, m in zip(axes, metrics):
                for ax, f in zip(row, factors):
                    for s in strategies:
                        d = sweep[(sweep.strategy == s) & (sweep.metric == m)].sort_values(f)
                        ax.errorbar(d[f], d["mean"], yerr=[d["mean"] - d.ci_low, d.ci_high - d["mean"]],
                                    fmt="o-" if len(factors) == 1 else "o", capsize=2, label=s, color=colour[s])
                    ax.set_xlabel(f)
                    ax.set_ylabel(m)
            axes[0][0].legend()
            plt.tight_layout()
            plt.show()
            """#),
            Notebook.markdown(["## Best point per strategy and metric"]),
            Notebook.code(best),
        ])
    }

    static func sensitivity(_ o: SensitivityExperiment.Outcome) throws -> String {
        try Notebook.document(opening(o.record, title: "Sensitivity: \(o.record.scenario.name)",
                                      files: "`sensitivity.csv` (first-order S1 and total ST indices with their intervals and the simulation noise's share) and `samples.csv` (the design and every output)") + [
            Notebook.markdown(["## First-order and total indices", "",
                               "The dashed line is the simulation noise's share of the metric's variance: an index whose interval reaches it cannot be told from noise."]),
            Notebook.code(#"""
            indices = read("sensitivity.csv")
            panels = indices[["strategy", "metric"]].drop_duplicates().values.tolist()
            if panels:
                fig, axes = plt.subplots(1, len(panels), figsize=(6 * len(panels), 4), squeeze=False)
                for ax, (s, m) in zip(axes[0], panels):
                    d = indices[(indices.strategy == s) & (indices.metric == m)].reset_index(drop=True)
                    x = range(len(d))
                    ax.bar([i - 0.2 for i in x], d.S1, 0.4, yerr=[d.S1 - d.S1_ci_low, d.S1_ci_high - d.S1], capsize=2, label="S1 first-order", color=palette[0])
                    ax.bar([i + 0.2 for i in x], d.ST, 0.4, yerr=[d.ST - d.ST_ci_low, d.ST_ci_high - d.ST], capsize=2, label="ST total", color=palette[1])
                    if d.noise_share.notna().any():
                        ax.axhline(d.noise_share.iloc[0], linestyle="--", color="grey", label="simulation noise")
                    ax.set_xticks(list(x), [f.split(".")[-1] for f in d.factor], rotation=30, ha="right")
                    ax.set_title(f"{m} · {s}")
                axes[0][0].legend()
                plt.tight_layout()
                plt.show()
            indices
            """#),
            Notebook.markdown(["## The outputs against each factor", "", "Scatter of every design point: a factor with a large index shows a trend."]),
            Notebook.code(#"""
            samples = read("samples.csv")
            factors = [c for c in samples.columns if c != "row" and ":" not in c]
            outputs = [c for c in samples.columns if ":" in c]
            fig, axes = plt.subplots(len(outputs), len(factors), figsize=(3.2 * len(factors), 2.8 * len(outputs)), squeeze=False)
            for row, out in zip(axes, outputs):
                for ax, f in zip(row, factors):
                    ax.scatter(samples[f], samples[out], s=6, color=colour.get(out.split(":")[0], palette[0]))
                    ax.set_xlabel(f.split(".")[-1], fontsize=8)
                row[0].set_ylabel(out, fontsize=8)
            plt.tight_layout()
            plt.show()
            """#),
        ])
    }

    static func optimize(_ o: OptimizeExperiment.Outcome) throws -> String {
        let p = o.problem
        return try Notebook.document(opening(o.record, title: "Optimize: \(o.record.scenario.name)",
                                             files: "`optimize.csv` (every candidate with its metrics and 95% CI)" + (o.frontierMetric != nil ? " and `frontier.csv` (the Pareto frontier)" : "")) + [
            Notebook.code([
                "objective, maximise = \(Format.jsonString(p.objective)), \(p.maximize ? "True" : "False")",
                "candidates = read(\"optimize.csv\")",
            ]),
            Notebook.markdown(["## The search", "", "The objective of every candidate in the order evaluated; infeasible candidates (a constraint broken) are hollow, the best is starred."]),
            Notebook.code(#"""
            fig, ax = plt.subplots(figsize=(9, 4))
            feasible = candidates[candidates.feasible]
            ax.errorbar(feasible.evaluation, feasible[objective], yerr=[feasible[objective] - feasible[objective + "_ci_low"],
                        feasible[objective + "_ci_high"] - feasible[objective]], fmt="o", capsize=2, color=palette[0], label="feasible")
            infeasible = candidates[~candidates.feasible]
            ax.scatter(infeasible.evaluation, infeasible[objective], facecolors="none", edgecolors=palette[0], label="infeasible")
            best = candidates[candidates.best]
            ax.scatter(best.evaluation, best[objective], marker="*", s=200, color=palette[1], label="best", zorder=3)
            ax.set_xlabel("evaluation")
            ax.set_ylabel(objective + (" (maximised)" if maximise else " (minimised)"))
            ax.legend()
            plt.show()
            candidates[candidates.best]
            """#),
        ] + (o.frontierMetric.map { against in [
            Notebook.markdown(["## Pareto frontier", "", "Candidates no other beats on both the objective and `\(against)`."]),
            Notebook.code([
                "frontier = read(\"frontier.csv\")",
                "against = \(Format.jsonString(against))",
            ] + #"""
            fig, ax = plt.subplots(figsize=(7, 5))
            ax.scatter(candidates[against], candidates[objective], s=10, color="lightgrey", label="all candidates")
            f = frontier.sort_values(against)
            ax.errorbar(f[against], f[objective], xerr=[f[against] - f[against + "_ci_low"], f[against + "_ci_high"] - f[against]],
                        yerr=[f[objective] - f[objective + "_ci_low"], f[objective + "_ci_high"] - f[objective]], fmt="o-", capsize=2, color=palette[0], label="frontier")
            ax.set_xlabel(against)
            ax.set_ylabel(objective)
            ax.legend()
            plt.show()
            """#.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)),
        ] } ?? []))
    }

    static func calibrate(_ o: CalibrateExperiment.Outcome) throws -> String {
        try Notebook.document(opening(o.record, title: "Calibrate: \(o.record.scenario.name)",
                                      files: "`calibration.csv` (each fitted parameter with its standard error) and `residuals.csv` (each observed target against the model at the start and at the fit)") + [
            Notebook.markdown(["## Fitted parameters"]),
            Notebook.code(#"""
            read("calibration.csv")
            """#),
            Notebook.markdown(["## Observed against the model", "",
                               "Each target at the start and at the fit, with the observed standard error; on the diagonal the model matches the data."]),
            Notebook.code(#"""
            residuals = read("residuals.csv")
            kinds = list(dict.fromkeys(residuals.kind))
            fig, axes = plt.subplots(1, len(kinds), figsize=(5.5 * len(kinds), 4.5), squeeze=False)
            for ax, k in zip(axes[0], kinds):
                d = residuals[residuals.kind == k]
                ax.scatter(d.observed, d.model_at_start, facecolors="none", edgecolors="grey", label="start")
                ax.errorbar(d.observed, d.model, xerr=d.std_error, yerr=d.model_std_error, fmt="o", capsize=2, color=palette[0], label="fit")
                low, high = min(d.observed.min(), d.model.min()), max(d.observed.max(), d.model.max())
                ax.plot([low, high], [low, high], color="black", linewidth=0.8)
                ax.set_xlabel("observed")
                ax.set_ylabel("model")
                ax.set_title(k)
            axes[0][0].legend()
            plt.tight_layout()
            plt.show()
            """#),
            Notebook.markdown(["## Standardised residuals", "", "(model − observed) / σ: most should lie within ±2."]),
            Notebook.code(#"""
            labels = residuals.name.astype(str) + residuals.period.map(lambda p: "" if p != p else f" @{p:g}")
            fig, ax = plt.subplots(figsize=(9, max(3, 0.25 * len(residuals))))
            ax.barh(range(len(residuals)), residuals.residual, color=palette[0])
            ax.set_yticks(range(len(residuals)), labels, fontsize=7)
            for x in (-2, 2):
                ax.axvline(x, linestyle="--", color="grey")
            ax.set_xlabel("standardised residual")
            plt.tight_layout()
            plt.show()
            """#),
        ])
    }
}
