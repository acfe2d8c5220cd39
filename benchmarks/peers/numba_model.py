#!/usr/bin/env python3
"""The CollectSim model compiled with Numba (`@njit`): the engine's day, account by account.

Where the NumPy peer (numpy_model.py) works on whole arrays masked by who is affected, this peer
is what a researcher who wants speed from Python would write: the engine's own algorithm as
scalar code, compiled by LLVM as Swift is. Each day is the engine's three passes — pass 1 (latent
dynamics, the rule choice, messages at once, collector work queued) account by account; pass 2
(each team of `--block` accounts shares its collectors by the strategy's priority); pass 3 (the
settlement) account by account — with each account's fields side by side (one row per account,
as the engine's records are). It does not carry an account alone through its quiet days as the
engine does (`BlockSimulator.carry`, `QuietDays.swift`): every open account is visited in full on
every day.

Same mechanisms and parameters as the engine, from the same resolved scenario, and the same
randomness: the engine's cohort and its counter-based draws (engine_draws.py), each drawn for
the same (borrower, day, purpose) as the engine draws it, with GSL's inverse CDFs and the
engine's quantile tables. So its accounts are the engine's, bit for bit: `--accounts FILE`
(with `--history FILE`) writes them as the engine's accounts.csv (and history.csv), and
`benchmarks/same-accounts` compares the two row by row. Compilation (about 40 s) happens once,
before the clock starts, and is reported as `compile_seconds`.

Usage: numba_model.py RESOLVED_SCENARIO.yaml [--population N] [--replications R] [--block B]
       numba_model.py RESOLVED_SCENARIO.yaml --population N [--replications R] --accounts FILE [--history FILE]
Prints one JSON object, as the other peers do (or, with --accounts, writes the accounts).
"""
from __future__ import annotations

import math
import time

import numpy as np
from numba import njit

import account_export
import collectsim_scenario as cs
import engine_draws
from collectsim_scenario import (BIG, CALL, CHARGED_OFF, COMPLAINED, COUNSELLED, EDUCATED, EMPATHETIC, FIRM, FOLLOWUP,
                                 GENTLE, HARDSHIP_REPORTED, IN_DEFERRAL, K_AGENCY, K_COUNSELLING, K_DEFERRAL,
                                 K_EDUCATION, K_INSTALLMENT, K_LEGAL, LEGAL_PENDING, NEVER, ON_PLAN, PLACED, PLAN_BROKEN,
                                 PROMISE_BROKEN, PROMISE_PENDING, VISIT)

# The engine's keyed draws (engine_draws.py): SplitMix64 constants, one code per purpose, and
# GSL's inverse CDFs called from compiled code through ctypes.
_GAMMA, _M1, _M2 = engine_draws.GAMMA, engine_draws.M1, engine_draws.M2
for _name, _code in engine_draws.PURPOSE.items():
    globals()["P_" + _name.upper()] = _code
_GSL = engine_draws.GSL()
_beta_pinv = _GSL.lib.gsl_cdf_beta_Pinv
_normal_pinv = _GSL.lib.gsl_cdf_ugaussian_Pinv

# Columns of the float state F[account, field].
(BALANCE, ARREARS, INSTALLMENT, COLLECTED, DISCOUNTED, COSTS, COMMISSION, PROMISE_AMOUNT, PLAN_AMOUNT, COMMISSION_RATE,
 BASE_MULTIPLIER, RISK, WILLINGNESS, LITERACY, STRESS, PEAK_STRESS, EXCITATION, PRESSURE, KAPPA, SATISFACTION,
 PAYMENT_CLOCK, COMPLAINT_CLOCK, HARDSHIP_RATE, RECOVERY_RATE) = range(24)
# Columns of the integer state I[account, field].
(DPD, FLAGS, SEG, GRADE, HARDSHIP, CLOSED, NEXT_SWITCH, PROMISE_DUE, PLAN_NEXT_DUE, PLAN_REMAINING, PLAN_MISSES,
 PLAN_BREAK_AFTER, DEFERRAL_UNTIL, LEGAL_DAY, EDUCATION_DAY, COOL_OFF_UNTIL, LAST_CONVERSATION, LAST_CONTACT,
 LAST_COMPLAINT, COMPLAINT_COUNT, DEFAULT_DAY, CHARGEOFF_DAY, CURE_DAY, RESOLVED_DAY, DELINQUENT_SINCE, TOLERANCE,
 REACH) = range(27)
# Counters.
(N_COMPLAINTS, N_ESCALATIONS, N_DISPUTES) = range(3)
# Columns of the action table A[action, column] (floats, as the table holds a commission).
(A_KIND, A_CHANNEL, A_EVERY, A_SLOT, A_TONE, A_ATTEMPTS, A_THIRD_PARTY, A_INSTALLMENTS, A_DOWN, A_FEE_WAIVER,
 A_BREAK_AFTER, A_DEFERRAL_DAYS, A_COMMISSION) = range(13)
# Columns of the rule table R[rule, column] (floats; masks are ≤ 2^53 except segments, kept apart).
(R_DPD_LO, R_DPD_HI, R_GRADES, R_RISK_LO, R_RISK_HI, R_OVERDUE_LO, R_OVERDUE_HI, R_REQUIRED, R_FORBIDDEN, R_DAY_MASK,
 R_FIRST_ACTION, R_ACTIONS, R_NEEDS_CALL, R_NEEDS_VISIT) = range(14)

