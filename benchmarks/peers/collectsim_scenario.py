"""Reads a resolved CollectSim scenario for the peer implementations.

The peers (numpy_model.py, mesa_model.py) implement the model of docs/model.md as
CollectSim does, with CollectSim's default parameters. They take those parameters from the
scenario itself, resolved by `collectsim validate --resolved SCENARIO`, which writes every
default into the file, so all three implementations run from one parameter table. Agency rules
come from the built-in strategy the scenario names, in Sources/Scenario/Resources/strategies.yaml.

Everything here is plain data: dictionaries of parameters, and rules as small classes.
"""
from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass, field

import yaml

CHANNELS = ["sms", "push", "email", "call", "visit", "followup"]
KINDS = ["sms", "push", "email", "call", "visit", "followup",
         "counselling", "education", "installment", "deferral", "agency", "legal"]
KIND_CHANNEL = {"sms": 0, "push": 1, "email": 2, "call": 3, "visit": 4, "followup": 5,
                "counselling": 3, "installment": 3, "deferral": 3}
SLOTS = ["morning", "afternoon", "evening", "night"]
SLOT_HOURS = {"morning": (9, 12), "afternoon": (12, 18), "evening": (18, 21), "night": (21, 33)}
TONES = ["gentle", "firm", "empathetic"]
GRADES = ["A", "B", "C", "D", "E"]
FLAGS = ["on_plan", "promise_pending", "promise_broken", "complained_recently", "hardship_reported",
         "placed", "legal_pending", "educated", "counselled", "in_deferral", "plan_broken", "charged_off"]
FLAG_BIT = {name: 1 << i for i, name in enumerate(FLAGS)}
ON_PLAN, PROMISE_PENDING, PROMISE_BROKEN = FLAG_BIT["on_plan"], FLAG_BIT["promise_pending"], FLAG_BIT["promise_broken"]
COMPLAINED, HARDSHIP_REPORTED, PLACED = FLAG_BIT["complained_recently"], FLAG_BIT["hardship_reported"], FLAG_BIT["placed"]
LEGAL_PENDING, EDUCATED, COUNSELLED = FLAG_BIT["legal_pending"], FLAG_BIT["educated"], FLAG_BIT["counselled"]
IN_DEFERRAL, PLAN_BROKEN, CHARGED_OFF = FLAG_BIT["in_deferral"], FLAG_BIT["plan_broken"], FLAG_BIT["charged_off"]
SMS, PUSH, EMAIL, CALL, VISIT, FOLLOWUP = range(6)
K_COUNSELLING, K_EDUCATION, K_INSTALLMENT, K_DEFERRAL, K_AGENCY, K_LEGAL = range(6, 12)
GENTLE, FIRM, EMPATHETIC = range(3)
HEADLINE = ["recovery_rate", "net_recovery_rate", "cure_rate", "default_rate", "chargeoff_rate",
            "complaints_per_1000", "cost_per_unit_recovered", "satisfaction", "retention", "peak_stress",
            "median_days_to_resolution"]
BIG = 2**31 - 1
NEVER = -(2**30)

BUILTINS = os.path.join(os.path.dirname(__file__), "..", "..", "Sources", "Scenario", "Resources", "strategies.yaml")


class ScenarioError(Exception):
    pass


@dataclass
class Action:
    kind: int
    every: int
    slot: int
    tone: int
    attempts: int
    third_party: bool
    installments: int
    down_payment: float
    fee_waiver: bool
    break_after: int
    deferral_days: int
    commission: float

    @property
    def channel(self) -> int:
        return KIND_CHANNEL.get(KINDS[self.kind], -1)


@dataclass
class Rule:
    dpd_lo: int
    dpd_hi: int
    grades: int          # bit mask over A..E
    segments: int        # bit mask over segment indices
    risk_lo: float
    risk_hi: float
    overdue_lo: float
    overdue_hi: float
    required: int
    forbidden: int
    day_mask: int        # bit 0: working days, bit 1: weekends and holidays
    actions: list = field(default_factory=list)

    def needs(self, channel: int) -> bool:
        return any(a.channel == channel for a in self.actions)


@dataclass
class Strategy:
    name: str
    priority: str
    rules: list
    agency_rules: list
    skill: float
    calls_per_1000: float
    visits_per_1000: float

    @property
    def rules_min_dpd(self) -> int:
        return min((r.dpd_lo for r in self.rules), default=BIG)

    @property
    def agency_min_dpd(self) -> int:
        return min((r.dpd_lo for r in self.agency_rules), default=BIG)


