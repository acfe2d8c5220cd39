#!/usr/bin/env python3
"""Draws the README's picture from a real run folder: the report's headline table and its
default curve, as one SVG.

    scripts/readme-picture.sh          # runs the default scenario, then calls this
    scripts/readme-picture.py RUNDIR docs/images/default-run.svg

The table's figures come from the run's summary.json (mean and 95% CI over replications) and the
chart is the report's own default-curve chart, copied from report.html with its legend, so the
picture shows exactly what a run writes.
"""
from __future__ import annotations

import html
import json
import re
import sys

WIDTH = 680
COLUMNS = [  # (metric, heading in two lines, as a percentage)
    ("overdue_recovery_rate", ("Overdue", "recovered ↑"), True),
    ("net_recovery_rate", ("Net", "recovery ↑"), True),
    ("default_rate", ("Default", "rate ↓"), True),
    ("complaints_per_1000", ("Complaints", "per 1,000 ↓"), False),
    ("satisfaction", ("Satisfaction", "0–1 score ↑"), False),
]


def figure(estimate: dict, percent: bool) -> str:
    mean, low, high = estimate["mean"], estimate["ci_low"], estimate["ci_high"]
    if percent:
        return f"{mean * 100:.1f}% ±{(high - low) * 50:.1f}"
    digits = 3 if abs(mean) < 1 else 2 if abs(mean) < 10 else 1
    return f"{mean:.{digits}f} ±{(high - low) / 2:.{digits}f}"


def table(summary: dict) -> tuple[str, float]:
    """The headline table as SVG text rows; returns (markup, height)."""
    row_h, top = 26, 52
    first_w = 170
    col_w = (WIDTH - first_w - 20) / len(COLUMNS)
    out = [f'<text x="10" y="22" font-size="15" font-weight="600">Scenario \'{html.escape(summary["scenario"])}\': '
           f'{summary["population"]:,} accounts × {summary["replications"]} replications × {summary["horizon_days"]} days</text>',
           f'<text x="10" y="40" font-size="11" fill="#555">mean ±95% CI half-width; every strategy meets the same borrowers '
           f'and random draws</text>']
    y = top + 32
    out.append(f'<text x="10" y="{y}" font-weight="600">Strategy</text>')
    for i, (_, (line1, line2), _) in enumerate(COLUMNS):
        x = first_w + (i + 1) * col_w
        out.append(f'<text x="{x:.1f}" y="{y - 16}" text-anchor="end" font-weight="600">{html.escape(line1)}</text>'
                   f'<text x="{x:.1f}" y="{y}" text-anchor="end" font-weight="600">{html.escape(line2)}</text>')
    out.append(f'<line x1="10" x2="{WIDTH - 10}" y1="{y + 8}" y2="{y + 8}" stroke="#999"/>')
    for r, name in enumerate(summary["strategies"]):
        y = top + 32 + (r + 1) * row_h
        label = name + (" (baseline)" if name == summary["baseline"] else "")
        if r % 2 == 0:
            out.append(f'<rect x="6" y="{y - 17}" width="{WIDTH - 12}" height="{row_h}" fill="#f4f6f8"/>')
        out.append(f'<text x="10" y="{y}">{html.escape(label)}</text>')
        for i, (metric, _, percent) in enumerate(COLUMNS):
            x = first_w + (i + 1) * col_w
            out.append(f'<text x="{x:.1f}" y="{y}" text-anchor="end">{figure(summary["headline"][name][metric], percent)}</text>')
    return "\n".join(out), top + 32 + len(summary["strategies"]) * row_h + 16


def chart(report: str) -> tuple[str, list[tuple[str, str]]]:
    """The report's default-curve chart and its legend (colour, strategy)."""
    m = re.search(r'<svg viewBox="0 0 640 300" role="img" aria-label="Default[^"]*".*?</svg>', report, re.S)
    if not m:
        sys.exit("readme-picture: report.html has no default-curve chart")
    after = report[m.end():]
    legend = re.findall(r'<rect width="14" height="10" fill="(#[0-9a-fA-F]{6})"/></svg> ([^<]+)</span>',
                        after[:after.find("</div>")])
    if not legend:
        sys.exit("readme-picture: the default-curve chart has no legend")
    return m.group(0), legend


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    run, out = sys.argv[1], sys.argv[2]
    summary = json.load(open(f"{run}/summary.json", encoding="utf-8"))
    report = open(f"{run}/report.html", encoding="utf-8").read()
    rows, y = table(summary)
    svg, legend = chart(report)
    title_y = y + 18
    legend_y = title_y + 20
    chart_y = legend_y + 8
    legend_svg = []
    x = 10.0
    for colour, name in legend:
        legend_svg.append(f'<rect x="{x:.1f}" y="{legend_y - 9}" width="14" height="10" fill="{colour}"/>'
                          f'<text x="{x + 19:.1f}" y="{legend_y}" font-size="12">{html.escape(name)}</text>')
        x += 30 + 7.2 * len(name)
    inner = svg.replace('<svg viewBox="0 0 640 300"', f'<svg x="20" y="{chart_y}" width="640" height="300" viewBox="0 0 640 300"', 1)
    height = chart_y + 300 + 8
    doc = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
           f'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="13" fill="#222">\n'
           f'<rect width="{WIDTH}" height="{height}" fill="#fff"/>\n{rows}\n'
           f'<text x="10" y="{title_y}" font-size="14" font-weight="600">Share of accounts in default (90+ DPD), by day, with 95% bands</text>\n'
           + "".join(legend_svg) + "\n" + inner + "\n</svg>\n")
    with open(out, "w", encoding="utf-8") as f:
        f.write(doc)


if __name__ == "__main__":
    main()