COEFFICIENTS = {
    "stress_keep": lambda p: 1 - p["stress.daily_decay"], "pressure_keep": lambda p: 1 - p["complaint.pressure_decay"],
    "excitation_keep": lambda p: math.exp(-p["payment.excitation_decay"]), "fatigue_keep": lambda p: 1 - p["fatigue.daily_decay"],
    "macro_stress": "capacity.macro_stress", "deferral_recovery": "deferral.recovery_multiplier",
    "neglect_after": "willingness.neglect_after_days", "neglect_decay": "willingness.neglect_decay",
    "education_literacy": "education.literacy_gain", "education_willingness": "education.willingness_gain",
    "sat_education": "satisfaction.education", "recent_days": "complaint.recent_days",
    "education_delay": "education.delay_days", "education_cost": "action.education.cost",
    "legal_median": "legal.delay_median_days", "legal_sigma": "legal.delay_sigma", "legal_cost": "action.legal.filing_cost",
    "dispute": "legal.dispute_probability", "legal_complaint": "legal.complaint_probability",
    "violation_penalty": "complaint.violation_penalty", "sat_violation": "satisfaction.violation",
    "legal_risk": "complaint.legal_risk_per_violation", "message_read": "contact.message_read",
    "weekend_rpc": "contact.weekend_rpc_factor", "connected_cost": "action.call.connected_cost",
    "empathetic_cost": "action.empathetic.cost_multiplier", "visit_rpc": "contact.visit_rpc",
    "third_party_reach": "contact.third_party_reach", "third_party_effect": "contact.third_party_effect",
    "complaint_weekend": "complaint.weekend", "over_tolerance": "complaint.over_tolerance_penalty",
    "gentle_base": "tone.gentle.fit_base", "gentle_slope": "tone.gentle.fit_willingness",
    "firm_base": "tone.firm.fit_base", "firm_slope": "tone.firm.fit_unwillingness", "firm_hardship": "tone.firm.fit_hardship",
    "empathetic_base": "tone.empathetic.fit_base", "empathetic_slope": "tone.empathetic.fit_willingness",
    "fatigue_sensitivity": "fatigue.sensitivity", "sat_firm": "satisfaction.firm_contact",
    "firm_hardship_loss": "willingness.firm_hardship_loss", "sat_empathetic": "satisfaction.empathetic_contact",
    "empathetic_gain": "willingness.empathetic_gain", "sat_visit": "satisfaction.visit",
    "disclosure": "capacity.hardship_disclosure", "counselling_cost": "action.counselling.cost",
    "counselling_literacy": "counselling.literacy_gain", "plan_intercept": "plan.acceptance_intercept",
    "plan_willingness": "plan.acceptance_willingness", "plan_literacy": "plan.acceptance_literacy",
    "plan_stress": "plan.acceptance_stress", "plan_hardship": "plan.acceptance_hardship",
    "plan_fee_waiver": "plan.acceptance_fee_waiver", "plan_counselling": "plan.acceptance_counselling",
    "fee_rate": "plan.fee_rate", "plan_gain": "willingness.plan_gain", "sat_plan": "satisfaction.plan",
    "deferral_uptake": "deferral.uptake", "jump_base": "payment.repayment_jump_base",
    "jump_fraction": "payment.repayment_jump_fraction", "sat_cure": "satisfaction.cure",
    "escalation": "complaint.escalation_probability", "complaint_loss": "willingness.complaint_loss",
    "sat_complaint": "satisfaction.complaint", "judgment": "legal.judgment_probability",
    "legal_fraction_mean": "legal.recovery_fraction_mean", "legal_fraction_concentration": "legal.recovery_fraction_concentration",
    "keep_able": "plan.keep_able", "keep_hardship": "plan.keep_hardship", "keep_counselling": "plan.keep_counselling_boost",
    "broken_loss": "willingness.broken_promise_loss", "willingness_effect": "payment.willingness_effect",
    "literacy_effect": "payment.literacy_effect", "stress_effect": "payment.stress_effect",
    "hardship_factor": "payment.hardship_factor", "due_excitation": "payment.due_excitation_weight",
    "promise_kept_able": "payment.promise_kept_able", "promise_kept_hardship": "payment.promise_kept_hardship",
    "deferral_hazard": "deferral.hazard_factor", "max_able": "payment.max_installments_able",
    "max_hardship": "payment.max_installments_hardship", "cure_able": "payment.cure_share_able",
    "cure_hardship": "payment.cure_share_hardship", "promise_share": "payment.promise_share",
    "promise_days": "payment.promise_days", "partial_mean": "payment.partial_fraction_mean",
    "partial_concentration": "payment.partial_fraction_concentration", "complaint_stress": "complaint.stress_effect",
    "agency_skill": "agency.skill",
}
COEFFICIENT_NAMES = list(COEFFICIENTS) + [
    "cycle", "default_dpd", "chargeoff_dpd", "enforce", "cool_off_days", "after_conversation", "third_party_allowed",
    "skill"]
# The coefficients travel as one float array (a pointer, where a tuple of a hundred floats would
# be copied into every call), read through these constant indices: C_STRESS_KEEP = 0, ...
for _i, _name in enumerate(COEFFICIENT_NAMES):
    globals()["C_" + _name.upper()] = _i


def coefficients(sc: cs.Scenario, t: cs.Tables, strategy: cs.Strategy) -> np.ndarray:
    p = sc.p
    values = {k: float(v(p) if callable(v) else p[v]) for k, v in COEFFICIENTS.items()}
    values.update(cycle=float(t.cycle), default_dpd=float(t.default_dpd), chargeoff_dpd=float(t.chargeoff_dpd),
                  enforce=1.0 if t.enforce else 0.0, cool_off_days=float(t.cool_off_days),
                  after_conversation=float(t.after_conversation), third_party_allowed=1.0 if t.third_party_allowed else 0.0,
                  skill=float(strategy.skill))
    return np.array([values[name] for name in COEFFICIENT_NAMES])


def compile_rules(rules: list, actions: list) -> tuple:
    """Rules as rows of a float table (and their segment masks), appending their actions."""
    table, segments = [], []
    for r in rules:
        first = len(actions)
        for a in r.actions:
            actions.append([a.kind, a.channel, a.every, a.slot, a.tone, a.attempts, float(a.third_party), a.installments,
                            a.down_payment, float(a.fee_waiver), a.break_after, a.deferral_days, a.commission])
        table.append([r.dpd_lo, r.dpd_hi, r.grades, r.risk_lo, r.risk_hi, r.overdue_lo, r.overdue_hi, r.required, r.forbidden,
                      r.day_mask, first, len(r.actions), float(r.needs(CALL)), float(r.needs(VISIT))])
        segments.append(r.segments)
    return np.array(table, float).reshape(-1, 14), np.array(segments, np.uint64)


# --- the mechanisms, one account at a time ----------------------------------------------------

@njit(inline='always')
def mix(x):
    """The SplitMix64 finaliser (uint64 arithmetic wraps, as Swift's &+ and &*)."""
    z = x + _GAMMA
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@njit(inline='always')
def unit(bits):
    return (float(bits >> np.uint64(11)) + 0.5) * 1.1102230246251565e-16


@njit(inline='always')
def bits(K, j, t, purpose):
    counter = (np.uint64(t) << np.uint64(8)) | np.uint64(purpose)
    return mix(K[j] ^ mix(counter * _GAMMA))


@njit(inline='always')
def u(K, j, t, purpose):
    """The engine's draw for account j on day t (`StreamKey.uniform(day:purpose:)`)."""
    return unit(bits(K, j, t, purpose))


@njit(inline='always')
def u_index(K, j, t, purpose, index):
    """The index-th draw for the same (day, purpose), as repeated call attempts make."""
    return unit(mix(bits(K, j, t, purpose) ^ (np.uint64(index) * _GAMMA)))


@njit(inline='always')
def table_quantile(knots, exact_a, exact_b, x):
    """The engine's `QuantileTable` of a beta distribution at x: linear between exact knots,
    GSL's exact quantile in the two end cells."""
    cells = knots.shape[0] - 1
    y = x * cells
    i = int(y)
    if i <= 0 or i >= knots.shape[0] - 2:
        return _beta_pinv(x, exact_a, exact_b)
    f = y - i
    return knots[i] + f * (knots[i + 1] - knots[i])


