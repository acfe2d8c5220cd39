"""CollectSim's own random numbers and cohort, in NumPy: what lets a peer be compared with the
engine account by account instead of only in distribution.

The engine's draws are counter-based (docs/model.md §7): a draw is a pure function of (seed,
replication, borrower, day, purpose), the SplitMix64 finaliser mixing a borrower's key with the
(day, purpose) counter. This module computes the same 64 bits with NumPy's wrapping uint64
arithmetic, and the same uniforms from them. The engine's inverse CDFs are GNU GSL's, so they
are called here from the same library (through ctypes), and its quantile tables are rebuilt knot
by knot. `cohort` then draws a generated population exactly as the engine's
`PopulationGenerator` does: the same segment, grade, balance, entry stage and hidden traits for
every borrower, bit for bit.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import math

import numpy as np

import collectsim_scenario as cs

GAMMA = np.uint64(0x9E3779B97F4A7C15)
M1, M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
# The engine's `EntryStage` names, by the code `cohort` gives as `stage`.
ENTRY_STAGES = ["entry_current", "entry_delinquent", "entry_defaulted"]

# The engine's `Purpose` codes (Sources/Stochastics/CounterStream.swift): one stream per use.
PURPOSE = {name: code for code, name in enumerate(
    ["", "segment", "latent_propensity", "grade_noise", "score_noise", "balance", "term", "start_state", "initial_dpd",
     "willingness", "literacy", "complaint_propensity", "initial_hardship", "reach_phone", "reach_sms", "reach_email",
     "reach_app", "complaint_tolerance"]) if name}
PURPOSE.update({name: 32 + i for i, name in enumerate(
    ["capacity_switch", "payment", "payment_kind", "payment_fraction", "promise_kept", "complaint", "escalation",
     "contact_sms", "contact_push", "contact_email", "call_attempt", "visit_reach", "plan_acceptance", "plan_installment",
     "legal_outcome", "legal_delay", "legal_fraction", "due_date_payment", "dispute", "disclosure", "third_party",
     "violation_dispute", "capacity_redraw"])})
SETUP_DAY = -1

# The C library's exp, log and log1p, which the engine calls (NumPy's own vector loops may
# round differently in the last bit).
_exp, _log, _log1p = (np.vectorize(f, otypes=[float]) for f in (math.exp, math.log, math.log1p))


def mix(x: np.ndarray) -> np.ndarray:
    """The SplitMix64 finaliser on uint64 (wrapping, as Swift's &+ and &*)."""
    with np.errstate(over="ignore"):
        z = x + GAMMA
        z = (z ^ (z >> np.uint64(30))) * M1
        z = (z ^ (z >> np.uint64(27))) * M2
    return z ^ (z >> np.uint64(31))


def keys(seed: int, replication: int, borrowers: np.ndarray) -> np.ndarray:
    """Each borrower's key in one replication (`StreamKey(seed:replication:borrower:)`)."""
    with np.errstate(over="ignore"):
        h = mix(np.array([seed ^ 0x5851F42D4C957F2D], np.uint64))
        h = mix(h ^ (np.uint64(replication & (2**64 - 1)) * GAMMA))
        return mix(h ^ (borrowers.astype(np.int64).view(np.uint64) * np.uint64(0xD1B54A32D192ED03)))


def uniform(key: np.ndarray, day: int, purpose: str, index: int | None = None) -> np.ndarray:
    """The draw in (0, 1) for (day, purpose) of each key: the top 53 bits, offset by half an ulp.
    With `index`, the index-th of several draws for the same (day, purpose), as repeated call
    attempts make (`StreamKey.uniform(day:purpose:index:)`)."""
    counter = (np.uint64(day & (2**64 - 1)) << np.uint64(8)) | np.uint64(PURPOSE[purpose])
    with np.errstate(over="ignore"):
        bits = mix(key ^ mix(np.array([counter], np.uint64) * GAMMA))
        if index is not None:
            bits = mix(bits ^ (np.uint64(index) * GAMMA))
    return ((bits >> np.uint64(11)).astype(np.float64) + 0.5) * 2.0**-53


class GSL:
    """The inverse CDFs the engine calls, from the same GNU GSL (Debian libgsl-dev)."""

    def __init__(self):
        ctypes.CDLL(ctypes.util.find_library("gslcblas"), mode=ctypes.RTLD_GLOBAL)
        self.lib = lib = ctypes.CDLL(ctypes.util.find_library("gsl"))
        for name, arguments in [("gsl_cdf_ugaussian_Pinv", 1), ("gsl_cdf_ugaussian_P", 1), ("gsl_cdf_beta_Pinv", 3)]:
            f = getattr(lib, name)
            f.restype, f.argtypes = ctypes.c_double, [ctypes.c_double] * arguments
        # As the engine (GSLRuntime): an inverse that does not converge returns its best value
        # instead of aborting the process.
        lib.gsl_set_error_handler_off()
        self.normal_quantile = np.vectorize(lib.gsl_cdf_ugaussian_Pinv, otypes=[float])
        self.normal_cdf = np.vectorize(lib.gsl_cdf_ugaussian_P, otypes=[float])
        self._beta = lib.gsl_cdf_beta_Pinv

    def beta_table(self, mean: float, concentration: float) -> "QuantileTable":
        a, b = mean * concentration, (1 - mean) * concentration
        return QuantileTable(lambda p: self._beta(p, a, b))


class QuantileTable:
    """The engine's `QuantileTable`: 4,097 exact knots, linear in between, exact in the end cells."""

    def __init__(self, quantile, knot_count: int = 4097):
        n = knot_count - 1
        self.exact, self.cells = quantile, float(n)
        self.knots = np.array([quantile(min(max(i / n, 1e-300), 1 - 1e-16)) for i in range(knot_count)])

    def __call__(self, u: np.ndarray) -> np.ndarray:
        x = u * self.cells
        i = x.astype(np.int64)
        inner = (i > 0) & (i < len(self.knots) - 2)
        out = np.empty_like(u)
        j, f = i[inner], x[inner] - i[inner]
        out[inner] = self.knots[j] + f * (self.knots[j + 1] - self.knots[j])
        out[~inner] = [self.exact(v) for v in u[~inner]]
        return out


def _score_normalisation(sc: cs.Scenario) -> tuple:
    """The risk score's noise, mean and SD over the segment mix, in the engine's order of operations."""
    total = sum(s["weight"] for s in sc.segments)
    weights = [s["weight"] / total for s in sc.segments]
    shifts = [s["propensity_shift"] for s in sc.segments]
    mean, between = 0.0, 0.0
    for sh, w in zip(shifts, weights):
        mean += sh * w
    for sh, w in zip(shifts, weights):
        between += w * (sh - mean) * (sh - mean)
    noise = cs.score_noise(sc.p["risk.score_auc"])
    return noise, mean, math.sqrt(between + 1 + noise * noise)


def _bucket(u: np.ndarray, cumulative) -> np.ndarray:
    """The first index whose cumulative weight is ≥ u (the engine's `while u > cum[i]` walk)."""
    return np.minimum(np.searchsorted(np.asarray(cumulative), u, side="left"), len(cumulative) - 1)


def cohort(sc: cs.Scenario, replication: int, n: int, gsl: GSL | None = None) -> dict:
    """Borrowers 0..<n of a replication of a generated population, as the engine draws them
    (docs/model.md §1): arrays by borrower of segment, grade, payment multiplier, entry balance, instalment, DPD,
    arrears, entry stage (0 current, 1 delinquent, 2 defaulted), hardship, willingness, literacy,
    complaint propensity and tolerance, reachable channels, the payment and complaint clocks and
    the first capacity switch, and each borrower's key for the days' draws."""
    gsl = gsl or GSL()
    p, pop = sc.p, sc.population
    key = keys(sc.seed, replication, np.arange(n))
    u = lambda purpose: uniform(key, SETUP_DAY, purpose)
    tables = cs.PopulationTables(sc)
    seg = _bucket(u("segment"), tables.segment_cumulative)
    col = lambda name: np.array([s[name] for s in sc.segments], float)[seg]
    rho, erho = p["risk.grade_correlation"], p["risk.entry_correlation"]
    z0 = gsl.normal_quantile(u("latent_propensity"))
    z = col("propensity_shift") + z0
    base_multiplier = _exp(-p["payment.propensity_effect"] * z)
    signal = gsl.normal_cdf(rho * z0 + math.sqrt(1 - rho * rho) * gsl.normal_quantile(u("grade_noise")))
    grade = np.zeros(n, np.int64)
    for s, cumulative in enumerate(tables.grade_cumulative):
        grade[seg == s] = _bucket(signal[seg == s], cumulative)
    noise, score_mean, score_sd = _score_normalisation(sc)
    score = z + noise * gsl.normal_quantile(u("score_noise"))
    risk = gsl.normal_cdf((score - score_mean) / score_sd)
    balance = _exp(_log(col("balance_median")) + col("balance_sigma") * gsl.normal_quantile(u("balance")))
    tmin, tmax = col("term_months_min").astype(np.int64), col("term_months_max").astype(np.int64)
    span = tmax - tmin + 1
    term = tmin + np.minimum(span - 1, (u("term") * span).astype(np.int64))
    installment = balance / np.maximum(term, 1)
    share = pop["delinquent_share"]
    start = u("start_state")
    entry = start if erho == 0 else gsl.normal_cdf(erho * z0 + math.sqrt(1 - erho * erho) * gsl.normal_quantile(start))
    delinquent = entry > 1 - share
    depth = np.maximum(0, (entry - (1 - share)) / share)
    raw = np.ceil(-pop["initial_dpd_mean"] * _log1p(-np.minimum(depth, 1 - 1e-12)))
    due_within = int(pop["due_within_days"])
    current_dpd = -np.minimum(due_within - 1, (u("initial_dpd") * due_within).astype(np.int64))
    dpd = np.where(delinquent, np.minimum(pop["max_initial_dpd"], np.maximum(1, raw)).astype(np.int64), current_dpd)
    cycle, default_dpd, chargeoff_dpd = int(p["payment.cycle_days"]), int(p["metrics.default_dpd"]), int(p["metrics.chargeoff_dpd"])
    arrears = np.where(delinquent, np.minimum(balance, installment * (1 + dpd // cycle)), 0.0)
    charged = delinquent & (dpd >= chargeoff_dpd)
    arrears[charged] = balance[charged]
    stage = np.where(~delinquent, 0, np.where(dpd >= default_dpd, 2, 1))
    hardship = u("initial_hardship") < np.where(delinquent, col("initial_hardship_delinquent"), col("initial_hardship_current"))
    switch_p = np.where(hardship, col("recovery_rate"), np.minimum(1, col("hardship_rate") * p["capacity.macro_stress"]))
    with np.errstate(divide="ignore"):
        wait = np.floor(_log(u("capacity_switch")) / _log1p(-np.where(switch_p >= 1, 0.5, switch_p)))
    next_switch = np.where(switch_p <= 0, cs.BIG, np.where(switch_p >= 1, 0, np.minimum(cs.BIG - 1, SETUP_DAY + 1 + wait)))
    payment_clock, complaint_clock = -_log(u("payment")), -_log(u("complaint"))
    willingness_tables = [gsl.beta_table(p[f"willingness.mean.{g}"], p["willingness.concentration"]) for g in cs.GRADES]
    literacy_tables = [gsl.beta_table(s["literacy_mean"], s["literacy_concentration"]) for s in sc.segments]
    uw, ul = u("willingness"), u("literacy")
    willingness, literacy = np.empty(n), np.empty(n)
    for g, table in enumerate(willingness_tables):
        willingness[grade == g] = table(uw[grade == g])
    for s, table in enumerate(literacy_tables):
        literacy[seg == s] = table(ul[seg == s])
    kappa = _exp(_log(p["complaint.propensity_median"] * col("complaint_multiplier"))
                   + p["complaint.propensity_sigma"] * gsl.normal_quantile(u("complaint_propensity")))
    tol_min, tol_max = p["complaint.tolerance_min"], p["complaint.tolerance_max"]
    tolerance = (tol_min + np.floor(u("complaint_tolerance") * (tol_max - tol_min + 1))).astype(np.int64)
    reach = {"phone": u("reach_phone") < col("reach_phone"), "sms": u("reach_sms") < col("reach_sms"),
             "email": u("reach_email") < col("reach_email"), "app": u("reach_app") < col("reach_app")}
    return dict(key=key, segment=seg, grade=grade, z0=z0, base_multiplier=base_multiplier, risk=risk, balance=balance, installment=installment, dpd=dpd,
                arrears=arrears, charged_off=charged, stage=stage, hardship=hardship, next_switch=next_switch,
                payment_clock=payment_clock, complaint_clock=complaint_clock, willingness=willingness, literacy=literacy,
                kappa=kappa, tolerance=tolerance, reach=reach,
                hardship_rate=col("hardship_rate"), recovery_rate=col("recovery_rate"))
