#!/usr/bin/env python3
"""The CollectSim model (docs/model.md) vectorised in NumPy: the peer a researcher would
write. One array per account attribute; each simulated day is a sequence of whole-array
operations over the cohort, masked by who is affected.

Same mechanisms and same parameters as the engine, from the same resolved scenario file, and the
same randomness: the engine's cohort and its counter-based draws (engine_draws.py), each drawn
for the same (borrower, day, purpose) as the engine draws it. A keyed draw does not depend on
the order in which accounts are processed, so a whole-array day makes the same draws as the
engine's account-by-account one, and its accounts are the engine's, bit for bit:
`benchmarks/same-accounts --peer numpy` checks that row by row. Collector capacity is shared out
per team of `--block` accounts (1,024, as in the engine).

Usage: numpy_model.py RESOLVED_SCENARIO.yaml [--population N] [--replications R] [--block B]
       numpy_model.py RESOLVED_SCENARIO.yaml --population N [--replications R] --accounts FILE [--history FILE]
Prints one JSON object: the headline metrics per strategy (mean and 95% CI over replications),
borrower_days, seconds (simulation only), borrower_days_per_second, peak_rss_bytes (or, with
--accounts, writes every account's outcome as the engine's accounts.csv, and history.csv).
"""
from __future__ import annotations

import math

import numpy as np

import account_export
import collectsim_scenario as cs
import engine_draws
from collectsim_scenario import (BIG, CALL, CHARGED_OFF, COMPLAINED, COUNSELLED, EDUCATED, EMAIL, EMPATHETIC, FIRM,
                                 FOLLOWUP, GENTLE, HARDSHIP_REPORTED, IN_DEFERRAL, K_AGENCY, K_COUNSELLING,
                                 K_DEFERRAL, K_EDUCATION, K_INSTALLMENT, K_LEGAL, LEGAL_PENDING, NEVER, ON_PLAN,
                                 PLACED, PLAN_BROKEN, PROMISE_BROKEN, PROMISE_PENDING, PUSH, SMS, VISIT)


class Population:
    """The cohort at entry, as the engine draws it (engine_draws.cohort), with the start state the
    engine gives every account; drawn once per replication, copied for every strategy."""

    def __init__(self, sc: cs.Scenario, n: int, replication: int, gsl: engine_draws.GSL):
        p = sc.p
        c = engine_draws.cohort(sc, replication, n, gsl)
        self.key = c["key"]
        self.seg, self.grade, self.risk, self.base_multiplier = c["segment"], c["grade"], c["risk"], c["base_multiplier"]
        self.balance, self.installment, self.dpd, self.arrears = c["balance"], c["installment"], c["dpd"], c["arrears"]
        self.stage, self.hardship, self.next_switch = c["stage"], c["hardship"], c["next_switch"]
        self.willingness, self.literacy, self.kappa, self.tolerance = c["willingness"], c["literacy"], c["kappa"], c["tolerance"]
        self.payment_clock, self.complaint_clock = c["payment_clock"], c["complaint_clock"]
        self.hardship_rate, self.recovery_rate = c["hardship_rate"], c["recovery_rate"]
        delinquent = self.dpd > 0
        charged = c["charged_off"]
        self.flags = np.where(charged, CHARGED_OFF, 0).astype(np.int64)
        self.delinquent_since = np.where(delinquent, 0, -1)
        self.default_day = np.where(delinquent & (self.dpd >= int(p["metrics.default_dpd"])), -1, BIG)
        self.chargeoff_day = np.where(charged, -1, BIG)
        reach = np.zeros((6, n), bool)
        reach[CALL] = reach[VISIT] = c["reach"]["phone"]
        reach[SMS] = reach[FOLLOWUP] = c["reach"]["sms"]
        reach[EMAIL] = c["reach"]["email"]
        reach[PUSH] = c["reach"]["app"]
        self.reach = reach
        # The days' beta draws (a partial payment's share, a judgment's share) go through the
        # engine's quantile tables.
        self.partial_fraction = gsl.beta_table(p["payment.partial_fraction_mean"], p["payment.partial_fraction_concentration"])
        self.legal_fraction = gsl.beta_table(p["legal.recovery_fraction_mean"], p["legal.recovery_fraction_concentration"])
        self.normal_quantile = gsl.normal_quantile