@njit(inline='always')
def redraw_switch(F, I, K, j, t, c, purpose):
    """`RegimeClock.nextSwitch`: the first day after t on which the capacity regime switches."""
    if I[j, HARDSHIP] != 0:
        defer = c[C_DEFERRAL_RECOVERY] if I[j, FLAGS] & IN_DEFERRAL else 1.0
        prob = min(1.0, F[j, RECOVERY_RATE] * defer)
    else:
        prob = min(1.0, F[j, HARDSHIP_RATE] * c[C_MACRO_STRESS])
    draw = u(K, j, t, purpose)
    if prob <= 0:
        I[j, NEXT_SWITCH] = BIG
    elif prob >= 1:
        I[j, NEXT_SWITCH] = t + 1
    else:
        I[j, NEXT_SWITCH] = int(min(float(BIG - 1), t + 1 + math.floor(math.log(draw) / math.log1p(-prob))))


@njit(inline='always')
def daily_dynamics(F, I, K, j, t, c):
    if I[j, NEXT_SWITCH] == t:
        if I[j, HARDSHIP] != 0:
            I[j, HARDSHIP] = 0
            I[j, FLAGS] &= ~HARDSHIP_REPORTED
        else:
            I[j, HARDSHIP] = 1
        redraw_switch(F, I, K, j, t, c, P_CAPACITY_SWITCH)
    F[j, STRESS] *= c[C_STRESS_KEEP]
    F[j, PRESSURE] *= c[C_PRESSURE_KEEP]
    F[j, EXCITATION] *= c[C_EXCITATION_KEEP]
    if I[j, DPD] >= c[C_DEFAULT_DPD] and t - I[j, LAST_CONTACT] >= c[C_NEGLECT_AFTER]:
        F[j, WILLINGNESS] -= c[C_NEGLECT_DECAY] * F[j, WILLINGNESS]
    if I[j, EDUCATION_DAY] == t:
        F[j, LITERACY] += c[C_EDUCATION_LITERACY] * (1 - F[j, LITERACY])
        F[j, WILLINGNESS] += c[C_EDUCATION_WILLINGNESS] * (1 - F[j, WILLINGNESS])
        F[j, SATISFACTION] = min(1.0, F[j, SATISFACTION] + c[C_SAT_EDUCATION])
        I[j, EDUCATION_DAY] = BIG
    if I[j, FLAGS] & IN_DEFERRAL and t >= I[j, DEFERRAL_UNTIL]:
        I[j, FLAGS] &= ~IN_DEFERRAL
        if I[j, HARDSHIP] != 0:
            redraw_switch(F, I, K, j, t, c, P_CAPACITY_REDRAW)
    if I[j, FLAGS] & COMPLAINED and t >= I[j, LAST_COMPLAINT] + c[C_RECENT_DAYS]:
        I[j, FLAGS] &= ~COMPLAINED


@njit(inline='always')
def choose(F, I, j, R, segments, first, count, day_bit):
    d, f = I[j, DPD], I[j, FLAGS]
    g, s = I[j, GRADE], I[j, SEG]
    for i in range(first, first + count):
        if int(R[i, R_DAY_MASK]) & day_bit == 0 or d < R[i, R_DPD_LO] or d > R[i, R_DPD_HI]:
            continue
        if (int(R[i, R_GRADES]) >> g) & 1 == 0 or (segments[i] >> np.uint64(s)) & np.uint64(1) == 0:
            continue
        req, forb = int(R[i, R_REQUIRED]), int(R[i, R_FORBIDDEN])
        if f & req != req or f & forb != 0:
            continue
        if F[j, RISK] < R[i, R_RISK_LO] or F[j, RISK] > R[i, R_RISK_HI]:
            continue
        if F[j, ARREARS] < R[i, R_OVERDUE_LO] or F[j, ARREARS] > R[i, R_OVERDUE_HI]:
            continue
        return i
    return -1


@njit(inline='always')
def due(last, A, k, j, t):
    return t - last[j, int(A[k, A_KIND])] >= A[k, A_EVERY]


@njit(inline='always')
def mark_cured(F, I, j, t, c):
    F[j, SATISFACTION] = min(1.0, F[j, SATISFACTION] + c[C_SAT_CURE])
    if I[j, CURE_DAY] == BIG:
        I[j, CURE_DAY] = t


@njit(inline='always')
def mark_resolved(I, j, t):
    if I[j, DELINQUENT_SINCE] >= 0 and I[j, RESOLVED_DAY] == BIG:
        I[j, RESOLVED_DAY] = t


@njit(inline='always')
def cure(F, I, j, t, c):
    mark_cured(F, I, j, t, c)
    mark_resolved(I, j, t)
    I[j, DPD] = 1 - int(c[C_CYCLE])
    F[j, ARREARS] = 0.0
    I[j, FLAGS] &= ~(PROMISE_PENDING | PROMISE_BROKEN | PLAN_BROKEN | IN_DEFERRAL)


@njit(inline='always')
def pay(F, I, j, t, amount, discount, c, scheduled, ends):
    before = F[j, BALANCE]
    paid = min(max(amount, 0.0), before)
    if paid <= 0:
        return
    F[j, BALANCE] = before - paid
    F[j, ARREARS] = max(0.0, F[j, ARREARS] - paid)
    F[j, COLLECTED] += paid
    F[j, DISCOUNTED] += paid * discount[t]
    if I[j, FLAGS] & PLACED:
        F[j, COMMISSION] += paid * F[j, COMMISSION_RATE]
    F[j, EXCITATION] += c[C_JUMP_BASE] + c[C_JUMP_FRACTION] * paid / before
    if ends:
        return
    if F[j, BALANCE] <= 0.005:
        I[j, CLOSED] = 1
        mark_resolved(I, j, t)
        if I[j, DPD] > 0:
            mark_cured(F, I, j, t, c)
        return
    if not scheduled and I[j, DPD] > 0 and F[j, ARREARS] <= 0.005 and I[j, FLAGS] & ON_PLAN == 0:
        cure(F, I, j, t, c)


@njit(inline='always')
def complain(F, I, K, counts, j, t, c, draw):
    counts[N_COMPLAINTS] += 1
    if u(K, j, t, P_ESCALATION) < c[C_ESCALATION]:
        counts[N_ESCALATIONS] += 1
    I[j, COOL_OFF_UNTIL] = t + int(c[C_COOL_OFF_DAYS])
    I[j, LAST_COMPLAINT] = t
    I[j, COMPLAINT_COUNT] += 1
    I[j, FLAGS] |= COMPLAINED
    F[j, WILLINGNESS] -= c[C_COMPLAINT_LOSS] * F[j, WILLINGNESS]
    F[j, SATISFACTION] = max(0.0, F[j, SATISFACTION] + c[C_SAT_COMPLAINT])
    if draw:
        F[j, PRESSURE] = 0.0