@dataclass
class Scenario:
    name: str
    seed: int
    replications: int
    horizon: int
    population: dict
    segments: list           # list of dicts, in file order
    p: dict                  # the parameter table
    compliance: dict
    non_working: list        # per day
    strategies: list
    baseline: str


def _rules(items, segment_names, p) -> list:
    rules = []
    for item in items or []:
        when = item.get("when") or {}
        defaults = {k: item[k] for k in ("every_days", "slot", "tone") if k in item}
        dpd = when.get("dpd")
        lo = -BIG if dpd is None or dpd[0] is None else int(dpd[0])
        hi = BIG if dpd is None or dpd[1] is None else int(dpd[1])
        grades = 0x1F
        if "grade" in when:
            g = when["grade"]
            grades = 0
            for name in ([g] if isinstance(g, str) else g):
                grades |= 1 << GRADES.index(name)
        segments = (1 << 64) - 1
        if "segment" in when:
            s = when["segment"]
            segments = 0
            for name in ([s] if isinstance(s, str) else s):
                segments |= 1 << segment_names.index(name)
        risk = when.get("risk") or [-math.inf, math.inf]
        overdue = when.get("overdue") or [-math.inf, math.inf]
        required = forbidden = 0
        for name in FLAGS:
            if name in when:
                if when[name]:
                    required |= FLAG_BIT[name]
                else:
                    forbidden |= FLAG_BIT[name]
        day_mask = {None: 3, "working": 1, "non_working": 2}[when.get("day")]
        do = item["do"]
        actions = []
        for a in (do if isinstance(do, list) else [do]):
            a = {**defaults, **a}
            kind = KINDS.index(a["action"])
            actions.append(Action(
                kind=kind, every=int(a.get("every_days", 1)), slot=SLOTS.index(a.get("slot", "afternoon")),
                tone=TONES.index(a.get("tone", "gentle")), attempts=int(a.get("attempts_per_day", 1)),
                third_party=bool(a.get("third_party", False)), installments=int(a.get("installments", 6)),
                down_payment=float(a.get("down_payment", 0)), fee_waiver=bool(a.get("fee_waiver", False)),
                break_after=int(a.get("break_after_misses", 2)), deferral_days=int(a.get("deferral_days", 60)),
                commission=float(a["commission"]) if "commission" in a else p["agency.commission"]))
        rules.append(Rule(lo, hi, grades, segments, float(risk[0]), float(risk[1]),
                          float(overdue[0]), float(overdue[1]), required, forbidden, day_mask, actions))
    return rules


def load(path: str) -> Scenario:
    """Loads a scenario resolved by `collectsim validate --resolved`."""
    with open(path) as f:
        doc = yaml.safe_load(f)
    if not isinstance(doc, dict) or "model" not in doc or not isinstance(doc.get("strategies"), dict):
        raise ScenarioError(f"{path}: not a resolved scenario (no 'model' table or strategy definitions); "
                            f"resolve it first with `collectsim validate --resolved {path}`")
    p = {k: float(v) for k, v in doc["model"].items()}
    pop = doc["population"]
    segment_names = list(pop["segments"].keys())
    segments = [dict(name=n, **pop["segments"][n]) for n in segment_names]
    with open(BUILTINS) as f:
        builtins = yaml.safe_load(f)
    strategies = []
    for name, s in doc["strategies"].items():
        agency_rules = []
        if s.get("agency_strategy"):
            agency_rules = _rules(builtins[s["agency_strategy"]]["rules"], segment_names, p)
        strategies.append(Strategy(
            name=name, priority=s.get("priority", "risk"), rules=_rules(s["rules"], segment_names, p),
            agency_rules=agency_rules, skill=float(s.get("collector_skill", p["collectors.skill"])),
            calls_per_1000=float(s.get("calls_per_day_per_1000", p["collectors.calls_per_day_per_1000"])),
            visits_per_1000=float(s.get("visits_per_day_per_1000", p["collectors.visits_per_day_per_1000"]))))
    cal = doc.get("calendar") or {}
    weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    start = weekdays.index(cal.get("start_weekday", "monday"))
    holidays = set(cal.get("holidays") or [])
    horizon = int(doc["horizon_days"])
    non_working = [((start + d) % 7) >= 5 or d in holidays for d in range(horizon)]
    return Scenario(name=doc["name"], seed=int(doc["seed"]), replications=int(doc["replications"]), horizon=horizon,
                    population=pop, segments=segments, p=p, compliance=doc["compliance"] or {},
                    non_working=non_working, strategies=strategies, baseline=doc["baseline"])