class Simulation:
    """One strategy over the horizon on a copy of the population."""

    def __init__(self, sc: cs.Scenario, pop: Population, strategy: cs.Strategy, block: int, history: bool = False):
        self.sc, self.p, self.s = sc, sc.p, strategy
        self.key, self.partial_fraction, self.legal_fraction = pop.key, pop.partial_fraction, pop.legal_fraction
        self.normal_quantile = pop.normal_quantile
        p = sc.p
        n = len(pop.balance)
        self.n = n
        for name in ("seg", "grade", "risk", "base_multiplier", "installment", "stage", "kappa", "tolerance",
                     "reach", "hardship_rate", "recovery_rate"):
            setattr(self, name, getattr(pop, name))
        for name in ("balance", "dpd", "arrears", "flags", "delinquent_since", "default_day", "chargeoff_day",
                     "hardship", "willingness", "literacy", "payment_clock", "complaint_clock", "next_switch"):
            setattr(self, name, getattr(pop, name).copy())
        self.balance0 = pop.balance
        zeros = lambda: np.zeros(n)
        self.collected, self.discounted, self.costs, self.commission = zeros(), zeros(), zeros(), zeros()
        self.promise_amount, self.plan_amount, self.commission_rate = zeros(), zeros(), zeros()
        self.stress, self.peak_stress, self.excitation, self.pressure = zeros(), zeros(), zeros(), zeros()
        self.satisfaction = np.full(n, p["satisfaction.initial"])
        self.fatigue = np.zeros((6, n))
        self.fatigue_day = np.zeros((6, n), np.int64)
        big = lambda: np.full(n, BIG, np.int64)
        self.promise_due, self.plan_next_due, self.deferral_until, self.legal_day, self.education_day = big(), big(), big(), big(), big()
        izero = lambda: np.zeros(n, np.int64)
        self.plan_remaining, self.plan_misses, self.plan_break_after, self.cool_off_until = izero(), izero(), izero(), izero()
        self.complaint_count, self.last_contact = izero(), izero()
        self.last_conversation, self.last_complaint = np.full(n, NEVER), np.full(n, NEVER)
        self.last = np.full((12, n), NEVER, np.int64)
        self.cure_day, self.resolved_day = big(), big()
        self.closed = np.zeros(n, bool)
        self.calls_ring = np.zeros((7, n), np.int64)
        self.contacts_ring = np.zeros((7, n), np.int64)
        self.counts = {k: 0.0 for k in ("messages", "followups", "call_attempts", "calls_connected", "visits",
                                        "blocked", "violations", "complaints", "escalations", "disputes", "lawsuits",
                                        "plans_offered", "plans_completed", "plans_broken")}
        # The shared lookups and compliance rules as attributes (self.jump, self.decay, ...);
        # those indexed by arrays of accounts become arrays.
        vars(self).update(vars(cs.Tables(sc, strategy, n, block)))
        for name in ("base_hazard", "due_hazard", "decay", "falls_due", "discount"):
            setattr(self, name, np.asarray(getattr(self, name)))
        self.team_rates = [np.asarray(r) for r in self.team_rates]
        self.block = np.arange(n) // block
        # Month-end states ([account, month, (dpd, charged off, balance, collected)], month 0 at
        # entry), when recorded for account_export.
        self.months = sc.horizon // 30
        self.history = np.zeros((n, self.months + 1, 4)) if history else None
        self.record_month_end(0)

    def record_month_end(self, m):
        if self.history is not None:
            for k, v in enumerate(account_export.month_end_state(self.dpd, self.closed, self.balance, self.collected,
                                                                  self.chargeoff_day)):
                self.history[:, m, k] = v

    # --- small helpers -------------------------------------------------------------------
    def has(self, idx, flag):
        return (self.flags[idx] & flag) != 0

    def u(self, idx, t, purpose):
        """The engine's draw for each account in idx on day t (engine_draws.uniform)."""
        return engine_draws.uniform(self.key[idx], t, purpose)

    def redraw_switch(self, idx, t, purpose):
        """The first day after t on which each account's capacity regime switches: a geometric
        wait, by inversion of the engine's draw (`RegimeClock.nextSwitch`)."""
        p = self.p
        hard = self.hardship[idx]
        defer = np.where(self.has(idx, IN_DEFERRAL), p["deferral.recovery_multiplier"], 1.0)
        prob = np.where(hard, np.minimum(1, self.recovery_rate[idx] * defer),
                        np.minimum(1, self.hardship_rate[idx] * p["capacity.macro_stress"]))
        draw = self.u(idx, t, purpose)
        with np.errstate(divide="ignore", invalid="ignore"):
            wait = np.floor(np.log(draw) / np.log1p(-np.where((prob > 0) & (prob < 1), prob, 0.5)))
        self.next_switch[idx] = np.where(prob <= 0, BIG, np.where(prob >= 1, t + 1, np.minimum(BIG - 1, t + 1 + wait))).astype(np.int64)

    # --- pass 1 --------------------------------------------------------------------------
    def daily_dynamics(self, t, open_idx):
        p = self.p
        sw = open_idx[self.next_switch[open_idx] == t]
        if sw.size:
            was_hard = self.hardship[sw]
            self.hardship[sw] = ~was_hard
            self.flags[sw[was_hard]] &= ~HARDSHIP_REPORTED
            self.redraw_switch(sw, t, "capacity_switch")
        self.stress *= self.stress_keep
        self.pressure *= self.pressure_keep
        self.excitation *= self.excitation_keep
        o = open_idx
        neg = o[(self.dpd[o] >= self.default_dpd) & (t - self.last_contact[o] >= p["willingness.neglect_after_days"])]
        self.willingness[neg] -= p["willingness.neglect_decay"] * self.willingness[neg]
        ed = o[self.education_day[o] == t]
        if ed.size:
            self.literacy[ed] += p["education.literacy_gain"] * (1 - self.literacy[ed])
            self.willingness[ed] += p["education.willingness_gain"] * (1 - self.willingness[ed])
            self.satisfaction[ed] = np.minimum(1, self.satisfaction[ed] + p["satisfaction.education"])
            self.education_day[ed] = BIG
        de = o[self.has(o, IN_DEFERRAL) & (t >= self.deferral_until[o])]
        if de.size:
            self.flags[de] &= ~IN_DEFERRAL
            hard = de[self.hardship[de]]
            if hard.size:
                self.redraw_switch(hard, t, "capacity_redraw")
        cr = o[self.has(o, COMPLAINED) & (t >= self.last_complaint[o] + p["complaint.recent_days"])]
        self.flags[cr] &= ~COMPLAINED

    def choose(self, idx, rules, day_bit):
        """Index of the first matching rule for each account (−1: none)."""
        chosen = np.full(idx.size, -1)
        d, g, sg = self.dpd[idx], self.grade[idx], self.seg[idx]
        f, r, ov = self.flags[idx], self.risk[idx], self.arrears[idx]
        for i, rule in enumerate(rules):
            if rule.day_mask & day_bit == 0:
                continue
            m = (chosen < 0) & (d >= rule.dpd_lo) & (d <= rule.dpd_hi)
            if rule.grades != 0x1F:
                m &= ((rule.grades >> g) & 1) == 1
            if rule.segments != (1 << 64) - 1:
                m &= ((rule.segments >> sg) & 1) == 1
            if rule.required:
                m &= (f & rule.required) == rule.required
            if rule.forbidden:
                m &= (f & rule.forbidden) == 0
            if rule.risk_lo > -math.inf or rule.risk_hi < math.inf:
                m &= (r >= rule.risk_lo) & (r <= rule.risk_hi)
            if rule.overdue_lo > -math.inf or rule.overdue_hi < math.inf:
                m &= (ov >= rule.overdue_lo) & (ov <= rule.overdue_hi)
            chosen[m] = i
        return chosen

    def due(self, idx, a, t):
        return t - self.last[a.kind, idx] >= a.every

    def immediate(self, idx, rule, t):
        p = self.p
        for a in rule.actions:
            if idx.size == 0:
                return
            if a.kind in (SMS, PUSH, EMAIL, FOLLOWUP):
                d = idx[self.due(idx, a, t)]
                if d.size:
                    self.contact(d, t, a, a.channel, 1.0)
            elif a.kind == K_EDUCATION:
                e = idx[~self.has(idx, EDUCATED)]
                self.flags[e] |= EDUCATED
                self.education_day[e] = t + int(p["education.delay_days"])
                self.costs[e] += p["action.education.cost"]
                self.last[a.kind, e] = t
            elif a.kind == K_AGENCY:
                e = idx[~self.has(idx, PLACED)]
                self.flags[e] |= PLACED
                self.commission_rate[e] = a.commission
                self.last[a.kind, e] = t
            elif a.kind == K_LEGAL:
                e = idx[~self.has(idx, LEGAL_PENDING) & (self.balance[idx] > 0)]
                if e.size == 0:
                    continue
                self.flags[e] |= LEGAL_PENDING
                # LogNormal(median, σ).quantile of the engine's draw, rounded half away from zero.
                delay = np.exp(math.log(p["legal.delay_median_days"])
                               + p["legal.delay_sigma"] * self.normal_quantile(self.u(e, t, "legal_delay")))
                whole = np.floor(delay) + (delay - np.floor(delay) >= 0.5)
                self.legal_day[e] = np.minimum(BIG - 1, t + np.maximum(1, whole)).astype(np.int64)
                self.costs[e] += p["action.legal.filing_cost"]
                self.counts["lawsuits"] += e.size
                self.counts["disputes"] += int((self.u(e, t, "dispute") < p["legal.dispute_probability"]).sum())
                c = e[self.u(e, t, "legal_outcome") < p["legal.complaint_probability"]]
                if c.size:
                    self.complain(c, t, draw=False)

    # --- contact -------------------------------------------------------------------------
    def contact(self, idx, t, a, ch, skill):
        """Attempts one contact for each account in idx; returns (accounts, reached, attempts)."""
        p = self.p
        nw = self.sc.non_working[t]
        ring = t % 7
        voice = ch in (CALL, VISIT)
        breaches = (t < self.cool_off_until[idx]).astype(np.int64)
        if not cs.window_permits(self.windows[ch], a.slot, nw):
            breaches += 1
        if voice:
            today = self.calls_ring[ring, idx]
            week = self.calls_ring[:, idx].sum(axis=0)
            per_day, per_7 = self.caps[ch]
            breaches += ((today + a.attempts > per_day) | (week + a.attempts > per_7)).astype(np.int64)
            if self.after_conversation > 0:
                breaches += (t - self.last_conversation[idx] < self.after_conversation).astype(np.int64)
        self.last[a.kind, idx] = t
        b = breaches > 0
        if b.any():
            if self.enforce:
                self.counts["blocked"] += int(b.sum())
                idx, breaches = idx[~b], breaches[~b]
            else:
                bi, nb = idx[b], breaches[b]
                self.counts["violations"] += int(nb.sum())
                self.pressure[bi] += p["complaint.violation_penalty"] * nb
                self.satisfaction[bi] = np.maximum(0, self.satisfaction[bi] + p["satisfaction.violation"] * nb)
                self.counts["disputes"] += int((self.u(bi, t, "violation_dispute") < p["complaint.legal_risk_per_violation"] * nb).sum())
        if idx.size == 0:
            return idx, np.zeros(0, bool), np.zeros(0, np.int64)
        self.last_contact[idx] = t
        reachable = self.reach[ch, idx]
        attempts = np.ones(idx.size, np.int64)
        if ch in (SMS, PUSH, EMAIL, FOLLOWUP):
            self.costs[idx] += self.contact_cost[ch]
            self.counts["followups" if ch == FOLLOWUP else "messages"] += idx.size
            purpose = "contact_sms" if ch == SMS else "contact_push" if ch == PUSH else "contact_email"
            reached = reachable & (self.u(idx, t, purpose) < p["contact.message_read"])
        elif ch == CALL:
            prob = min(1.0, self.rpc[a.slot] * (p["contact.weekend_rpc_factor"] if nw else 1.0))
            attempts[:] = 0
            reached = np.zeros(idx.size, bool)
            for attempt in range(1, a.attempts + 1):
                trying = ~reached
                attempts[trying] += 1
                reached[trying] = reachable[trying] & (engine_draws.uniform(self.key[idx[trying]], t, "call_attempt", attempt) < prob)
            self.costs[idx] += self.contact_cost[ch] * attempts
            self.counts["call_attempts"] += int(attempts.sum())
            self.calls_ring[ring, idx] += attempts
            r = idx[reached]
            self.costs[r] += p["action.call.connected_cost"] * (p["action.empathetic.cost_multiplier"] if a.tone == EMPATHETIC else 1)
            self.counts["calls_connected"] += r.size
            self.last_conversation[r] = t
        else:
            self.costs[idx] += self.contact_cost[ch]
            self.counts["visits"] += idx.size
            self.calls_ring[ring, idx] += 1
            reached = self.u(idx, t, "visit_reach") < p["contact.visit_rpc"]
            self.last_conversation[idx[reached]] = t
        jump_scale = np.ones(idx.size)
        if a.third_party:
            tp = ~reached
            if not self.third_party_allowed and self.enforce:
                self.counts["blocked"] += int(tp.sum())
            else:
                if not self.third_party_allowed:
                    ti = idx[tp]
                    self.counts["violations"] += ti.size
                    self.pressure[ti] += p["complaint.violation_penalty"]
                    self.satisfaction[ti] = np.maximum(0, self.satisfaction[ti] + p["satisfaction.violation"])
                reached = reached.copy()
                reached[tp] = self.u(idx[tp], t, "third_party") < p["contact.third_party_reach"]
                jump_scale[tp] = p["contact.third_party_effect"]
        # Complaint pressure from every attempt, reached or not.
        self.contacts_ring[ring, idx] += attempts
        week_contacts = self.contacts_ring[:, idx].sum(axis=0)
        weight = self.complaint_weight[ch] * self.tone_complaint[a.tone] * self.slot_complaint[a.slot] * attempts
        if nw:
            weight = weight * p["complaint.weekend"]
        if voice:
            weight = weight / max(skill, 0.01)
        excess = week_contacts - self.tolerance[idx]
        weight = weight + np.where(excess > 0, p["complaint.over_tolerance_penalty"] * np.minimum(excess, attempts), 0)
        self.pressure[idx] += weight
        r = idx[reached]
        if r.size:
            self.effect(r, t, a, ch, skill, jump_scale[reached], voice)
        return idx, reached, attempts

    def effect(self, r, t, a, ch, skill, jump_scale, voice):
        """What a contact that reached the borrower does to them."""
        p = self.p
        w = self.willingness[r]
        hard = self.hardship[r]
        if a.tone == GENTLE:
            fit = p["tone.gentle.fit_base"] + p["tone.gentle.fit_willingness"] * w
        elif a.tone == FIRM:
            fit = np.where(hard, p["tone.firm.fit_hardship"], p["tone.firm.fit_base"] + p["tone.firm.fit_unwillingness"] * (1 - w))
        else:
            fit = p["tone.empathetic.fit_base"] + p["tone.empathetic.fit_willingness"] * w
        since = t - self.fatigue_day[ch, r]
        self.fatigue[ch, r] *= self.fatigue_keep ** since
        self.fatigue_day[ch, r] = t
        damp = np.exp(-p["fatigue.sensitivity"] * self.fatigue[ch, r])
        age = self.decay[np.maximum(0, self.dpd[r])]
        self.excitation[r] += self.jump[ch] * fit * damp * (skill if voice else 1) * jump_scale * age
        self.fatigue[ch, r] += 1
        self.stress[r] += self.contact_stress[ch] * self.tone_stress[a.tone]
        self.peak_stress[r] = np.maximum(self.peak_stress[r], self.stress[r])
        if a.tone == FIRM:
            self.satisfaction[r] = np.maximum(0, self.satisfaction[r] + p["satisfaction.firm_contact"])
            self.willingness[r] -= np.where(hard, p["willingness.firm_hardship_loss"] * w, 0)
        elif a.tone == EMPATHETIC:
            self.satisfaction[r] = np.minimum(1, self.satisfaction[r] + p["satisfaction.empathetic_contact"])
            self.willingness[r] += p["willingness.empathetic_gain"] * (1 - w)
        if ch == VISIT:
            self.satisfaction[r] = np.maximum(0, self.satisfaction[r] + p["satisfaction.visit"])
        if voice:
            cand = r[hard & ~self.has(r, HARDSHIP_REPORTED)]
            if cand.size:
                self.flags[cand[self.u(cand, t, "disclosure") < p["capacity.hardship_disclosure"]]] |= HARDSHIP_REPORTED

    # --- pass 2 --------------------------------------------------------------------------
    def select(self, idx, keys, rate, t):
        """The accounts collectors reach today: per team, the highest priority keys up to its capacity."""
        if idx.size == 0:
            return idx, 0
        cap = (np.floor(rate * (t + 1)) - np.floor(rate * t)).astype(np.int64)
        blocks = self.block[idx]
        order = np.lexsort((idx, -keys, blocks))
        sb = blocks[order]
        first = np.searchsorted(sb, sb, side="left")
        rank = np.arange(idx.size) - first
        keep = order[rank < cap[sb]]
        unserved = idx.size - keep.size
        return np.sort(idx[keep]), unserved

    def priority_key(self, idx, priority):
        if priority == "risk":
            return self.risk[idx]
        if priority == "balance":
            return self.arrears[idx]
        if priority == "dpd":
            return self.dpd[idx].astype(float)
        return -self.dpd[idx].astype(float)

    def collector_work(self, idx, rule_of, rules, ch, t, skill):
        for i, rule in enumerate(rules):
            acc = idx[rule_of == i]
            if acc.size == 0:
                continue
            on_channel = [(k, a) for k, a in enumerate(rule.actions) if a.channel == ch]
            contact_action = np.full(acc.size, -1)
            offers_due = np.zeros(acc.size, bool)
            for k, a in on_channel:
                d = self.due(acc, a, t)
                contact_action[(contact_action < 0) & d] = k
                if a.kind not in (CALL, VISIT):
                    offers_due |= d
            for k, a in on_channel:
                sel = contact_action == k
                if not sel.any():
                    continue
                who, reached, _ = self.contact(acc[sel], t, a, ch, skill)
                offered = who[reached & offers_due[np.searchsorted(acc, who)]]
                for _, o in on_channel:
                    if offered.size == 0:
                        break
                    if o.kind not in (K_COUNSELLING, K_INSTALLMENT, K_DEFERRAL):
                        continue
                    d = offered[self.due(offered, o, t)]
                    if o.kind == K_COUNSELLING:
                        self.counsel(d, t, o)
                    elif o.kind == K_INSTALLMENT:
                        self.offer_plan(d, t, o)
                    else:
                        self.offer_deferral(d, t, o)

    def counsel(self, idx, t, a):
        p = self.p
        self.last[a.kind, idx] = t
        self.costs[idx] += p["action.counselling.cost"]
        self.flags[idx] |= COUNSELLED
        self.literacy[idx] += p["counselling.literacy_gain"] * (1 - self.literacy[idx])

    def offer_plan(self, idx, t, a):
        p = self.p
        self.last[a.kind, idx] = t
        idx = idx[~self.has(idx, ON_PLAN) & (self.arrears[idx] > 0.005) & (self.dpd[idx] > 0)]
        if idx.size == 0:
            return
        self.counts["plans_offered"] += idx.size
        logit = (p["plan.acceptance_intercept"] + p["plan.acceptance_willingness"] * self.willingness[idx]
                 + p["plan.acceptance_literacy"] * self.literacy[idx] + p["plan.acceptance_stress"] * self.stress[idx])
        logit = logit + np.where(self.hardship[idx], p["plan.acceptance_hardship"], 0)
        if a.fee_waiver:
            logit = logit + p["plan.acceptance_fee_waiver"]
        logit = logit + np.where(self.has(idx, COUNSELLED), p["plan.acceptance_counselling"], 0)
        idx = idx[self.u(idx, t, "plan_acceptance") < 1 / (1 + np.exp(-logit))]
        if idx.size == 0:
            return
        if a.fee_waiver:
            self.costs[idx] += p["plan.fee_rate"] * self.arrears[idx]
        if a.down_payment > 0:
            self.pay(idx, t, a.down_payment * self.arrears[idx])
        self.flags[idx] |= ON_PLAN
        self.flags[idx] &= ~(PLAN_BROKEN | PROMISE_PENDING)
        k = max(1, a.installments)
        self.plan_remaining[idx] = k
        self.plan_amount[idx] = self.arrears[idx] / k
        self.plan_next_due[idx] = t + self.cycle
        self.plan_misses[idx] = 0
        self.plan_break_after[idx] = max(1, a.break_after)
        self.willingness[idx] += p["willingness.plan_gain"] * (1 - self.willingness[idx])
        self.satisfaction[idx] = np.minimum(1, self.satisfaction[idx] + p["satisfaction.plan"])

    def offer_deferral(self, idx, t, a):
        p = self.p
        self.last[a.kind, idx] = t
        idx = idx[~self.has(idx, IN_DEFERRAL) & ~self.has(idx, ON_PLAN) & (self.dpd[idx] > 0)]
        idx = idx[self.u(idx, t, "plan_acceptance") < p["deferral.uptake"]]
        if idx.size == 0:
            return
        self.flags[idx] |= IN_DEFERRAL
        self.deferral_until[idx] = t + a.deferral_days
        hard = idx[self.hardship[idx]]
        if hard.size:
            self.redraw_switch(hard, t, "capacity_redraw")
        self.willingness[idx] += p["willingness.plan_gain"] * (1 - self.willingness[idx])
        self.satisfaction[idx] = np.minimum(1, self.satisfaction[idx] + p["satisfaction.plan"])

    # --- pass 3 --------------------------------------------------------------------------
    def pay(self, idx, t, amount, scheduled=False, ends=False):
        before = self.balance[idx]
        paid = np.minimum(np.maximum(amount, 0), before)
        m = paid > 0
        idx, paid, before = idx[m], paid[m], before[m]
        if idx.size == 0:
            return
        self.balance[idx] = before - paid
        self.arrears[idx] = np.maximum(0, self.arrears[idx] - paid)
        self.collected[idx] += paid
        self.discounted[idx] += paid * self.discount[t]
        self.commission[idx] += np.where(self.has(idx, PLACED), paid * self.commission_rate[idx], 0)
        self.excitation[idx] += self.p["payment.repayment_jump_base"] + self.p["payment.repayment_jump_fraction"] * paid / before
        if ends:
            return
        settled = self.balance[idx] <= 0.005
        s = idx[settled]
        if s.size:
            self.closed[s] = True
            self.mark_resolved(s, t)
            self.mark_cured(s[self.dpd[s] > 0], t)
        if not scheduled:
            rest = idx[~settled]
            c = rest[(self.dpd[rest] > 0) & (self.arrears[rest] <= 0.005) & ~self.has(rest, ON_PLAN)]
            if c.size:
                self.cure(c, t)

    def cure(self, idx, t):
        self.mark_cured(idx, t)
        self.mark_resolved(idx, t)
        self.dpd[idx] = 1 - self.cycle
        self.arrears[idx] = 0
        self.flags[idx] &= ~(PROMISE_PENDING | PROMISE_BROKEN | PLAN_BROKEN | IN_DEFERRAL)

    def mark_cured(self, idx, t):
        self.satisfaction[idx] = np.minimum(1, self.satisfaction[idx] + self.p["satisfaction.cure"])
        first = idx[self.cure_day[idx] == BIG]
        self.cure_day[first] = t

    def mark_resolved(self, idx, t):
        m = idx[(self.delinquent_since[idx] >= 0) & (self.resolved_day[idx] == BIG)]
        self.resolved_day[m] = t

    def complain(self, idx, t, draw):
        p = self.p
        self.counts["complaints"] += idx.size
        self.counts["escalations"] += int((self.u(idx, t, "escalation") < p["complaint.escalation_probability"]).sum())
        self.cool_off_until[idx] = t + self.cool_off_days
        self.last_complaint[idx] = t
        self.complaint_count[idx] += 1
        self.flags[idx] |= COMPLAINED
        self.willingness[idx] -= p["willingness.complaint_loss"] * self.willingness[idx]
        self.satisfaction[idx] = np.maximum(0, self.satisfaction[idx] + p["satisfaction.complaint"])
        if draw:
            self.pressure[idx] = 0

    def settle(self, t, o):
        p = self.p
        legal = o[self.has(o, LEGAL_PENDING) & (self.legal_day[o] == t)]
        if legal.size:
            self.flags[legal] &= ~LEGAL_PENDING
            win = legal[self.u(legal, t, "legal_outcome") < p["legal.judgment_probability"]]
            if win.size:
                self.pay(win, t, self.legal_fraction(self.u(win, t, "legal_fraction")) * self.balance[win], ends=True)
                self.mark_resolved(win, t)
            self.closed[legal] = True
            o = o[~self.closed[o]]
        able = ~self.hardship
        on_plan = self.has(o, ON_PLAN)
        plan = o[on_plan]
        current = o[~on_plan & (self.dpd[o] <= 0)]
        delinquent = o[~on_plan & (self.dpd[o] > 0)]
        # Plans.
        due = plan[self.plan_next_due[plan] == t]
        if due.size:
            keep = np.where(able[due], p["plan.keep_able"], p["plan.keep_hardship"])
            keep = np.where(self.has(due, COUNSELLED), keep + p["plan.keep_counselling_boost"] * (1 - keep), keep)
            kept_mask = self.u(due, t, "plan_installment") < keep
            kept, missed = due[kept_mask], due[~kept_mask]
            if kept.size:
                before = self.arrears[kept].copy()
                part = np.minimum(self.plan_amount[kept], before)
                regular = np.minimum(self.installment[kept], np.maximum(0, self.balance[kept] - before))
                self.pay(kept, t, part + regular)
                still = ~self.closed[kept]
                self.arrears[kept[still]] = np.maximum(0, before[still] - part[still])
                self.plan_remaining[kept] -= 1
                done_closed = kept[~still]
                self.flags[done_closed] &= ~ON_PLAN
                self.counts["plans_completed"] += done_closed.size
                live = kept[still]
                finish = live[(self.plan_remaining[live] <= 0) | (self.arrears[live] <= 0.005)]
                cont = live[~((self.plan_remaining[live] <= 0) | (self.arrears[live] <= 0.005))]
                if finish.size:
                    self.flags[finish] &= ~ON_PLAN
                    self.counts["plans_completed"] += finish.size
                    rest = finish[self.arrears[finish] > 0.005]
                    if rest.size:
                        self.pay(rest, t, self.arrears[rest])
                    c = finish[~self.closed[finish] & (self.arrears[finish] <= 0.005)]
                    if c.size:
                        self.cure(c, t)
                self.plan_next_due[cont] += self.cycle
            if missed.size:
                self.plan_misses[missed] += 1
                self.plan_next_due[missed] += self.cycle
                broke = missed[self.plan_misses[missed] >= self.plan_break_after[missed]]
                self.flags[broke] &= ~ON_PLAN
                self.flags[broke] |= PLAN_BROKEN
                self.counts["plans_broken"] += broke.size
                self.willingness[broke] -= p["willingness.broken_promise_loss"] * self.willingness[broke]
        # Current accounts: the due date.
        at_due = current[self.dpd[current] == 0]
        self.dpd[current[self.dpd[current] < 0]] += 1
        if at_due.size:
            w, l = self.willingness[at_due], self.literacy[at_due]
            effect = np.exp(p["payment.willingness_effect"] * (w - 0.5) + p["payment.literacy_effect"] * (l - 0.5)) / (
                1 + p["payment.stress_effect"] * self.stress[at_due])
            cap = np.where(able[at_due], 1.0, p["payment.hardship_factor"])
            h = self.due_hazard[self.grade[at_due]] * cap * effect * (1 + p["payment.due_excitation_weight"] * self.excitation[at_due])
            paid_mask = self.u(at_due, t, "due_date_payment") < -np.expm1(-h)
            paid, late = at_due[paid_mask], at_due[~paid_mask]
            if paid.size:
                self.pay(paid, t, np.minimum(self.installment[paid], self.balance[paid]), scheduled=True)
                still = paid[~self.closed[paid]]
                self.dpd[still] = 1 - self.cycle
            if late.size:
                self.arrears[late] = np.minimum(self.balance[late], self.arrears[late] + self.installment[late])
                self.dpd[late] = 1
                first = late[self.delinquent_since[late] < 0]
                self.delinquent_since[first] = t + 1
        # Delinquent accounts: promises, then the payment hazard.
        pending = self.has(delinquent, PROMISE_PENDING)
        promised = delinquent[pending]
        pd = promised[self.promise_due[promised] == t]
        if pd.size:
            self.flags[pd] &= ~PROMISE_PENDING
            kept_mask = self.u(pd, t, "promise_kept") < np.where(able[pd], p["payment.promise_kept_able"], p["payment.promise_kept_hardship"])
            kept = pd[kept_mask]
            if kept.size:
                self.pay(kept, t, np.minimum(self.promise_amount[kept], self.arrears[kept]))
            broken = pd[~kept_mask]
            self.flags[broken] |= PROMISE_BROKEN
            self.willingness[broken] -= p["willingness.broken_promise_loss"] * self.willingness[broken]
        hz = delinquent[~pending]
        if hz.size:
            w = self.willingness[hz]
            effect = np.exp(p["payment.willingness_effect"] * (w - 0.5)) / (1 + p["payment.stress_effect"] * self.stress[hz])
            hard = self.hardship[hz]
            cap = np.where(hard, p["payment.hardship_factor"], 1.0)
            base = self.base_hazard[self.grade[hz]] * self.base_multiplier[hz] * self.decay[self.dpd[hz]] * cap * effect
            base = np.where(self.has(hz, IN_DEFERRAL), base * p["deferral.hazard_factor"], base)
            self.payment_clock[hz] -= base + self.excitation[hz]
            ev = hz[self.payment_clock[hz] <= 0]
            if ev.size:
                self.payment_clock[ev] = -np.log(self.u(ev, t, "payment"))
                able_ev = ~self.hardship[ev]
                payable = np.minimum(self.arrears[ev], self.installment[ev] * np.where(
                    able_ev, p["payment.max_installments_able"], p["payment.max_installments_hardship"]))
                kind = self.u(ev, t, "payment_kind")
                cure_share = np.where(able_ev, p["payment.cure_share_able"], p["payment.cure_share_hardship"])
                full = (kind < cure_share) & (payable >= self.arrears[ev])
                promise = (kind >= cure_share) & ((kind - cure_share) / (1 - cure_share) < p["payment.promise_share"])
                partial = ~full & ~promise
                f = ev[full]
                if f.size:
                    self.pay(f, t, self.arrears[f])
                pr = ev[promise]
                self.flags[pr] |= PROMISE_PENDING
                self.flags[pr] &= ~PROMISE_BROKEN
                self.promise_due[pr] = t + int(p["payment.promise_days"])
                self.promise_amount[pr] = payable[promise]
                pa = ev[partial]
                if pa.size:
                    self.pay(pa, t, self.partial_fraction(self.u(pa, t, "payment_fraction")) * payable[partial])
        ageing = delinquent[~self.closed[delinquent] & (self.dpd[delinquent] > 0) & ~self.has(delinquent, IN_DEFERRAL)]
        if ageing.size:
            self.age(ageing, t)
        # Complaints.
        o = o[~self.closed[o]]
        cp = o[self.pressure[o] > 0]
        self.complaint_clock[cp] -= self.kappa[cp] * self.pressure[cp] * (1 + p["complaint.stress_effect"] * self.stress[cp])
        ev = cp[self.complaint_clock[cp] <= 0]
        if ev.size:
            self.complaint_clock[ev] = -np.log(self.u(ev, t, "complaint"))
            self.complain(ev, t, draw=True)

    def age(self, idx, t):
        d = self.dpd[idx] + 1
        self.dpd[idx] = d
        inst = idx[self.falls_due[d] & ~self.has(idx, CHARGED_OFF)]
        self.arrears[inst] = np.minimum(self.balance[inst], self.arrears[inst] + self.installment[inst])
        dflt = idx[(d == self.default_dpd) & (self.default_day[idx] == BIG)]
        self.default_day[dflt] = t
        co = idx[(d == self.chargeoff_dpd) & (self.chargeoff_day[idx] == BIG)]
        self.chargeoff_day[co] = t
        self.flags[co] |= CHARGED_OFF
        self.arrears[co] = self.balance[co]

    # --- the day -------------------------------------------------------------------------
    def run(self):
        s = self.s
        for t in range(self.sc.horizon):
            self.calls_ring[t % 7] = 0
            self.contacts_ring[t % 7] = 0
            day_bit = 2 if self.sc.non_working[t] else 1
            o = np.flatnonzero(~self.closed)
            self.daily_dynamics(t, o)
            cand = o[~self.has(o, LEGAL_PENDING)]
            placed = self.has(cand, PLACED)
            queues = []
            for rules, who, min_dpd, agency in ((s.rules, cand[~placed], s.rules_min_dpd, False),
                                                (s.agency_rules, cand[placed], s.agency_min_dpd, True)):
                who = who[self.dpd[who] >= min_dpd]
                chosen = self.choose(who, rules, day_bit)
                call_q, call_r, visit_q, visit_r = [], [], [], []
                for i, rule in enumerate(rules):
                    acc = who[chosen == i]
                    if acc.size == 0:
                        continue
                    self.immediate(acc, rule, t)
                    for ch, q, r in ((CALL, call_q, call_r), (VISIT, visit_q, visit_r)):
                        if not rule.needs(ch) or (agency and ch == VISIT):
                            continue
                        d = np.zeros(acc.size, bool)
                        for a in rule.actions:
                            if a.channel == ch:
                                d |= self.due(acc, a, t)
                        q.append(acc[d])
                        r.append(np.full(int(d.sum()), i))
                queues.append((rules, agency, call_q, call_r, visit_q, visit_r))
            # Pass 2: collectors; in-house calls, then visits, then the agency's calls.
            work = []
            for rules, agency, call_q, call_r, visit_q, visit_r in queues:
                for ch, q, r in ((CALL, call_q, call_r), (VISIT, visit_q, visit_r)):
                    if not q:
                        continue
                    acc, rule_of = np.concatenate(q), np.concatenate(r)
                    order = np.argsort(acc)
                    acc, rule_of = acc[order], rule_of[order]
                    rate = self.team_rates[2 if agency else 0 if ch == CALL else 1]
                    keys = self.priority_key(acc, "dpd" if agency else s.priority)
                    served, _ = self.select(acc, keys, rate, t)
                    keep = np.isin(acc, served, assume_unique=True)
                    work.append((0 if not agency and ch == CALL else 1 if not agency else 2, served, rule_of[keep], rules, ch, agency))
            for _, served, rule_of, rules, ch, agency in sorted(work, key=lambda w: w[0]):
                skill = self.p["agency.skill"] if agency else s.skill
                self.collector_work(served, rule_of, rules, ch, t, skill)
            # Pass 3.
            o = np.flatnonzero(~self.closed)
            self.settle(t, o)
            if t % 30 == 29 and t // 30 < self.months:
                self.record_month_end(t // 30 + 1)

    def metrics(self) -> dict:
        rd = self.resolved_day != BIG
        return cs.headline_metrics(
            self.p, self.balance0, self.collected, self.costs + self.commission, self.delinquent_since >= 0,
            self.cure_day != BIG, self.default_day != BIG, self.chargeoff_day != BIG, self.counts["complaints"],
            self.satisfaction, (self.closed & (self.balance <= 0.005)) | (self.dpd <= 0), self.peak_stress,
            self.resolved_day[rd] - self.delinquent_since[rd])


def replicate(sc: cs.Scenario, n: int, r: int, block: int) -> dict:
    """One replication: the engine's cohort, then each strategy on a copy of it, on the engine's draws."""
    pop = Population(sc, n, r, engine_draws.GSL())
    results = {}
    for strategy in sc.strategies:
        sim = Simulation(sc, pop, strategy, block)
        sim.run()
        results[strategy.name] = sim.metrics()
    return results


def cohort(sc: cs.Scenario, n: int, r: int) -> dict:
    """Replication r's borrowers, as account_export.write wants them."""
    pop = Population(sc, n, r, engine_draws.GSL())
    return {"segment": pop.seg, "grade": pop.grade, "stage": pop.stage, "balance": pop.balance, "population": pop}


def outcomes(sc: cs.Scenario, pop: dict, strategy: cs.Strategy, block: int, history: bool) -> tuple:
    """A strategy's accounts as account_export.write wants them."""
    sim = Simulation(sc, pop["population"], strategy, block, history)
    sim.run()
    return sim.default_day, sim.cure_day, sim.collected, sim.complaint_count, sim.history


if __name__ == "__main__":
    import sys
    if "--accounts" in sys.argv:
        account_export.command_line("Writes every account's outcome as the engine's accounts.csv.", cohort, outcomes)
        sys.exit(0)
    cs.run_peer(__doc__.split("\n\n")[0], "numpy", replicate)