@njit(inline='always')
def contact(F, I, K, last, rings, fatigue, counts, tb, j, t, A, k, ch, skill, c):
    """One contact attempt by action k on channel ch; returns (reached, attempts)."""
    (nonworking, permitted, caps, rpc, contact_cost, complaint_weight, tone_complaint, slot_complaint, jump, decay,
     contact_stress, tone_stress, discount) = tb
    nw = nonworking[t]
    ring = t % 7
    calls_ring, contacts_ring = rings
    voice = ch == CALL or ch == VISIT
    slot, tone, n_attempts = int(A[k, A_SLOT]), int(A[k, A_TONE]), int(A[k, A_ATTEMPTS])
    breaches = 1 if t < I[j, COOL_OFF_UNTIL] else 0
    if not permitted[ch, slot, 1 if nw else 0]:
        breaches += 1
    if voice:
        week = 0
        for r in range(7):
            week += calls_ring[j, r]
        if calls_ring[j, ring] + n_attempts > caps[ch, 0] or week + n_attempts > caps[ch, 1]:
            breaches += 1
        if c[C_AFTER_CONVERSATION] > 0 and t - I[j, LAST_CONVERSATION] < c[C_AFTER_CONVERSATION]:
            breaches += 1
    last[j, int(A[k, A_KIND])] = t
    if breaches > 0:
        if c[C_ENFORCE] != 0:
            return False, 0
        F[j, PRESSURE] += c[C_VIOLATION_PENALTY] * breaches
        F[j, SATISFACTION] = max(0.0, F[j, SATISFACTION] + c[C_SAT_VIOLATION] * breaches)
        if u(K, j, t, P_VIOLATION_DISPUTE) < c[C_LEGAL_RISK] * breaches:
            counts[N_DISPUTES] += 1
    I[j, LAST_CONTACT] = t
    reachable = (I[j, REACH] >> ch) & 1 == 1
    attempts = 1
    reached = False
    if not voice:
        F[j, COSTS] += contact_cost[ch]
        purpose = P_CONTACT_SMS if ch == 0 else P_CONTACT_PUSH if ch == 1 else P_CONTACT_EMAIL
        reached = reachable and u(K, j, t, purpose) < c[C_MESSAGE_READ]
    elif ch == CALL:
        prob = min(1.0, rpc[slot] * (c[C_WEEKEND_RPC] if nw else 1.0))
        attempts = 0
        while attempts < n_attempts and not reached:
            attempts += 1
            reached = reachable and u_index(K, j, t, P_CALL_ATTEMPT, attempts) < prob
        F[j, COSTS] += contact_cost[ch] * attempts
        calls_ring[j, ring] += attempts
        if reached:
            F[j, COSTS] += c[C_CONNECTED_COST] * (c[C_EMPATHETIC_COST] if tone == EMPATHETIC else 1.0)
            I[j, LAST_CONVERSATION] = t
    else:
        F[j, COSTS] += contact_cost[ch]
        calls_ring[j, ring] += 1
        reached = u(K, j, t, P_VISIT_REACH) < c[C_VISIT_RPC]
        if reached:
            I[j, LAST_CONVERSATION] = t
    jump_scale = 1.0
    if A[k, A_THIRD_PARTY] != 0 and not reached:
        if c[C_THIRD_PARTY_ALLOWED] != 0 or c[C_ENFORCE] == 0:
            if c[C_THIRD_PARTY_ALLOWED] == 0:
                F[j, PRESSURE] += c[C_VIOLATION_PENALTY]
                F[j, SATISFACTION] = max(0.0, F[j, SATISFACTION] + c[C_SAT_VIOLATION])
            reached = u(K, j, t, P_THIRD_PARTY) < c[C_THIRD_PARTY_REACH]
            jump_scale = c[C_THIRD_PARTY_EFFECT]
    # Complaint pressure from every attempt, reached or not.
    contacts_ring[j, ring] += attempts
    week_contacts = 0
    for r in range(7):
        week_contacts += contacts_ring[j, r]
    weight = complaint_weight[ch] * tone_complaint[tone] * slot_complaint[slot] * attempts
    if nw:
        weight *= c[C_COMPLAINT_WEEKEND]
    if voice:
        weight /= max(skill, 0.01)
    excess = week_contacts - I[j, TOLERANCE]
    if excess > 0:
        weight += c[C_OVER_TOLERANCE] * min(excess, attempts)
    F[j, PRESSURE] += weight
    if reached:
        w = F[j, WILLINGNESS]
        hard = I[j, HARDSHIP] != 0
        if tone == GENTLE:
            fit = c[C_GENTLE_BASE] + c[C_GENTLE_SLOPE] * w
        elif tone == FIRM:
            fit = c[C_FIRM_HARDSHIP] if hard else c[C_FIRM_BASE] + c[C_FIRM_SLOPE] * (1 - w)
        else:
            fit = c[C_EMPATHETIC_BASE] + c[C_EMPATHETIC_SLOPE] * w
        fatigue_level, fatigue_day = fatigue
        fatigue_level[j, ch] *= math.pow(c[C_FATIGUE_KEEP], float(t - fatigue_day[j, ch]))
        fatigue_day[j, ch] = t
        damp = math.exp(-c[C_FATIGUE_SENSITIVITY] * fatigue_level[j, ch])
        age = decay[max(0, I[j, DPD])]
        F[j, EXCITATION] += jump[ch] * fit * damp * (skill if voice else 1.0) * jump_scale * age
        fatigue_level[j, ch] += 1
        F[j, STRESS] += contact_stress[ch] * tone_stress[tone]
        F[j, PEAK_STRESS] = max(F[j, PEAK_STRESS], F[j, STRESS])
        if tone == FIRM:
            F[j, SATISFACTION] = max(0.0, F[j, SATISFACTION] + c[C_SAT_FIRM])
            if hard:
                F[j, WILLINGNESS] -= c[C_FIRM_HARDSHIP_LOSS] * w
        elif tone == EMPATHETIC:
            F[j, SATISFACTION] = min(1.0, F[j, SATISFACTION] + c[C_SAT_EMPATHETIC])
            F[j, WILLINGNESS] += c[C_EMPATHETIC_GAIN] * (1 - w)
        if ch == VISIT:
            F[j, SATISFACTION] = max(0.0, F[j, SATISFACTION] + c[C_SAT_VISIT])
        if voice and hard and I[j, FLAGS] & HARDSHIP_REPORTED == 0 and u(K, j, t, P_DISCLOSURE) < c[C_DISCLOSURE]:
            I[j, FLAGS] |= HARDSHIP_REPORTED
    return reached, attempts