def window_permits(window: dict | None, slot: int, non_working: bool) -> bool:
    """Whether a channel's contact window permits a slot on a day (None: unrestricted)."""
    if window is None:
        return True
    if window.get("days") == "working" and non_working:
        return False
    lo, hi = int(window["from"]), int(window["to"])
    if lo <= 0 and hi >= 24:
        return True
    start, end = SLOT_HOURS[SLOTS[slot]]
    return start >= lo and end <= hi


def caps(compliance: dict, channel: int) -> tuple:
    c = (compliance.get("caps") or {}).get(CHANNELS[channel]) or {}
    return c.get("per_day", BIG), c.get("per_7_days", BIG)


def score_noise(auc: float) -> float:
    """Risk-score noise SD giving the configured AUC against the latent propensity."""
    rho = math.sin(math.pi * (auc - 0.5))
    return 0.0 if rho >= 1 else math.sqrt(1 / (rho * rho) - 1)


def _cumulative(weights) -> list:
    total, acc, out = sum(weights), 0.0, []
    for w in weights:
        acc += w / total
        out.append(acc)
    out[-1] = 1.0
    return out


class PopulationTables:
    """What drawing a cohort needs beyond the segments' own fields: cumulative segment and grade
    weights, and the risk score's noise and normalisation (mean and SD over the segment mix)."""

    def __init__(self, sc: Scenario):
        weights = [s["weight"] for s in sc.segments]
        total = sum(weights)
        self.segment_cumulative = _cumulative(weights)
        self.grade_cumulative = [_cumulative(s["grade_weights"]) for s in sc.segments]
        self.score_noise = score_noise(sc.p["risk.score_auc"])
        shifts = [s["propensity_shift"] for s in sc.segments]
        self.score_mean = sum(sh * w / total for sh, w in zip(shifts, weights))
        self.score_sd = math.sqrt(sum(w / total * (sh - self.score_mean) ** 2 for sh, w in zip(shifts, weights))
                                  + 1 + self.score_noise ** 2)


class Tables:
    """The parameter table compiled into lookups by grade, channel, tone, slot, DPD and day, and
    the compliance rules, as the engine compiles them once per run (ModelParameters)."""

    def __init__(self, sc: Scenario, strategy: Strategy, n: int, block: int):
        p = sc.p
        self.base_hazard = [p[f"payment.base_hazard.{x}"] for x in GRADES]
        self.due_hazard = [-math.log1p(-p[f"payment.on_time_probability.{x}"]) for x in GRADES]
        self.jump = [p[f"action.{c}.jump"] for c in CHANNELS]
        self.contact_stress = [p[f"action.{c}.stress"] for c in CHANNELS]
        self.complaint_weight = [p[f"action.{c}.complaint_weight"] for c in CHANNELS]
        self.contact_cost = [p[f"action.{c}.cost"] for c in CHANNELS]
        self.tone_stress = [p[f"tone.{t}.stress"] for t in TONES]
        self.tone_complaint = [p[f"tone.{t}.complaint"] for t in TONES]
        self.rpc = [p[f"contact.rpc.{s}"] for s in SLOTS]
        self.slot_complaint = [p[f"complaint.slot.{s}"] for s in SLOTS]
        max_dpd = sc.population["max_initial_dpd"] + sc.horizon + 2
        tau, floor, shape = p["payment.dpd_decay_days"], p["payment.dpd_decay_floor"], p["payment.dpd_decay_shape"]
        self.decay = [floor + (1 - floor) * math.exp(-((d / tau) ** shape)) for d in range(max_dpd + 1)]
        self.cycle = int(p["payment.cycle_days"])
        self.falls_due = [d > 0 and d % self.cycle == 0 for d in range(max_dpd + 1)]
        self.discount = [math.exp(-p["payment.discount_rate"] * d / 365) for d in range(max(sc.horizon, 1))]
        self.stress_keep, self.pressure_keep = 1 - p["stress.daily_decay"], 1 - p["complaint.pressure_decay"]
        self.excitation_keep, self.fatigue_keep = math.exp(-p["payment.excitation_decay"]), 1 - p["fatigue.daily_decay"]
        self.default_dpd, self.chargeoff_dpd = int(p["metrics.default_dpd"]), int(p["metrics.chargeoff_dpd"])
        comp = sc.compliance
        self.windows = [(comp.get("windows") or {}).get(c) for c in CHANNELS]
        self.caps = [caps(comp, c) for c in range(6)]
        self.enforce = comp.get("mode", "enforce") == "enforce"
        self.cool_off_days = int(comp.get("cool_off_days", 7))
        self.after_conversation = int(comp.get("after_conversation_days", 0))
        self.third_party_allowed = bool(comp.get("third_party_contact", False))
        # Daily collector capacity per team (block of accounts), as in the engine: in-house
        # calls, visits, agency calls.
        sizes = [min(block, n - b) for b in range(0, n, block)]
        self.team_rates = [[strategy.calls_per_1000 * s / 1000 for s in sizes],
                           [strategy.visits_per_1000 * s / 1000 for s in sizes],
                           [p["agency.calls_per_day_per_1000"] * s / 1000 for s in sizes]]


