#!/usr/bin/env python3
"""The CollectSim model (docs/model.md) as a Mesa agent-based model: each borrower is a
`mesa.Agent` whose methods are the day's mechanics for one account; the `mesa.Model` runs the
days and shares collector capacity between agents.

Same mechanisms and parameters as the engine, read from the same resolved scenario file, with
Python's own generator (the model's `random`), so answers agree with the engine's statistically,
within confidence intervals. Run it on a small population: it is the slow end of the table.

Usage: mesa_model.py RESOLVED_SCENARIO.yaml [--population N] [--replications R] [--block B]
Prints one JSON object like numpy_model.py's, plus agent_steps_per_second (one agent-step =
one borrower-day).
"""
from __future__ import annotations

import math
import random

import mesa
import numpy as np

import collectsim_scenario as cs
from collectsim_scenario import (BIG, CALL, CHARGED_OFF, COMPLAINED, COUNSELLED, EDUCATED, EMAIL, EMPATHETIC, FIRM,
                                 FOLLOWUP, GENTLE, HARDSHIP_REPORTED, IN_DEFERRAL, K_AGENCY, K_COUNSELLING,
                                 K_DEFERRAL, K_EDUCATION, K_INSTALLMENT, K_LEGAL, LEGAL_PENDING, NEVER, ON_PLAN,
                                 PLACED, PLAN_BROKEN, PROMISE_BROKEN, PROMISE_PENDING, PUSH, SMS, VISIT)


def phi(x):
    return 0.5 * math.erfc(-x / math.sqrt(2))