@njit(inline='always')
def offer_plan(F, I, K, last, j, t, A, k, discount, c):
    last[j, int(A[k, A_KIND])] = t
    if I[j, FLAGS] & ON_PLAN or F[j, ARREARS] <= 0.005 or I[j, DPD] <= 0:
        return
    logit = (c[C_PLAN_INTERCEPT] + c[C_PLAN_WILLINGNESS] * F[j, WILLINGNESS] + c[C_PLAN_LITERACY] * F[j, LITERACY]
             + c[C_PLAN_STRESS] * F[j, STRESS])
    if I[j, HARDSHIP] != 0:
        logit += c[C_PLAN_HARDSHIP]
    if A[k, A_FEE_WAIVER] != 0:
        logit += c[C_PLAN_FEE_WAIVER]
    if I[j, FLAGS] & COUNSELLED:
        logit += c[C_PLAN_COUNSELLING]
    if u(K, j, t, P_PLAN_ACCEPTANCE) >= 1 / (1 + math.exp(-logit)):
        return
    if A[k, A_FEE_WAIVER] != 0:
        F[j, COSTS] += c[C_FEE_RATE] * F[j, ARREARS]
    if A[k, A_DOWN] > 0:
        pay(F, I, j, t, A[k, A_DOWN] * F[j, ARREARS], discount, c, False, False)
    I[j, FLAGS] |= ON_PLAN
    I[j, FLAGS] &= ~(PLAN_BROKEN | PROMISE_PENDING)
    n = max(1, int(A[k, A_INSTALLMENTS]))
    I[j, PLAN_REMAINING] = n
    F[j, PLAN_AMOUNT] = F[j, ARREARS] / n
    I[j, PLAN_NEXT_DUE] = t + int(c[C_CYCLE])
    I[j, PLAN_MISSES] = 0
    I[j, PLAN_BREAK_AFTER] = max(1, int(A[k, A_BREAK_AFTER]))
    F[j, WILLINGNESS] += c[C_PLAN_GAIN] * (1 - F[j, WILLINGNESS])
    F[j, SATISFACTION] = min(1.0, F[j, SATISFACTION] + c[C_SAT_PLAN])


@njit(inline='always')
def offer_deferral(F, I, K, last, j, t, A, k, c):
    last[j, int(A[k, A_KIND])] = t
    if I[j, FLAGS] & IN_DEFERRAL or I[j, FLAGS] & ON_PLAN or I[j, DPD] <= 0:
        return
    if u(K, j, t, P_PLAN_ACCEPTANCE) >= c[C_DEFERRAL_UPTAKE]:
        return
    I[j, FLAGS] |= IN_DEFERRAL
    I[j, DEFERRAL_UNTIL] = t + int(A[k, A_DEFERRAL_DAYS])
    if I[j, HARDSHIP] != 0:
        redraw_switch(F, I, K, j, t, c, P_CAPACITY_REDRAW)
    F[j, WILLINGNESS] += c[C_PLAN_GAIN] * (1 - F[j, WILLINGNESS])
    F[j, SATISFACTION] = min(1.0, F[j, SATISFACTION] + c[C_SAT_PLAN])


@njit(inline='always')
def immediate(F, I, K, last, rings, fatigue, counts, tb, j, t, R, A, rule, c):
    first, count = int(R[rule, R_FIRST_ACTION]), int(R[rule, R_ACTIONS])
    for k in range(first, first + count):
        kind = int(A[k, A_KIND])
        if kind == 0 or kind == 1 or kind == 2 or kind == FOLLOWUP:
            if due(last, A, k, j, t):
                contact(F, I, K, last, rings, fatigue, counts, tb, j, t, A, k, int(A[k, A_CHANNEL]), 1.0, c)
        elif kind == K_EDUCATION:
            if I[j, FLAGS] & EDUCATED == 0:
                I[j, FLAGS] |= EDUCATED
                I[j, EDUCATION_DAY] = t + int(c[C_EDUCATION_DELAY])
                F[j, COSTS] += c[C_EDUCATION_COST]
                last[j, kind] = t
        elif kind == K_AGENCY:
            if I[j, FLAGS] & PLACED == 0:
                I[j, FLAGS] |= PLACED
                F[j, COMMISSION_RATE] = A[k, A_COMMISSION]
                last[j, kind] = t
        elif kind == K_LEGAL:
            if I[j, FLAGS] & LEGAL_PENDING == 0 and F[j, BALANCE] > 0:
                I[j, FLAGS] |= LEGAL_PENDING
                # LogNormal(median, σ).quantile, rounded half away from zero, at least a day.
                delay = math.exp(math.log(c[C_LEGAL_MEDIAN]) + c[C_LEGAL_SIGMA] * _normal_pinv(u(K, j, t, P_LEGAL_DELAY)))
                whole = math.floor(delay)
                if delay - whole >= 0.5:
                    whole += 1.0
                I[j, LEGAL_DAY] = int(min(float(BIG - 1), t + max(1.0, whole)))
                F[j, COSTS] += c[C_LEGAL_COST]
                if u(K, j, t, P_DISPUTE) < c[C_DISPUTE]:
                    counts[N_DISPUTES] += 1
                if u(K, j, t, P_LEGAL_OUTCOME) < c[C_LEGAL_COMPLAINT]:
                    complain(F, I, K, counts, j, t, c, False)


@njit(inline='always')
def collector_work(F, I, K, last, rings, fatigue, counts, tb, j, t, R, A, rule, ch, skill, c):
    first, count = int(R[rule, R_FIRST_ACTION]), int(R[rule, R_ACTIONS])
    action = -1
    offers_due = False
    for k in range(first, first + count):
        if int(A[k, A_CHANNEL]) != ch or not due(last, A, k, j, t):
            continue
        kind = int(A[k, A_KIND])
        if action < 0:
            action = k
        if kind != CALL and kind != VISIT:
            offers_due = True
    if action < 0:
        return
    reached, _ = contact(F, I, K, last, rings, fatigue, counts, tb, j, t, A, action, ch, skill, c)
    if not (reached and offers_due):
        return
    discount = tb[12]
    for k in range(first, first + count):
        if int(A[k, A_CHANNEL]) != ch or not due(last, A, k, j, t):
            continue
        kind = int(A[k, A_KIND])
        if kind == K_COUNSELLING:
            last[j, kind] = t
            F[j, COSTS] += c[C_COUNSELLING_COST]
            I[j, FLAGS] |= COUNSELLED
            F[j, LITERACY] += c[C_COUNSELLING_LITERACY] * (1 - F[j, LITERACY])
        elif kind == K_INSTALLMENT:
            offer_plan(F, I, K, last, j, t, A, k, discount, c)
        elif kind == K_DEFERRAL:
            offer_deferral(F, I, K, last, j, t, A, k, c)


@njit(inline='always')
def age(F, I, j, t, falls_due, c):
    d = I[j, DPD] + 1
    I[j, DPD] = d
    if falls_due[d] and I[j, FLAGS] & CHARGED_OFF == 0:
        F[j, ARREARS] = min(F[j, BALANCE], F[j, ARREARS] + F[j, INSTALLMENT])
    if d == c[C_DEFAULT_DPD] and I[j, DEFAULT_DAY] == BIG:
        I[j, DEFAULT_DAY] = t
    if d == c[C_CHARGEOFF_DPD] and I[j, CHARGEOFF_DAY] == BIG:
        I[j, CHARGEOFF_DAY] = t
        I[j, FLAGS] |= CHARGED_OFF
        F[j, ARREARS] = F[j, BALANCE]