def headline_metrics(p: dict, balance0, collected, costs, ever_delinquent, cured, defaulted, charged_off, complaints,
                     satisfaction, resolved_at_horizon, peak_stress, resolution_days) -> dict:
    """The headline metrics of one run from per-account outcomes (NumPy arrays), defined as the
    engine defines them (Sources/Analysis/Metrics.swift). `costs` include commissions."""
    import numpy as np
    n = len(balance0)
    outstanding, recovered, spent = balance0.sum(), collected.sum(), costs.sum()
    logit = p["retention.intercept"] + p["retention.satisfaction"] * satisfaction + np.where(resolved_at_horizon, p["retention.resolved"], 0)
    days = np.sort(resolution_days)
    return {
        "recovery_rate": recovered / outstanding,
        "net_recovery_rate": (recovered - spent) / outstanding,
        "cure_rate": cured.sum() / max(ever_delinquent.sum(), 1),
        "default_rate": defaulted.sum() / n,
        "chargeoff_rate": charged_off.sum() / n,
        "complaints_per_1000": 1000 * complaints / n,
        "cost_per_unit_recovered": spent / recovered if recovered > 0 else math.nan,
        "satisfaction": satisfaction.mean(),
        "retention": (1 / (1 + np.exp(-logit))).mean(),
        "peak_stress": peak_stress.mean(),
        "median_days_to_resolution": float(days[math.ceil(days.size / 2) - 1]) if days.size else math.nan,
    }


def run_peer(description: str, model: str, replicate, extra: dict | None = None, rate_aliases: tuple = ()) -> None:
    """The peers' command line: loads the resolved scenario, simulates every replication with
    `replicate(scenario, population, replication, block)` -> {strategy: headline metrics}, and
    prints one JSON object with the metrics' means and CIs, the speed and the peak memory.
    `rate_aliases` are further names for borrower_days_per_second (Mesa: agent-steps)."""
    import argparse
    import json
    import time
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("scenario")
    ap.add_argument("--population", type=int)
    ap.add_argument("--replications", type=int)
    ap.add_argument("--block", type=int, default=1024)
    args = ap.parse_args()
    try:
        sc = load(args.scenario)
    except (OSError, ScenarioError) as e:
        fail(str(e))
    n = args.population or int(sc.population["size"])
    reps = args.replications or sc.replications
    results = {s.name: {m: [] for m in HEADLINE} for s in sc.strategies}
    start = time.perf_counter()
    for r in range(reps):
        for strategy, metrics in replicate(sc, n, r, args.block).items():
            for m, v in metrics.items():
                results[strategy][m].append(float(v))
    seconds = time.perf_counter() - start
    borrower_days = n * sc.horizon * len(sc.strategies) * reps
    print(json.dumps({
        "model": model, **(extra or {}), "population": n, "replications": reps, "horizon_days": sc.horizon,
        "borrower_days": borrower_days, "seconds": seconds, "borrower_days_per_second": borrower_days / seconds,
        **{name: borrower_days / seconds for name in rate_aliases}, "peak_rss_bytes": peak_rss_bytes(),
        "metrics": {s: {m: summarise(v) for m, v in ms.items()} for s, ms in results.items()},
    }))


def summarise(values_by_replication: list) -> dict:
    """Mean and 95% Student-t interval over replications (the interval is the mean when R = 1)."""
    from statistics import mean, stdev
    vals = [v for v in values_by_replication if not math.isnan(v)]
    if not vals:
        return {"mean": math.nan, "ci_low": math.nan, "ci_high": math.nan, "n": 0, "values": values_by_replication}
    m = mean(vals)
    if len(vals) < 2:
        return {"mean": m, "ci_low": m, "ci_high": m, "n": len(vals), "values": values_by_replication}
    from scipy.stats import t
    h = t.ppf(0.975, len(vals) - 1) * stdev(vals) / math.sqrt(len(vals))
    return {"mean": m, "ci_low": m - h, "ci_high": m + h, "n": len(vals), "values": values_by_replication}


def peak_rss_bytes() -> int:
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def fail(message: str) -> None:
    print(f"{os.path.basename(sys.argv[0])}: {message}", file=sys.stderr)
    sys.exit(2)