class Person:
    """A borrower's attributes at entry, drawn once per replication and shared by every strategy."""

    def __init__(self, sc: cs.Scenario, rnd, index: int, tables: cs.PopulationTables):
        p, pop = sc.p, sc.population
        u = rnd.random
        seg_cum = tables.segment_cumulative
        s = 0
        us = u()
        while s < len(seg_cum) - 1 and us > seg_cum[s]:
            s += 1
        spec = sc.segments[s]
        self.index, self.seg = index, s
        z0 = rnd.gauss(0, 1)
        z = spec["propensity_shift"] + z0
        rho = p["risk.grade_correlation"]
        signal = phi(rho * z0 + math.sqrt(1 - rho * rho) * rnd.gauss(0, 1))
        g = 0
        while g < 4 and signal > tables.grade_cumulative[s][g]:
            g += 1
        self.grade = g
        score = z + tables.score_noise * rnd.gauss(0, 1)
        self.risk = phi((score - tables.score_mean) / tables.score_sd)
        self.base_multiplier = math.exp(-p["payment.propensity_effect"] * z)
        self.balance = spec["balance_median"] * math.exp(spec["balance_sigma"] * rnd.gauss(0, 1))
        span = spec["term_months_max"] - spec["term_months_min"] + 1
        term = spec["term_months_min"] + min(span - 1, int(u() * span))
        self.installment = self.balance / max(term, 1)
        cycle = int(p["payment.cycle_days"])
        # Entry signal: the riskiest delinquent_share by it are delinquent, the riskiest of them
        # the most days past due (risk.entry_correlation ties it to the latent propensity).
        share, erho = pop["delinquent_share"], p["risk.entry_correlation"]
        entry = phi(erho * z0 + math.sqrt(1 - erho * erho) * rnd.gauss(0, 1))
        self.delinquent = entry > 1 - share
        self.flags = 0
        if self.delinquent:
            depth = min(max(0.0, (entry - (1 - share)) / share), 1 - 1e-12)
            self.dpd = int(min(pop["max_initial_dpd"], max(1, math.ceil(-pop["initial_dpd_mean"] * math.log1p(-depth)))))
            self.arrears = min(self.balance, self.installment * (1 + self.dpd // cycle))
            if self.dpd >= p["metrics.chargeoff_dpd"]:
                self.arrears = self.balance
                self.flags |= CHARGED_OFF
        else:
            self.dpd = -min(pop["due_within_days"] - 1, int(u() * pop["due_within_days"]))
            self.arrears = 0.0
        hp = spec["initial_hardship_delinquent"] if self.delinquent else spec["initial_hardship_current"]
        self.hardship = u() < hp
        wm, wc = p[f"willingness.mean.{cs.GRADES[g]}"], p["willingness.concentration"]
        self.willingness = rnd.betavariate(wm * wc, (1 - wm) * wc)
        lm, lc = spec["literacy_mean"], spec["literacy_concentration"]
        self.literacy = rnd.betavariate(lm * lc, (1 - lm) * lc)
        self.kappa = p["complaint.propensity_median"] * spec["complaint_multiplier"] * math.exp(p["complaint.propensity_sigma"] * rnd.gauss(0, 1))
        tmin, tmax = p["complaint.tolerance_min"], max(p["complaint.tolerance_min"], p["complaint.tolerance_max"])
        self.tolerance = int(tmin + math.floor(u() * (tmax - tmin + 1)))
        phone, sms = u() < spec["reach_phone"], u() < spec["reach_sms"]
        self.reach = [sms, u() < spec["reach_app"], u() < spec["reach_email"], phone, phone, sms]
        self.payment_clock = rnd.expovariate(1)
        self.complaint_clock = rnd.expovariate(1)
        first_p = spec["recovery_rate"] if self.hardship else min(1, spec["hardship_rate"] * p["capacity.macro_stress"])
        self.next_switch = geometric_day(rnd, -1, first_p)


def geometric_day(rnd, t, prob):
    """The day of the next regime switch after day t for a daily switching probability."""
    if prob <= 0:
        return BIG
    if prob >= 1:
        return t + 1
    return t + 1 + int(math.floor(math.log(1 - rnd.random()) / math.log1p(-prob)))


class Borrower(mesa.Agent):
    """One account under one strategy: the day's mechanics as methods."""

    def __init__(self, model: "CollectionModel", person: Person):
        super().__init__(model)
        p = model.p
        self.person = person
        self.index, self.seg, self.grade, self.risk = person.index, person.seg, person.grade, person.risk
        self.base_multiplier, self.installment, self.kappa = person.base_multiplier, person.installment, person.kappa
        self.tolerance, self.reach = person.tolerance, person.reach
        self.balance0 = self.balance = person.balance
        self.dpd, self.arrears, self.flags, self.hardship = person.dpd, person.arrears, person.flags, person.hardship
        self.willingness, self.literacy = person.willingness, person.literacy
        self.payment_clock, self.complaint_clock, self.next_switch = person.payment_clock, person.complaint_clock, person.next_switch
        delinquent = person.delinquent
        self.delinquent_since = 0 if delinquent else -1
        self.default_day = -1 if delinquent and self.dpd >= model.default_dpd else BIG
        self.chargeoff_day = -1 if delinquent and self.dpd >= model.chargeoff_dpd else BIG
        self.cure_day = self.resolved_day = BIG
        self.collected = self.discounted = self.costs = self.commission = 0.0
        self.promise_amount = self.plan_amount = self.commission_rate = 0.0
        self.stress = self.peak_stress = self.excitation = self.pressure = 0.0
        self.satisfaction = p["satisfaction.initial"]
        self.fatigue = [0.0] * 6
        self.fatigue_day = [0] * 6
        self.promise_due = self.plan_next_due = self.deferral_until = self.legal_day = self.education_day = BIG
        self.plan_remaining = self.plan_misses = self.plan_break_after = self.cool_off_until = 0
        self.complaint_count = self.last_contact = 0
        self.last_conversation = self.last_complaint = NEVER
        self.last = [NEVER] * 12
        self.calls_ring = [0] * 7
        self.contacts_ring = [0] * 7
        self.closed = False

    def has(self, flag):
        return self.flags & flag != 0

    def redraw_switch(self, t):
        m, p, spec = self.model, self.model.p, self.model.sc.segments[self.seg]
        if self.hardship:
            prob = min(1, spec["recovery_rate"] * (p["deferral.recovery_multiplier"] if self.has(IN_DEFERRAL) else 1))
        else:
            prob = min(1, spec["hardship_rate"] * p["capacity.macro_stress"])
        self.next_switch = geometric_day(m.random, t, prob)

    # --- pass 1: dynamics, the rule, messages, and queueing for collectors ------------------
    def begin_day(self):
        if self.closed:
            return
        m, p, t = self.model, self.model.p, self.model.day
        ring = t % 7
        self.calls_ring[ring] = 0
        self.contacts_ring[ring] = 0
        if self.next_switch == t:
            if self.hardship:
                self.flags &= ~HARDSHIP_REPORTED
            self.hardship = not self.hardship
            self.redraw_switch(t)
        self.stress *= m.stress_keep
        self.pressure *= m.pressure_keep
        self.excitation *= m.excitation_keep
        if self.dpd >= m.default_dpd and t - self.last_contact >= p["willingness.neglect_after_days"]:
            self.willingness -= p["willingness.neglect_decay"] * self.willingness
        if self.education_day == t:
            self.literacy += p["education.literacy_gain"] * (1 - self.literacy)
            self.willingness += p["education.willingness_gain"] * (1 - self.willingness)
            self.satisfaction = min(1, self.satisfaction + p["satisfaction.education"])
            self.education_day = BIG
        if self.has(IN_DEFERRAL) and t >= self.deferral_until:
            self.flags &= ~IN_DEFERRAL
            if self.hardship:
                self.redraw_switch(t)
        if self.has(COMPLAINED) and t >= self.last_complaint + p["complaint.recent_days"]:
            self.flags &= ~COMPLAINED
        if self.has(LEGAL_PENDING):
            return
        agency = self.has(PLACED)
        s = m.strategy
        rules = s.agency_rules if agency else s.rules
        if self.dpd < (s.agency_min_dpd if agency else s.rules_min_dpd):
            return
        rule_index = self.choose(rules, m.day_bit)
        if rule_index is None:
            return
        rule = rules[rule_index]
        self.immediate(rule, t)
        if rule.needs(CALL) and any(a.channel == CALL and self.due(a, t) for a in rule.actions):
            key = self.priority_key("dpd" if agency else s.priority)
            m.queues[2 if agency else 0].append((self.index, key, self, rule))
        if not agency and rule.needs(VISIT) and any(a.channel == VISIT and self.due(a, t) for a in rule.actions):
            m.queues[1].append((self.index, self.priority_key(s.priority), self, rule))

    def choose(self, rules, day_bit):
        d = self.dpd
        for i, r in enumerate(rules):
            if d < r.dpd_lo or d > r.dpd_hi or not (r.grades >> self.grade) & 1 or not (r.segments >> self.seg) & 1:
                continue
            if r.day_mask & day_bit == 0 or self.flags & r.required != r.required or self.flags & r.forbidden:
                continue
            if not (r.risk_lo <= self.risk <= r.risk_hi) or not (r.overdue_lo <= self.arrears <= r.overdue_hi):
                continue
            return i
        return None

    def priority_key(self, priority):
        return {"risk": self.risk, "balance": self.arrears, "dpd": float(self.dpd), "early": -float(self.dpd)}[priority]

    def due(self, a, t):
        return t - self.last[a.kind] >= a.every

    def immediate(self, rule, t):
        m, p = self.model, self.model.p
        for a in rule.actions:
            if a.kind in (SMS, PUSH, EMAIL, FOLLOWUP):
                if self.due(a, t):
                    self.contact(t, a, a.channel, 1.0)
            elif a.kind == K_EDUCATION:
                if not self.has(EDUCATED):
                    self.flags |= EDUCATED
                    self.education_day = t + int(p["education.delay_days"])
                    self.costs += p["action.education.cost"]
                    self.last[a.kind] = t
            elif a.kind == K_AGENCY:
                if not self.has(PLACED):
                    self.flags |= PLACED
                    self.commission_rate = a.commission
                    self.last[a.kind] = t
            elif a.kind == K_LEGAL:
                if not self.has(LEGAL_PENDING) and self.balance > 0:
                    self.flags |= LEGAL_PENDING
                    delay = p["legal.delay_median_days"] * math.exp(p["legal.delay_sigma"] * m.random.gauss(0, 1))
                    self.legal_day = t + max(1, round(delay))
                    self.costs += p["action.legal.filing_cost"]
                    m.counts["lawsuits"] += 1
                    if m.random.random() < p["legal.dispute_probability"]:
                        m.counts["disputes"] += 1
                    if m.random.random() < p["legal.complaint_probability"]:
                        self.complain(t, draw=False)

    # --- contact ---------------------------------------------------------------------------
    def contact(self, t, a, ch, skill):
        """One contact attempt; returns (reached, attempts)."""
        m, p = self.model, self.model.p
        nw = m.sc.non_working[t]
        ring = t % 7
        voice = ch in (CALL, VISIT)
        breaches = 1 if t < self.cool_off_until else 0
        if not cs.window_permits(m.windows[ch], a.slot, nw):
            breaches += 1
        if voice:
            per_day, per_7 = m.caps[ch]
            if self.calls_ring[ring] + a.attempts > per_day or sum(self.calls_ring) + a.attempts > per_7:
                breaches += 1
            if m.after_conversation > 0 and t - self.last_conversation < m.after_conversation:
                breaches += 1
        self.last[a.kind] = t
        if breaches:
            if m.enforce:
                m.counts["blocked"] += 1
                return False, 0
            m.counts["violations"] += breaches
            self.pressure += p["complaint.violation_penalty"] * breaches
            self.satisfaction = max(0, self.satisfaction + p["satisfaction.violation"] * breaches)
            if m.random.random() < p["complaint.legal_risk_per_violation"] * breaches:
                m.counts["disputes"] += 1
        self.last_contact = t
        reachable = self.reach[ch]
        attempts = 1
        if ch in (SMS, PUSH, EMAIL, FOLLOWUP):
            self.costs += m.contact_cost[ch]
            m.counts["followups" if ch == FOLLOWUP else "messages"] += 1
            reached = reachable and m.random.random() < p["contact.message_read"]
        elif ch == CALL:
            prob = min(1.0, m.rpc[a.slot] * (p["contact.weekend_rpc_factor"] if nw else 1.0))
            attempts, reached = 0, False
            while attempts < a.attempts and not reached:
                attempts += 1
                reached = reachable and m.random.random() < prob
            self.costs += m.contact_cost[ch] * attempts
            m.counts["call_attempts"] += attempts
            self.calls_ring[ring] += attempts
            if reached:
                self.costs += p["action.call.connected_cost"] * (p["action.empathetic.cost_multiplier"] if a.tone == EMPATHETIC else 1)
                m.counts["calls_connected"] += 1
                self.last_conversation = t
        else:
            self.costs += m.contact_cost[ch]
            m.counts["visits"] += 1
            self.calls_ring[ring] += 1
            reached = m.random.random() < p["contact.visit_rpc"]
            if reached:
                self.last_conversation = t
        jump_scale = 1.0
        if not reached and a.third_party:
            if not m.third_party_allowed:
                if m.enforce:
                    m.counts["blocked"] += 1
                else:
                    m.counts["violations"] += 1
                    self.pressure += p["complaint.violation_penalty"]
                    self.satisfaction = max(0, self.satisfaction + p["satisfaction.violation"])
                    reached = m.random.random() < p["contact.third_party_reach"]
                    jump_scale = p["contact.third_party_effect"]
            else:
                reached = m.random.random() < p["contact.third_party_reach"]
                jump_scale = p["contact.third_party_effect"]
        self.contacts_ring[ring] += attempts
        weight = m.complaint_weight[ch] * m.tone_complaint[a.tone] * m.slot_complaint[a.slot] * attempts
        if nw:
            weight *= p["complaint.weekend"]
        if voice:
            weight /= max(skill, 0.01)
        excess = sum(self.contacts_ring) - self.tolerance
        if excess > 0:
            weight += p["complaint.over_tolerance_penalty"] * min(excess, attempts)
        self.pressure += weight
        if not reached:
            return False, attempts
        w = self.willingness
        if a.tone == GENTLE:
            fit = p["tone.gentle.fit_base"] + p["tone.gentle.fit_willingness"] * w
        elif a.tone == FIRM:
            fit = p["tone.firm.fit_hardship"] if self.hardship else p["tone.firm.fit_base"] + p["tone.firm.fit_unwillingness"] * (1 - w)
        else:
            fit = p["tone.empathetic.fit_base"] + p["tone.empathetic.fit_willingness"] * w
        self.fatigue[ch] *= m.fatigue_keep ** (t - self.fatigue_day[ch])
        self.fatigue_day[ch] = t
        damp = math.exp(-p["fatigue.sensitivity"] * self.fatigue[ch])
        self.excitation += m.jump[ch] * fit * damp * (skill if voice else 1) * jump_scale * m.decay[max(0, self.dpd)]
        self.fatigue[ch] += 1
        self.stress += m.contact_stress[ch] * m.tone_stress[a.tone]
        self.peak_stress = max(self.peak_stress, self.stress)
        if a.tone == FIRM:
            self.satisfaction = max(0, self.satisfaction + p["satisfaction.firm_contact"])
            if self.hardship:
                self.willingness -= p["willingness.firm_hardship_loss"] * w
        elif a.tone == EMPATHETIC:
            self.satisfaction = min(1, self.satisfaction + p["satisfaction.empathetic_contact"])
            self.willingness += p["willingness.empathetic_gain"] * (1 - w)
        if ch == VISIT:
            self.satisfaction = max(0, self.satisfaction + p["satisfaction.visit"])
        if voice and self.hardship and not self.has(HARDSHIP_REPORTED) and m.random.random() < p["capacity.hardship_disclosure"]:
            self.flags |= HARDSHIP_REPORTED
        return True, attempts

    # --- pass 2: collector work ---------------------------------------------------------------
    def collector_work(self, rule, ch, skill):
        t = self.model.day
        contact_action, offers_due = None, False
        for a in rule.actions:
            if a.channel != ch or not self.due(a, t):
                continue
            if a.kind not in (CALL, VISIT):
                offers_due = True
            if contact_action is None:
                contact_action = a
        if contact_action is None:
            return
        reached, _ = self.contact(t, contact_action, ch, skill)
        if reached and offers_due:
            for o in rule.actions:
                if o.channel != ch or not self.due(o, t):
                    continue
                if o.kind == K_COUNSELLING:
                    self.counsel(t, o)
                elif o.kind == K_INSTALLMENT:
                    self.offer_plan(t, o)
                elif o.kind == K_DEFERRAL:
                    self.offer_deferral(t, o)

    def counsel(self, t, a):
        p = self.model.p
        self.last[a.kind] = t
        self.costs += p["action.counselling.cost"]
        self.flags |= COUNSELLED
        self.literacy += p["counselling.literacy_gain"] * (1 - self.literacy)

    def offer_plan(self, t, a):
        m, p = self.model, self.model.p
        self.last[a.kind] = t
        if self.has(ON_PLAN) or self.arrears <= 0.005 or self.dpd <= 0:
            return
        logit = (p["plan.acceptance_intercept"] + p["plan.acceptance_willingness"] * self.willingness
                 + p["plan.acceptance_literacy"] * self.literacy + p["plan.acceptance_stress"] * self.stress)
        if self.hardship:
            logit += p["plan.acceptance_hardship"]
        if a.fee_waiver:
            logit += p["plan.acceptance_fee_waiver"]
        if self.has(COUNSELLED):
            logit += p["plan.acceptance_counselling"]
        if m.random.random() >= 1 / (1 + math.exp(-logit)):
            return
        if a.fee_waiver:
            self.costs += p["plan.fee_rate"] * self.arrears
        down = a.down_payment * self.arrears
        if down > 0:
            self.pay(t, down)
        self.flags = (self.flags | ON_PLAN) & ~(PLAN_BROKEN | PROMISE_PENDING)
        k = max(1, a.installments)
        self.plan_remaining, self.plan_amount = k, self.arrears / k
        self.plan_next_due, self.plan_misses, self.plan_break_after = t + m.cycle, 0, max(1, a.break_after)
        self.willingness += p["willingness.plan_gain"] * (1 - self.willingness)
        self.satisfaction = min(1, self.satisfaction + p["satisfaction.plan"])

    def offer_deferral(self, t, a):
        m, p = self.model, self.model.p
        self.last[a.kind] = t
        if self.has(IN_DEFERRAL) or self.has(ON_PLAN) or self.dpd <= 0:
            return
        if m.random.random() >= p["deferral.uptake"]:
            return
        self.flags |= IN_DEFERRAL
        self.deferral_until = t + a.deferral_days
        if self.hardship:
            self.redraw_switch(t)
        self.willingness += p["willingness.plan_gain"] * (1 - self.willingness)
        self.satisfaction = min(1, self.satisfaction + p["satisfaction.plan"])

    # --- pass 3: payments, ageing, complaints ----------------------------------------------------
    def settle(self):
        if self.closed:
            return
        m, p, t = self.model, self.model.p, self.model.day
        rnd = m.random
        if self.has(LEGAL_PENDING) and self.legal_day == t:
            self.flags &= ~LEGAL_PENDING
            if rnd.random() < p["legal.judgment_probability"]:
                mean, conc = p["legal.recovery_fraction_mean"], p["legal.recovery_fraction_concentration"]
                self.pay(t, rnd.betavariate(mean * conc, (1 - mean) * conc) * self.balance, ends=True)
                self.mark_resolved(t)
            self.closed = True
            return
        able = not self.hardship
        capacity = 1.0 if able else p["payment.hardship_factor"]
        d = self.dpd
        if self.has(ON_PLAN):
            if self.plan_next_due == t:
                keep = p["plan.keep_able"] if able else p["plan.keep_hardship"]
                if self.has(COUNSELLED):
                    keep += p["plan.keep_counselling_boost"] * (1 - keep)
                if rnd.random() < keep:
                    before = self.arrears
                    part = min(self.plan_amount, before)
                    regular = min(self.installment, max(0, self.balance - before))
                    self.pay(t, part + regular)
                    if not self.closed:
                        self.arrears = max(0, before - part)
                    self.plan_remaining -= 1
                    if self.closed:
                        self.flags &= ~ON_PLAN
                    elif self.plan_remaining <= 0 or self.arrears <= 0.005:
                        self.flags &= ~ON_PLAN
                        if self.arrears > 0.005:
                            self.pay(t, self.arrears)
                        if not self.closed and self.arrears <= 0.005:
                            self.cure(t)
                    else:
                        self.plan_next_due += m.cycle
                else:
                    self.plan_misses += 1
                    self.plan_next_due += m.cycle
                    if self.plan_misses >= self.plan_break_after:
                        self.flags = (self.flags & ~ON_PLAN) | PLAN_BROKEN
                        self.willingness -= p["willingness.broken_promise_loss"] * self.willingness
        elif d <= 0:
            if d == 0:
                effect = math.exp(p["payment.willingness_effect"] * (self.willingness - 0.5) + p["payment.literacy_effect"] * (self.literacy - 0.5)) / (
                    1 + p["payment.stress_effect"] * self.stress)
                h = m.due_hazard[self.grade] * capacity * effect * (1 + p["payment.due_excitation_weight"] * self.excitation)
                if rnd.random() < -math.expm1(-h):
                    self.pay(t, min(self.installment, self.balance), scheduled=True)
                    if not self.closed:
                        self.dpd = 1 - m.cycle
                else:
                    self.arrears = min(self.balance, self.arrears + self.installment)
                    self.dpd = 1
                    if self.delinquent_since < 0:
                        self.delinquent_since = t + 1
            else:
                self.dpd = d + 1
        else:
            if self.has(PROMISE_PENDING):
                if self.promise_due == t:
                    self.flags &= ~PROMISE_PENDING
                    if rnd.random() < (p["payment.promise_kept_able"] if able else p["payment.promise_kept_hardship"]):
                        self.pay(t, min(self.promise_amount, self.arrears))
                    else:
                        self.flags |= PROMISE_BROKEN
                        self.willingness -= p["willingness.broken_promise_loss"] * self.willingness
            else:
                effect = math.exp(p["payment.willingness_effect"] * (self.willingness - 0.5)) / (1 + p["payment.stress_effect"] * self.stress)
                base = m.base_hazard[self.grade] * self.base_multiplier * m.decay[d] * capacity * effect
                lam = base * (p["deferral.hazard_factor"] if self.has(IN_DEFERRAL) else 1) + self.excitation
                self.payment_clock -= lam
                if self.payment_clock <= 0:
                    self.payment_clock = rnd.expovariate(1)
                    payable = min(self.arrears, self.installment * (p["payment.max_installments_able"] if able else p["payment.max_installments_hardship"]))
                    kind = rnd.random()
                    cure_share = p["payment.cure_share_able"] if able else p["payment.cure_share_hardship"]
                    if kind < cure_share and payable >= self.arrears:
                        self.pay(t, self.arrears)
                    elif kind >= cure_share and (kind - cure_share) / (1 - cure_share) < p["payment.promise_share"]:
                        self.flags = (self.flags | PROMISE_PENDING) & ~PROMISE_BROKEN
                        self.promise_due = t + int(p["payment.promise_days"])
                        self.promise_amount = payable
                    else:
                        mean, conc = p["payment.partial_fraction_mean"], p["payment.partial_fraction_concentration"]
                        self.pay(t, rnd.betavariate(mean * conc, (1 - mean) * conc) * payable)
            if not self.closed and self.dpd > 0 and not self.has(IN_DEFERRAL):
                self.age(t)
        if not self.closed and self.pressure > 0:
            self.complaint_clock -= self.kappa * self.pressure * (1 + p["complaint.stress_effect"] * self.stress)
            if self.complaint_clock <= 0:
                self.complaint_clock = rnd.expovariate(1)
                self.complain(t, draw=True)

    def age(self, t):
        m = self.model
        d = self.dpd + 1
        self.dpd = d
        if m.falls_due[d] and not self.has(CHARGED_OFF):
            self.arrears = min(self.balance, self.arrears + self.installment)
        if d == m.default_dpd and self.default_day == BIG:
            self.default_day = t
        if d == m.chargeoff_dpd and self.chargeoff_day == BIG:
            self.chargeoff_day = t
            self.flags |= CHARGED_OFF
            self.arrears = self.balance

    def pay(self, t, amount, scheduled=False, ends=False):
        m, p = self.model, self.model.p
        before = self.balance
        paid = min(max(amount, 0), before)
        if paid <= 0:
            return
        self.balance = before - paid
        self.arrears = max(0, self.arrears - paid)
        self.collected += paid
        self.discounted += paid * m.discount[t]
        if self.has(PLACED):
            self.commission += paid * self.commission_rate
        self.excitation += p["payment.repayment_jump_base"] + p["payment.repayment_jump_fraction"] * paid / before
        if ends:
            return
        if self.balance <= 0.005:
            self.closed = True
            self.mark_resolved(t)
            if self.dpd > 0:
                self.mark_cured(t)
            return
        if not scheduled and self.dpd > 0 and self.arrears <= 0.005 and not self.has(ON_PLAN):
            self.cure(t)

    def cure(self, t):
        self.mark_cured(t)
        self.mark_resolved(t)
        self.dpd = 1 - self.model.cycle
        self.arrears = 0.0
        self.flags &= ~(PROMISE_PENDING | PROMISE_BROKEN | PLAN_BROKEN | IN_DEFERRAL)

    def mark_cured(self, t):
        self.satisfaction = min(1, self.satisfaction + self.model.p["satisfaction.cure"])
        if self.cure_day == BIG:
            self.cure_day = t

    def mark_resolved(self, t):
        if self.delinquent_since >= 0 and self.resolved_day == BIG:
            self.resolved_day = t

    def complain(self, t, draw):
        m, p = self.model, self.model.p
        m.counts["complaints"] += 1
        if m.random.random() < p["complaint.escalation_probability"]:
            m.counts["escalations"] += 1
        self.cool_off_until = t + m.cool_off_days
        self.last_complaint = t
        self.complaint_count += 1
        self.flags |= COMPLAINED
        self.willingness -= p["willingness.complaint_loss"] * self.willingness
        self.satisfaction = max(0, self.satisfaction + p["satisfaction.complaint"])
        if draw:
            self.pressure = 0.0


class CollectionModel(mesa.Model):
    """One strategy over the horizon for a cohort of Borrower agents."""

    def __init__(self, sc: cs.Scenario, people: list, strategy: cs.Strategy, seed: int, block: int):
        super().__init__(seed=seed)
        p = sc.p
        self.sc, self.p, self.strategy, self.block = sc, p, strategy, block
        # The shared lookups, compliance rules and collector capacity per team, as attributes
        # (self.jump, self.decay, self.team_rates, ...).
        vars(self).update(vars(cs.Tables(sc, strategy, len(people), block)))
        self.counts = {k: 0 for k in ("messages", "followups", "call_attempts", "calls_connected", "visits", "blocked",
                                      "violations", "complaints", "escalations", "disputes", "lawsuits")}
        for person in people:
            Borrower(self, person)
        self.day = 0

    def step(self):
        t = self.day
        self.day_bit = 2 if self.sc.non_working[t] else 1
        self.queues = ([], [], [])
        self.agents.do("begin_day")
        # In-house calls, then visits, then the agency's calls; per team, highest key first.
        for q, (queue, rates) in enumerate(zip(self.queues, self.team_rates)):
            by_block = {}
            for entry in queue:
                by_block.setdefault(entry[0] // self.block, []).append(entry)
            skill = self.p["agency.skill"] if q == 2 else self.strategy.skill
            ch = VISIT if q == 1 else CALL
            for b, entries in sorted(by_block.items()):
                cap = int(math.floor(rates[b] * (t + 1)) - math.floor(rates[b] * t))
                entries.sort(key=lambda e: (-e[1], e[0]))
                for _, _, agent, rule in sorted(entries[:cap], key=lambda e: e[0]):
                    agent.collector_work(rule, ch, skill)
        self.agents.do("settle")
        self.day += 1

    def metrics(self) -> dict:
        agents = list(self.agents)
        column = lambda f, dtype=float: np.fromiter((f(a) for a in agents), dtype, len(agents))
        resolved = [a for a in agents if a.resolved_day != BIG]
        return cs.headline_metrics(
            self.p, column(lambda a: a.balance0), column(lambda a: a.collected), column(lambda a: a.costs + a.commission),
            column(lambda a: a.delinquent_since >= 0, bool), column(lambda a: a.cure_day != BIG, bool),
            column(lambda a: a.default_day != BIG, bool), column(lambda a: a.chargeoff_day != BIG, bool),
            self.counts["complaints"], column(lambda a: a.satisfaction),
            column(lambda a: (a.closed and a.balance <= 0.005) or a.dpd <= 0, bool), column(lambda a: a.peak_stress),
            np.array([a.resolved_day - a.delinquent_since for a in resolved], dtype=np.int64))


def replicate(sc: cs.Scenario, n: int, r: int, block: int) -> dict:
    """One replication: a cohort of people, then each strategy as a Mesa model of agents built from them."""
    rnd = random.Random(sc.seed * 7919 + r)
    tables = cs.PopulationTables(sc)
    people = [Person(sc, rnd, i, tables) for i in range(n)]
    results = {}
    for k, strategy in enumerate(sc.strategies):
        model = CollectionModel(sc, people, strategy, seed=sc.seed * 1_000_003 + r * 101 + k, block=block)
        for _ in range(sc.horizon):
            model.step()
        results[strategy.name] = model.metrics()
    return results


if __name__ == "__main__":
    cs.run_peer(__doc__.split("\n\n")[0], "mesa", replicate, extra={"mesa_version": mesa.__version__},
                rate_aliases=("agent_steps_per_second",))