@njit(inline='always')
def settle(F, I, K, counts, j, t, base_hazard, due_hazard, decay, falls_due, discount, c, partial_knots, legal_knots):
    if I[j, FLAGS] & LEGAL_PENDING and I[j, LEGAL_DAY] == t:
        I[j, FLAGS] &= ~LEGAL_PENDING
        if u(K, j, t, P_LEGAL_OUTCOME) < c[C_JUDGMENT]:
            m, k = c[C_LEGAL_FRACTION_MEAN], c[C_LEGAL_FRACTION_CONCENTRATION]
            fraction = table_quantile(legal_knots, m * k, (1 - m) * k, u(K, j, t, P_LEGAL_FRACTION))
            pay(F, I, j, t, fraction * F[j, BALANCE], discount, c, False, True)
            mark_resolved(I, j, t)
        I[j, CLOSED] = 1
        return
    able = I[j, HARDSHIP] == 0
    d = I[j, DPD]
    if I[j, FLAGS] & ON_PLAN:
        if I[j, PLAN_NEXT_DUE] == t:
            keep = c[C_KEEP_ABLE] if able else c[C_KEEP_HARDSHIP]
            if I[j, FLAGS] & COUNSELLED:
                keep += c[C_KEEP_COUNSELLING] * (1 - keep)
            if u(K, j, t, P_PLAN_INSTALLMENT) < keep:
                before = F[j, ARREARS]
                part = min(F[j, PLAN_AMOUNT], before)
                regular = min(F[j, INSTALLMENT], max(0.0, F[j, BALANCE] - before))
                pay(F, I, j, t, part + regular, discount, c, False, False)
                if I[j, CLOSED] == 0:
                    F[j, ARREARS] = max(0.0, before - part)
                I[j, PLAN_REMAINING] -= 1
                if I[j, CLOSED] != 0:
                    I[j, FLAGS] &= ~ON_PLAN
                elif I[j, PLAN_REMAINING] <= 0 or F[j, ARREARS] <= 0.005:
                    I[j, FLAGS] &= ~ON_PLAN
                    if F[j, ARREARS] > 0.005:
                        pay(F, I, j, t, F[j, ARREARS], discount, c, False, False)
                    if I[j, CLOSED] == 0 and F[j, ARREARS] <= 0.005:
                        cure(F, I, j, t, c)
                else:
                    I[j, PLAN_NEXT_DUE] += int(c[C_CYCLE])
            else:
                I[j, PLAN_MISSES] += 1
                I[j, PLAN_NEXT_DUE] += int(c[C_CYCLE])
                if I[j, PLAN_MISSES] >= I[j, PLAN_BREAK_AFTER]:
                    I[j, FLAGS] &= ~ON_PLAN
                    I[j, FLAGS] |= PLAN_BROKEN
                    F[j, WILLINGNESS] -= c[C_BROKEN_LOSS] * F[j, WILLINGNESS]
    elif d <= 0:
        if d < 0:
            I[j, DPD] = d + 1
        else:
            w, lit = F[j, WILLINGNESS], F[j, LITERACY]
            effect = math.exp(c[C_WILLINGNESS_EFFECT] * (w - 0.5) + c[C_LITERACY_EFFECT] * (lit - 0.5)) / (1 + c[C_STRESS_EFFECT] * F[j, STRESS])
            cap = 1.0 if able else c[C_HARDSHIP_FACTOR]
            h = due_hazard[I[j, GRADE]] * cap * effect * (1 + c[C_DUE_EXCITATION] * F[j, EXCITATION])
            if u(K, j, t, P_DUE_DATE_PAYMENT) < -math.expm1(-h):
                pay(F, I, j, t, min(F[j, INSTALLMENT], F[j, BALANCE]), discount, c, True, False)
                if I[j, CLOSED] == 0:
                    I[j, DPD] = 1 - int(c[C_CYCLE])
            else:
                F[j, ARREARS] = min(F[j, BALANCE], F[j, ARREARS] + F[j, INSTALLMENT])
                I[j, DPD] = 1
                if I[j, DELINQUENT_SINCE] < 0:
                    I[j, DELINQUENT_SINCE] = t + 1
    else:
        if I[j, FLAGS] & PROMISE_PENDING:
            if I[j, PROMISE_DUE] == t:
                I[j, FLAGS] &= ~PROMISE_PENDING
                if u(K, j, t, P_PROMISE_KEPT) < (c[C_PROMISE_KEPT_ABLE] if able else c[C_PROMISE_KEPT_HARDSHIP]):
                    pay(F, I, j, t, min(F[j, PROMISE_AMOUNT], F[j, ARREARS]), discount, c, False, False)
                else:
                    I[j, FLAGS] |= PROMISE_BROKEN
                    F[j, WILLINGNESS] -= c[C_BROKEN_LOSS] * F[j, WILLINGNESS]
        else:
            w = F[j, WILLINGNESS]
            effect = math.exp(c[C_WILLINGNESS_EFFECT] * (w - 0.5)) / (1 + c[C_STRESS_EFFECT] * F[j, STRESS])
            cap = 1.0 if able else c[C_HARDSHIP_FACTOR]
            base = base_hazard[I[j, GRADE]] * F[j, BASE_MULTIPLIER] * decay[d] * cap * effect
            if I[j, FLAGS] & IN_DEFERRAL:
                base *= c[C_DEFERRAL_HAZARD]
            F[j, PAYMENT_CLOCK] -= base + F[j, EXCITATION]
            if F[j, PAYMENT_CLOCK] <= 0:
                F[j, PAYMENT_CLOCK] = -math.log(u(K, j, t, P_PAYMENT))
                payable = min(F[j, ARREARS], F[j, INSTALLMENT] * (c[C_MAX_ABLE] if able else c[C_MAX_HARDSHIP]))
                kind = u(K, j, t, P_PAYMENT_KIND)
                cure_share = c[C_CURE_ABLE] if able else c[C_CURE_HARDSHIP]
                if kind < cure_share and payable >= F[j, ARREARS]:
                    pay(F, I, j, t, F[j, ARREARS], discount, c, False, False)
                elif kind >= cure_share and (kind - cure_share) / (1 - cure_share) < c[C_PROMISE_SHARE]:
                    I[j, FLAGS] |= PROMISE_PENDING
                    I[j, FLAGS] &= ~PROMISE_BROKEN
                    I[j, PROMISE_DUE] = t + int(c[C_PROMISE_DAYS])
                    F[j, PROMISE_AMOUNT] = payable
                else:
                    m, k = c[C_PARTIAL_MEAN], c[C_PARTIAL_CONCENTRATION]
                    fraction = table_quantile(partial_knots, m * k, (1 - m) * k, u(K, j, t, P_PAYMENT_FRACTION))
                    pay(F, I, j, t, fraction * payable, discount, c, False, False)
        if I[j, CLOSED] == 0 and I[j, DPD] > 0 and I[j, FLAGS] & IN_DEFERRAL == 0:
            age(F, I, j, t, falls_due, c)
    if I[j, CLOSED] == 0 and F[j, PRESSURE] > 0:
        F[j, COMPLAINT_CLOCK] -= F[j, KAPPA] * F[j, PRESSURE] * (1 + c[C_COMPLAINT_STRESS] * F[j, STRESS])
        if F[j, COMPLAINT_CLOCK] <= 0:
            F[j, COMPLAINT_CLOCK] = -math.log(u(K, j, t, P_COMPLAINT))
            complain(F, I, K, counts, j, t, c, True)


@njit(inline='always')
def serve(F, I, K, last, rings, fatigue, counts, tb, queue, keys, rules_of, m, cap, t, R, A, ch, skill, c):
    """Pass 2 of one team on one channel: the `cap` highest keys (ties by account) are served,
    in account order."""
    if m > cap:
        order = np.argsort(-keys[:m], kind="mergesort")  # stable: ties keep account order
        chosen = np.sort(order[:cap])
    else:
        chosen = np.arange(m)
    for q in chosen:
        collector_work(F, I, K, last, rings, fatigue, counts, tb, queue[q], t, R, A, rules_of[q], ch, skill, c)


@njit(inline='always')
def record_month_end(F, I, H, j, m):
    """Account j's state at the end of 30-day month m − 1 (m = 0: at entry), as the engine's
    history (`MonthEndState`): DPD, charged off (or closed unpaid), balance, collected."""
    H[j, m, 0] = I[j, DPD]
    # Charged off, or in the engine's bucket 5 (`Tally.rollBucket`): unpaid and closed or 180+.
    bucket5 = F[j, BALANCE] > 0.005 and (I[j, CLOSED] != 0 or I[j, DPD] >= 180)
    H[j, m, 1] = 1.0 if I[j, CHARGEOFF_DAY] != BIG or bucket5 else 0.0
    H[j, m, 2] = F[j, BALANCE]
    H[j, m, 3] = F[j, COLLECTED]


@njit
def simulate(F, I, K, H, last, rings, fatigue, counts, tb, R, segments, A, own, agency, priority, team_rates, block, c,
             base_hazard, due_hazard, falls_due, partial_knots, legal_knots):
    """One strategy over the horizon: the engine's three passes a day. When H has a row per
    account, each account's state is kept there at entry and at every 30-day month's end."""
    n = F.shape[0]
    horizon = tb[0].shape[0]
    decay, discount = tb[9], tb[12]
    calls_ring, contacts_ring = rings
    teams = (n + block - 1) // block
    chosen = np.full(n, -1, np.int64)
    demand = np.zeros(n, np.int64)  # 1: call, 2: visit, 4: agency call
    queue = np.zeros(block, np.int64)
    keys = np.zeros(block)
    rules_of = np.zeros(block, np.int64)
    months = H.shape[1] - 1
    if H.shape[0] > 0:
        for j in range(n):
            record_month_end(F, I, H, j, 0)
    for t in range(horizon):
        day_bit = 2 if tb[0][t] else 1
        # Pass 1.
        for j in range(n):
            calls_ring[j, t % 7] = 0
            contacts_ring[j, t % 7] = 0
            chosen[j] = -1
            demand[j] = 0
            if I[j, CLOSED] != 0:
                continue
            daily_dynamics(F, I, K, j, t, c)
            if I[j, FLAGS] & LEGAL_PENDING:
                continue
            placed = I[j, FLAGS] & PLACED != 0
            first, count, min_dpd = (agency[0], agency[1], agency[2]) if placed else (own[0], own[1], own[2])
            if I[j, DPD] < min_dpd:
                continue
            rule = choose(F, I, j, R, segments, first, count, day_bit)
            if rule < 0:
                continue
            chosen[j] = rule
            immediate(F, I, K, last, rings, fatigue, counts, tb, j, t, R, A, rule, c)
            a0, na = int(R[rule, R_FIRST_ACTION]), int(R[rule, R_ACTIONS])
            for ch, bit in ((CALL, 1), (VISIT, 2)):
                if (ch == CALL and R[rule, R_NEEDS_CALL] == 0) or (ch == VISIT and (R[rule, R_NEEDS_VISIT] == 0 or placed)):
                    continue
                for k in range(a0, a0 + na):
                    if int(A[k, A_CHANNEL]) == ch and due(last, A, k, j, t):
                        demand[j] |= 4 if placed else bit
                        break
        # Pass 2: per team, in-house calls, then visits, then the agency's calls.
        for kind, ch, rate_row, agency_work in ((1, CALL, 0, False), (2, VISIT, 1, False), (4, CALL, 2, True)):
            skill = c[C_AGENCY_SKILL] if agency_work else c[C_SKILL]
            for b in range(teams):
                rate = team_rates[rate_row, b]
                cap = int(math.floor(rate * (t + 1)) - math.floor(rate * t))
                m = 0
                for j in range(b * block, min(n, (b + 1) * block)):
                    if demand[j] & kind:
                        queue[m] = j
                        rules_of[m] = chosen[j]
                        p = PRIORITY_DPD if agency_work else priority
                        keys[m] = (F[j, RISK] if p == 0 else F[j, ARREARS] if p == 1 else float(I[j, DPD]) if p == 2
                                   else -float(I[j, DPD]))
                        m += 1
                if m > 0:
                    serve(F, I, K, last, rings, fatigue, counts, tb, queue, keys, rules_of, m, cap, t, R, A, ch, skill, c)
        # Pass 3.
        for j in range(n):
            if I[j, CLOSED] == 0:
                settle(F, I, K, counts, j, t, base_hazard, due_hazard, decay, falls_due, discount, c, partial_knots, legal_knots)
        if H.shape[0] > 0 and t % 30 == 29 and t // 30 < months:
            for j in range(n):
                record_month_end(F, I, H, j, t // 30 + 1)


PRIORITY = {"risk": 0, "balance": 1, "dpd": 2, "early": 3}
# The agency's collectors take the deepest arrears first (`priorityKey(j, .dpd)`).
PRIORITY_DPD = PRIORITY["dpd"]


def run_strategy(sc: cs.Scenario, pop: dict, strategy: cs.Strategy, block: int, history: bool = False) -> tuple:
    """Compiles the strategy to tables, runs it on a copy of the cohort, and returns its metrics,
    its accounts' end state (F, I) and, with `history`, their month-end states (H)."""
    n = len(pop["balance"])
    tables = cs.Tables(sc, strategy, n, block)
    c = coefficients(sc, tables, strategy)
    actions: list = []
    own_r, own_s = compile_rules(strategy.rules, actions)
    ag_r, ag_s = compile_rules(strategy.agency_rules, actions)
    R = np.vstack([own_r, ag_r]) if len(ag_r) else own_r
    segments = np.concatenate([own_s, ag_s])
    # Agency placement is the only action whose effect depends on the agency's rules being there.
    own = (0, len(own_r), strategy.rules_min_dpd)
    agency = (len(own_r), len(ag_r), strategy.agency_min_dpd)
    A = np.array(actions, float).reshape(-1, 13)
    F = np.zeros((n, 24))
    I = np.zeros((n, 27), np.int64)
    F[:, BALANCE], F[:, ARREARS], F[:, INSTALLMENT] = pop["balance"], pop["arrears"], pop["installment"]
    F[:, BASE_MULTIPLIER], F[:, RISK] = pop["base_multiplier"], pop["risk"]
    F[:, WILLINGNESS], F[:, LITERACY] = pop["willingness"], pop["literacy"]
    F[:, KAPPA], F[:, SATISFACTION] = pop["kappa"], sc.p["satisfaction.initial"]
    F[:, PAYMENT_CLOCK], F[:, COMPLAINT_CLOCK] = pop["payment_clock"], pop["complaint_clock"]
    F[:, HARDSHIP_RATE], F[:, RECOVERY_RATE] = pop["hardship_rate"], pop["recovery_rate"]
    delinquent = pop["dpd"] > 0
    I[:, DPD], I[:, SEG], I[:, GRADE], I[:, HARDSHIP] = pop["dpd"], pop["segment"], pop["grade"], pop["hardship"]
    I[:, FLAGS] = np.where(pop["charged_off"], CHARGED_OFF, 0)
    I[:, NEXT_SWITCH] = pop["next_switch"]
    for row in (PROMISE_DUE, PLAN_NEXT_DUE, DEFERRAL_UNTIL, LEGAL_DAY, EDUCATION_DAY, CURE_DAY, RESOLVED_DAY):
        I[:, row] = BIG
    I[:, LAST_CONVERSATION] = I[:, LAST_COMPLAINT] = NEVER
    I[:, DEFAULT_DAY] = np.where(delinquent & (pop["dpd"] >= int(sc.p["metrics.default_dpd"])), -1, BIG)
    I[:, CHARGEOFF_DAY] = np.where(pop["charged_off"], -1, BIG)
    I[:, DELINQUENT_SINCE] = np.where(delinquent, 0, -1)
    I[:, TOLERANCE] = pop["tolerance"]
    reach = pop["reach"]
    I[:, REACH] = ((reach["phone"].astype(np.int64) << CALL) | (reach["phone"].astype(np.int64) << VISIT)
                   | (reach["sms"].astype(np.int64) << 0) | (reach["sms"].astype(np.int64) << FOLLOWUP)
                   | (reach["email"].astype(np.int64) << 2) | (reach["app"].astype(np.int64) << 1))
    last = np.full((n, 12), NEVER, np.int64)
    rings = (np.zeros((n, 7), np.int64), np.zeros((n, 7), np.int64))
    fatigue = (np.zeros((n, 6)), np.zeros((n, 6), np.int64))
    counts = np.zeros(3, np.int64)
    permitted = np.array([[[cs.window_permits(tables.windows[ch], slot, nw) for nw in (False, True)]
                           for slot in range(4)] for ch in range(6)])
    caps = np.array(tables.caps, np.int64)
    tb = (np.array(sc.non_working, np.bool_), permitted, caps, np.array(tables.rpc), np.array(tables.contact_cost),
          np.array(tables.complaint_weight), np.array(tables.tone_complaint), np.array(tables.slot_complaint),
          np.array(tables.jump), np.array(tables.decay), np.array(tables.contact_stress), np.array(tables.tone_stress),
          np.array(tables.discount))
    team_rates = np.array(tables.team_rates, float)
    H = np.zeros((n if history else 0, sc.horizon // 30 + 1, 4))
    simulate(F, I, pop["key"], H, last, rings, fatigue, counts, tb, R, segments, A, own, agency, PRIORITY[strategy.priority],
             team_rates, block, c, np.array(tables.base_hazard), np.array(tables.due_hazard),
             np.array(tables.falls_due, np.bool_), pop["partial_knots"], pop["legal_knots"])
    rd = I[:, RESOLVED_DAY] != BIG
    closed = I[:, CLOSED] != 0
    metrics = cs.headline_metrics(
        sc.p, pop["balance"], F[:, COLLECTED], F[:, COSTS] + F[:, COMMISSION], I[:, DELINQUENT_SINCE] >= 0, I[:, CURE_DAY] != BIG,
        I[:, DEFAULT_DAY] != BIG, I[:, CHARGEOFF_DAY] != BIG, int(counts[N_COMPLAINTS]), F[:, SATISFACTION],
        (closed & (F[:, BALANCE] <= 0.005)) | (I[:, DPD] <= 0), F[:, PEAK_STRESS], I[:, RESOLVED_DAY][rd] - I[:, DELINQUENT_SINCE][rd])
    return metrics, F, I, H


def cohort(sc: cs.Scenario, n: int, r: int) -> dict:
    """Replication r's borrowers as the engine draws them, with the quantile tables of the
    days' beta draws (a partial payment's share, a judgment's share)."""
    pop = engine_draws.cohort(sc, r, n, _GSL)
    p = sc.p
    pop["partial_knots"] = _GSL.beta_table(p["payment.partial_fraction_mean"], p["payment.partial_fraction_concentration"]).knots
    pop["legal_knots"] = _GSL.beta_table(p["legal.recovery_fraction_mean"], p["legal.recovery_fraction_concentration"]).knots
    return pop


def replicate(sc: cs.Scenario, n: int, r: int, block: int) -> dict:
    """One replication: the engine's cohort, then each strategy on it, on the engine's draws."""
    pop = cohort(sc, n, r)
    return {s.name: run_strategy(sc, pop, s, block)[0] for s in sc.strategies}


def outcomes(sc: cs.Scenario, pop: dict, strategy: cs.Strategy, block: int, history: bool) -> tuple:
    """A strategy's accounts as account_export.write wants them."""
    _, F, I, H = run_strategy(sc, pop, strategy, block, history=history)
    return I[:, DEFAULT_DAY], I[:, CURE_DAY], F[:, COLLECTED], I[:, COMPLAINT_COUNT], H if history else None


if __name__ == "__main__":
    import sys
    if "--accounts" in sys.argv:
        account_export.command_line("Writes every account's outcome as the engine's accounts.csv.", cohort, outcomes)
        sys.exit(0)
    # Compile before the clock starts: run_peer times every call of replicate.
    sc_path = next((a for a in sys.argv[1:] if not a.startswith("--")), None)
    extra = {}
    if sc_path:
        try:
            start = time.perf_counter()
            sc = cs.load(sc_path)
            replicate(sc, 64, 0, 1024)
            extra["compile_seconds"] = time.perf_counter() - start
        except (OSError, cs.ScenarioError):
            pass  # run_peer reports it
    cs.run_peer(__doc__.split("\n\n")[0], "numba", replicate, extra=extra)
