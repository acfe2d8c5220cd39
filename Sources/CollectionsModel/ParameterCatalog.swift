/// One documented coefficient of the model: its dotted key, default, admissible range, unit,
/// meaning, and where the default comes from (a published source or "assumption").
public struct ParameterSpec: Sendable, Hashable {
    public let key: String
    public let defaultValue: Double
    public let range: ClosedRange<Double>
    public let unit: String
    public let meaning: String
    public let source: String

    public init(_ key: String, _ defaultValue: Double, _ range: ClosedRange<Double>, unit: String, _ meaning: String, source: String = "assumption") {
        self.key = key
        self.defaultValue = defaultValue
        self.range = range
        self.unit = unit
        self.meaning = meaning
        self.source = source
    }
}

/// The parameter table: every behavioural coefficient of the model, with its default.
///
/// A scenario's `model:` section overrides entries by key (nested YAML mappings join with dots).
/// The engine reads coefficients only through `ModelParameters`, which is built from this table,
/// so no behavioural number lives in engine code. `docs/parameters.md` is generated from here.
public enum ParameterCatalog {
    static let grades = ["A", "B", "C", "D", "E"]
    static let channels = ["sms", "push", "email", "call", "visit", "followup"]
    static let slots = ["morning", "afternoon", "evening", "night"]

    private static let probability: ClosedRange<Double> = 0...1
    private static let nonNegative: ClosedRange<Double> = 0...1e9
    private static let rate: ClosedRange<Double> = 0...10

    public static let all: [ParameterSpec] = {
        var s: [ParameterSpec] = []
        // Repayment intensity (docs/model.md §3).
        // Fast self-cure of able borrowers in early delinquency, slower for weaker grades.
        let baseHazard = [1.2, 1.05, 0.9, 0.75, 0.6]
        for (g, v) in zip(grades, baseHazard) {
            s.append(.init("payment.base_hazard.\(g)", v, rate, unit: "1/day",
                           "Long-run daily payment hazard λ∞ of a delinquent grade-\(g) account before DPD decay, capacity and willingness.",
                           source: "set by hand to docs/calibration.md T5 (most early delinquency self-cures) with T4's grade spread"))
        }
        let onTime = [0.995, 0.985, 0.97, 0.95, 0.93]
        for (g, v) in zip(grades, onTime) {
            s.append(.init("payment.on_time_probability.\(g)", v, 0...0.9999, unit: "probability",
                           "Probability that a current grade-\(g) account in the able regime pays an installment on its due date, with no reminder.",
                           source: "set by hand to docs/calibration.md T3–T4 (annual default by grade)"))
        }
        s += [
            .init("payment.propensity_effect", 0.5, 0...5, unit: "per SD", "Hazard multiplier exp(−β·z) for the latent default propensity z (standard normal within segment)."),
            .init("payment.willingness_effect", 2.0, 0...10, unit: "per unit", "Hazard multiplier exp(β·(w − 0.5)) for willingness w."),
            .init("payment.literacy_effect", 0.5, 0...10, unit: "per unit", "Due-date hazard multiplier exp(β·(ℓ − 0.5)) for financial literacy ℓ (lowers re-default)."),
            .init("payment.stress_effect", 0.3, 0...10, unit: "per unit stress", "Hazard multiplier 1/(1 + β·s): stressed borrowers avoid paying."),
            .init("payment.dpd_decay_days", 56, 1...10000, unit: "days", "Scale τ of decay(DPD) = floor + (1 − floor)·exp(−(DPD/τ)^k), which scales the base hazard and every contact's jump (reminders work best early).", source: "fitted: collectsim calibrate scenarios/calibration/default-book.yaml to docs/calibration.md T5 and T7"),
            .init("payment.dpd_decay_shape", 2, 0.1...10, unit: "exponent", "Shape k of decay(DPD): 1 is exponential decay from the first day overdue; above 1 the hazard holds up through early delinquency and falls steeply after about τ days (most accounts that will self-cure do so early; debt past default rarely pays).", source: "set by hand to docs/calibration.md T5 and T7 (early cure high, late-stage recovery low)"),
            .init("payment.dpd_decay_floor", 0.001, probability, unit: "fraction", "Floor of decay(DPD): the share of hazard (and of a contact's jump) old debt keeps.", source: "set by hand to docs/calibration.md T7 (late-stage recovery): the shape, not a floor, carries old debt's hazard"),
            .init("payment.hardship_factor", 0.1, probability, unit: "multiplier", "capacityFactor in the hardship regime (1 when able).", source: "set by hand to docs/calibration.md T3 and T5: delinquency that does not self-cure is mostly hardship"),
            .init("payment.excitation_decay", 0.15, 0.0001...10, unit: "1/day", "Rate κ at which excitation (λ − λ∞) reverts to zero (Chehrazi & Weber's mean reversion), applied once a day as exp(−κ). A payment's jump acts from the next day, so self-excitation is κ·e^(−κ)/(1 − e^(−κ)) of a continuous-time reading of the same parameters: about 7% weaker at 0.15 (docs/calibration.md).", source: "structure: Chehrazi, Glynn & Weber, Management Science"),
            .init("payment.repayment_jump_base", 0.01, rate, unit: "1/day", "δ10: hazard jump after any repayment (self-excitation).", source: "structure: Chehrazi & Weber"),
            .init("payment.repayment_jump_fraction", 0.04, rate, unit: "1/day", "δ11: extra jump per unit of balance fraction r repaid.", source: "structure: Chehrazi & Weber"),
            .init("payment.due_excitation_weight", 30, 0...1000, unit: "multiplier", "On a due date the hazard is −ln(1−p_on_time)·(1 + weight·excitation): a reminder's jump, concentrated on the decision day. With the default SMS jump it adds about 8 points to on-time payment.", source: "calibrated to Cadena & Schoar, NBER w17020 (SMS +7–9%)"),
            .init("payment.cure_share_able", 0.9, probability, unit: "probability", "Given a payment event by an able borrower, probability it is a full cure (arrears paid).", source: "set by hand to docs/calibration.md T5"),
            .init("payment.cure_share_hardship", 0.5, probability, unit: "probability", "Given a payment event by a borrower in hardship, probability it is a full cure.", source: "set by hand to docs/calibration.md T5"),
            .init("payment.promise_share", 0.25, probability, unit: "probability", "Given a payment event that is not a cure, probability it is a promise-to-pay rather than a partial payment."),
            .init("payment.partial_fraction_mean", 0.25, 0.001...0.999, unit: "fraction", "Mean share of arrears paid by a partial payment (Beta distributed).", source: "set by hand to docs/calibration.md T7 (late-stage recovery)"),
            .init("payment.partial_fraction_concentration", 4, 0.01...1000, unit: "α+β", "Concentration of the partial-payment Beta."),
            .init("payment.max_installments_able", 12, 0.01...10000, unit: "installments", "The most an able borrower pays in one payment, in installments: a cure needs arrears within this, a partial payment is a share of it."),
            .init("payment.max_installments_hardship", 1.5, 0.01...10000, unit: "installments", "The most a borrower in hardship pays in one payment, in installments."),
            .init("payment.promise_days", 5, 1...60, unit: "days", "Days from a promise-to-pay to its due day."),
            .init("payment.promise_kept_able", 0.7, probability, unit: "probability", "Probability an able borrower keeps a promise."),
            .init("payment.promise_kept_hardship", 0.25, probability, unit: "probability", "Probability a borrower in hardship keeps a promise."),
            .init("payment.cycle_days", 30, 1...366, unit: "days", "Days between installments: a cured account's next due date, a plan's installment spacing, and the DPD steps at which another installment falls due."),
            .init("payment.discount_rate", 0.08, 0...1, unit: "1/year", "Annual rate ρ for the NPV of collections (continuous compounding)."),
        ]
        // Capacity regime (docs/model.md §2).
        s += [
            .init("capacity.macro_stress", 1.0, 0...20, unit: "multiplier", "Economic-stress multiplier on every segment's able→hardship rate."),
            .init("capacity.hardship_disclosure", 0.5, probability, unit: "probability", "Probability that a borrower in hardship reports it when a call reaches them (sets the hardship_reported flag)."),
        ]
        // Latent traits.
        let willingness = [0.85, 0.75, 0.62, 0.48, 0.35]
        for (g, v) in zip(grades, willingness) {
            s.append(.init("willingness.mean.\(g)", v, 0.001...0.999, unit: "fraction", "Mean of the Beta willingness of grade-\(g) borrowers."))
        }
        s += [
            .init("willingness.concentration", 6, 0.01...1000, unit: "α+β", "Concentration of the willingness Beta."),
            .init("willingness.empathetic_gain", 0.04, probability, unit: "share of gap", "Willingness gain w += g·(1−w) when an empathetic call reaches the borrower (trust)."),
            .init("willingness.firm_hardship_loss", 0.03, probability, unit: "share", "Willingness loss w −= l·w when firm contact reaches a borrower in hardship."),
            .init("willingness.complaint_loss", 0.1, probability, unit: "share", "Willingness loss w −= l·w after the borrower complains."),
            .init("willingness.broken_promise_loss", 0.05, probability, unit: "share", "Willingness loss after a broken promise or broken plan."),
            .init("willingness.plan_gain", 0.08, probability, unit: "share of gap", "Willingness gain when a plan or deferral is agreed."),
            .init("willingness.neglect_decay", 0.004, probability, unit: "share/day", "Daily willingness loss of an account past the default DPD with no contact for neglect_after_days."),
            .init("willingness.neglect_after_days", 30, 1...1000, unit: "days", "Days without any contact after which neglect decay starts."),
            .init("risk.score_auc", 0.75, 0.5...0.999, unit: "AUC", "Concordance of the lender's risk score with the latent propensity: P(score_i > score_j | z_i > z_j)."),
            .init("risk.grade_correlation", 0.6, 0...1, unit: "correlation", "Correlation between the latent propensity and the (older) credit-grade signal."),
            .init("risk.entry_correlation", 0.8, 0...0.999, unit: "correlation", "Correlation between the latent propensity and the entry signal that decides which accounts are delinquent at entry and how far: the population.delinquent_share riskiest by that signal are delinquent, the riskiest of them the most days past due. At 0 the stage at entry is independent of the borrower; above 0 accounts long overdue at entry are the weaker borrowers a real book holds there.", source: "set by hand to docs/calibration.md T7: debt long overdue is held by the weakest borrowers"),
            .init("stress.daily_decay", 0.05, probability, unit: "share/day", "Daily decay of stress s."),
            .init("fatigue.daily_decay", 0.1, probability, unit: "share/day", "Daily decay of each channel's fatigue count."),
            .init("fatigue.sensitivity", 0.25, 0...10, unit: "per contact", "A channel's effect is damped by exp(−sensitivity·fatigue)."),
        ]
        // Actions: jumps, stress, complaint weight, cost (docs/model.md §4).
        let jump = ["sms": 0.01, "push": 0.007, "email": 0.005, "call": 0.04, "visit": 0.08, "followup": 0.006]
        let stress = ["sms": 0.02, "push": 0.01, "email": 0.01, "call": 0.08, "visit": 0.4, "followup": 0.01]
        let pressure = ["sms": 0.15, "push": 0.05, "email": 0.05, "call": 1.0, "visit": 4.0, "followup": 0.1]
        let cost = ["sms": 0.05, "push": 0.01, "email": 0.01, "call": 0.6, "visit": 40, "followup": 0.05]
        for c in channels {
            s.append(.init("action.\(c).jump", jump[c]!, rate, unit: "1/day", "Hazard jump when a \(c) contact reaches the borrower, before tone fit, fatigue and skill.", source: c == "sms" ? "calibrated to Cadena & Schoar (2011)" : "assumption"))
            s.append(.init("action.\(c).stress", stress[c]!, nonNegative, unit: "stress", "Stress added by a \(c) contact that reaches the borrower (times the tone's stress weight)."))
            s.append(.init("action.\(c).complaint_weight", pressure[c]!, nonNegative, unit: "pressure", "Complaint pressure added by one \(c) contact (times tone and slot weights)."))
            s.append(.init("action.\(c).cost", cost[c]!, nonNegative, unit: "currency", "Cost of one \(c) attempt."))
        }
        s += [
            .init("action.call.connected_cost", 2.0, nonNegative, unit: "currency", "Extra collector cost of a call that reaches the right party."),
            .init("action.empathetic.cost_multiplier", 1.6, 1...10, unit: "multiplier", "Empathetic calls take longer: connected-call cost multiplier."),
            .init("action.counselling.cost", 15, nonNegative, unit: "currency", "Cost of one counselling session."),
            .init("action.education.cost", 10, nonNegative, unit: "currency", "Cost of enrolling one borrower in the education programme."),
            .init("action.legal.filing_cost", 150, nonNegative, unit: "currency", "Filing and court cost of a lawsuit."),
        ]
        // Tone fit and tone weights.
        s += [
            .init("tone.gentle.fit_base", 0.5, 0...10, unit: "multiplier", "Gentle tone fit = base + slope·w: works on high-willingness borrowers."),
            .init("tone.gentle.fit_willingness", 1.0, 0...10, unit: "multiplier", "Slope of gentle fit in willingness."),
            .init("tone.firm.fit_base", 0.9, 0...10, unit: "multiplier", "Firm tone fit for an able borrower = base + slope·(1−w)."),
            .init("tone.firm.fit_unwillingness", 1.0, 0...10, unit: "multiplier", "Slope of firm fit in unwillingness (1−w)."),
            .init("tone.firm.fit_hardship", 0.3, 0...10, unit: "multiplier", "Firm tone fit on a borrower in hardship: mostly stress."),
            .init("tone.empathetic.fit_base", 0.7, 0...10, unit: "multiplier", "Empathetic tone fit = base + slope·w."),
            .init("tone.empathetic.fit_willingness", 0.6, 0...10, unit: "multiplier", "Slope of empathetic fit in willingness."),
            .init("tone.gentle.stress", 1.0, 0...100, unit: "multiplier", "Stress weight of gentle contacts."),
            .init("tone.firm.stress", 2.5, 0...100, unit: "multiplier", "Stress weight of firm contacts."),
            .init("tone.empathetic.stress", 0.5, 0...100, unit: "multiplier", "Stress weight of empathetic contacts."),
            .init("tone.gentle.complaint", 1.0, 0...100, unit: "multiplier", "Complaint weight of gentle contacts."),
            .init("tone.firm.complaint", 3.0, 0...100, unit: "multiplier", "Complaint weight of firm contacts."),
            .init("tone.empathetic.complaint", 0.5, 0...100, unit: "multiplier", "Complaint weight of empathetic contacts."),
        ]
        // Reach.
        let rpc = [0.22, 0.28, 0.42, 0.12]
        for (slot, v) in zip(slots, rpc) {
            s.append(.init("contact.rpc.\(slot)", v, probability, unit: "probability", "Right-party-contact probability of one call attempt in the \(slot) slot (reach is higher in the evening)."))
        }
        s += [
            .init("contact.weekend_rpc_factor", 1.15, 0...10, unit: "multiplier", "RPC multiplier on weekends and holidays (capped at 1)."),
            .init("contact.visit_rpc", 0.6, probability, unit: "probability", "Probability a home visit finds the borrower."),
            .init("contact.message_read", 0.8, probability, unit: "probability", "Probability a delivered SMS, push or email is read."),
            .init("contact.third_party_reach", 0.5, probability, unit: "probability", "Probability a message left with a third party reaches an otherwise unreachable borrower."),
            .init("contact.third_party_effect", 0.5, probability, unit: "multiplier", "Share of a contact's hazard jump that a message relayed by a third party carries."),
        ]
        // Complaints (docs/model.md §5).
        let slotComplaint = [1.0, 1.0, 1.4, 4.0]
        for (slot, v) in zip(slots, slotComplaint) {
            s.append(.init("complaint.slot.\(slot)", v, 0...100, unit: "multiplier", "Complaint weight of a contact made in the \(slot) slot (off-hours weigh more)."))
        }
        s += [
            .init("complaint.propensity_median", 1.5e-6, 0...1, unit: "1/pressure/day", "Median complaint propensity κ (log-normal across people). A complaint counts as the published figures count one: a complaint a regulator's statistics would see, not every grumble on a call.", source: "fitted: collectsim calibrate scenarios/calibration/default-book.yaml to docs/calibration.md T1 (ACA International: 0.005% of collector contacts) and T2 (CFPB: 1.2–1.7 complaints per 1,000 consumers contacted a year)"),
            .init("complaint.propensity_sigma", 1.0, 0...5, unit: "log-SD", "Log-scale spread of κ."),
            .init("complaint.weekend", 1.5, 0...100, unit: "multiplier", "Complaint weight of contacts on weekends and holidays."),
            .init("complaint.pressure_decay", 0.25, 0.0001...1, unit: "share/day", "Daily decay of accumulated contact pressure."),
            .init("complaint.tolerance_min", 3, 0...100, unit: "contacts/7 days", "Lowest per-person tolerance of contacts in 7 days (uniform between min and max)."),
            .init("complaint.tolerance_max", 10, 0...100, unit: "contacts/7 days", "Highest per-person tolerance of contacts in 7 days."),
            .init("complaint.over_tolerance_penalty", 1.5, 0...100, unit: "pressure", "Extra pressure per contact beyond the person's 7-day tolerance."),
            .init("complaint.violation_penalty", 3.0, 0...100, unit: "pressure", "Extra pressure of a contact committed in breach of a compliance rule (report mode)."),
            .init("complaint.stress_effect", 1.0, 0...100, unit: "per unit stress", "g(s) = 1 + β·s in the complaint hazard."),
            .init("complaint.recent_days", 30, 1...3650, unit: "days", "How long after a complaint the complained_recently flag stays set (a rule condition)."),
            .init("complaint.escalation_probability", 0.12, probability, unit: "probability", "Probability a complaint escalates to the regulator."),
            .init("complaint.legal_risk_per_violation", 0.002, probability, unit: "probability", "Probability that a committed violation leads to a legal dispute."),
        ]
        // Installment plans, deferral, counselling, education, agency, legal.
        s += [
            .init("plan.acceptance_intercept", -1.2, -20...20, unit: "logit", "Plan acceptance logit intercept."),
            .init("plan.acceptance_willingness", 2.0, -20...20, unit: "logit/unit", "Acceptance logit per unit willingness."),
            .init("plan.acceptance_literacy", 1.0, -20...20, unit: "logit/unit", "Acceptance logit per unit literacy."),
            .init("plan.acceptance_hardship", 1.2, -20...20, unit: "logit", "Acceptance logit shift in hardship (people who cannot pay in full want plans)."),
            .init("plan.acceptance_stress", -0.5, -20...20, unit: "logit/unit", "Acceptance logit per unit stress."),
            .init("plan.acceptance_fee_waiver", 0.5, -20...20, unit: "logit", "Acceptance logit shift when fees are waived."),
            .init("plan.acceptance_counselling", 1.0, -20...20, unit: "logit", "Acceptance logit shift after counselling.", source: "direction: Roll & Moulton (NFCC)"),
            .init("plan.keep_able", 0.93, probability, unit: "probability", "Probability an able borrower pays a plan installment."),
            .init("plan.keep_hardship", 0.6, probability, unit: "probability", "Probability a borrower in hardship pays a plan installment."),
            .init("plan.keep_counselling_boost", 0.1, probability, unit: "share of gap", "Counselled borrowers close this share of the gap to certain keeping."),
            .init("plan.fee_rate", 0.05, probability, unit: "share of arrears", "Fees forgone when a plan waives fees (counted as cost)."),
            .init("plan.entry_break_after", 2, 1...24, unit: "installments", "Missed installments that break a plan an account is already on at entry (a portfolio's on_plan accounts; plans the strategy offers set their own)."),
            .init("deferral.uptake", 0.7, probability, unit: "probability", "Probability a reached borrower takes an offered deferral."),
            .init("deferral.recovery_multiplier", 2.0, 0...100, unit: "multiplier", "Hardship→able rate multiplier during a deferral (breathing room).", source: "direction: Fiorin, Hall & Kanz, World Bank WP 10358 (2023)"),
            .init("deferral.hazard_factor", 0.5, 0...1, unit: "multiplier", "Payment hazard multiplier during a deferral (moral hazard)."),
            .init("counselling.literacy_gain", 0.1, probability, unit: "share of gap", "Literacy gain of a counselling session."),
            .init("education.delay_days", 30, 0...1000, unit: "days", "Delay before an education programme takes effect."),
            .init("education.literacy_gain", 0.3, probability, unit: "share of gap", "Literacy gain when education takes effect."),
            .init("education.willingness_gain", 0.05, probability, unit: "share of gap", "Willingness gain when education takes effect."),
            .init("agency.commission", 0.2, probability, unit: "share of collections", "Contingency commission of an agency when a placement does not name one.", source: "NCLC: 13.9% (2016) to 28% (2005)"),
            .init("agency.calls_per_day_per_1000", 120, nonNegative, unit: "calls/day per 1000 accounts", "Agency call capacity in call tasks."),
            .init("agency.skill", 1.1, 0...10, unit: "multiplier", "Agency collector skill."),
            .init("legal.delay_median_days", 120, 1...10000, unit: "days", "Median delay from filing to judgment (log-normal)."),
            .init("legal.delay_sigma", 0.5, 0...5, unit: "log-SD", "Log-scale spread of the legal delay."),
            .init("legal.judgment_probability", 0.7, probability, unit: "probability", "Probability a suit ends in a judgment that recovers.", source: "Pew (2020): default judgments in over 70% of debt suits"),
            .init("legal.recovery_fraction_mean", 0.1, 0.001...0.999, unit: "share of balance", "Mean share of the balance a judgment recovers within the horizon (Beta): most judgments are by default and are collected slowly, by garnishment.", source: "assumption, set to docs/calibration.md T7 (late-stage recovery)"),
            .init("legal.recovery_fraction_concentration", 4, 0.01...1000, unit: "α+β", "Concentration of the recovery-fraction Beta."),
            .init("legal.dispute_probability", 0.1, probability, unit: "probability", "Probability a suit is disputed (counted with complaints' harms)."),
            .init("legal.complaint_probability", 0.001, probability, unit: "probability", "Probability a suit produces a complaint.", source: "assumption: lawsuits are a small share of what debt-collection complaints are about (docs/calibration.md T2)"),
        ]
        // Collectors.
        s += [
            .init("collectors.calls_per_day_per_1000", 60, nonNegative, unit: "calls/day per 1000 accounts", "Lender call capacity in call tasks (one task dials up to the action's attempts_per_day), shared out over borrower blocks."),
            .init("collectors.visits_per_day_per_1000", 1.5, nonNegative, unit: "visits/day per 1000 accounts", "Lender home-visit capacity."),
            .init("collectors.skill", 1.0, 0...10, unit: "multiplier", "Collector skill: scales call effect, divides call complaint weight (training raises it)."),
        ]
        // Satisfaction and retention.
        s += [
            .init("satisfaction.initial", 0.7, probability, unit: "score", "Satisfaction at entry."),
            .init("satisfaction.firm_contact", -0.01, -1...1, unit: "score", "Change per firm contact that reaches the borrower."),
            .init("satisfaction.empathetic_contact", 0.01, -1...1, unit: "score", "Change per empathetic call that reaches the borrower."),
            .init("satisfaction.visit", -0.03, -1...1, unit: "score", "Change per home visit."),
            .init("satisfaction.complaint", -0.15, -1...1, unit: "score", "Change per complaint."),
            .init("satisfaction.violation", -0.05, -1...1, unit: "score", "Change per committed compliance violation."),
            .init("satisfaction.plan", 0.06, -1...1, unit: "score", "Change when a workable plan or deferral is agreed."),
            .init("satisfaction.education", 0.03, -1...1, unit: "score", "Change when education takes effect."),
            .init("satisfaction.cure", 0.03, -1...1, unit: "score", "Change when the account cures."),
            .init("retention.intercept", -2.0, -20...20, unit: "logit", "Retention logit intercept."),
            .init("retention.satisfaction", 4.0, -20...20, unit: "logit/unit", "Retention logit per unit satisfaction."),
            .init("retention.resolved", 0.5, -20...20, unit: "logit", "Retention logit shift when the account ends the horizon current or settled."),
        ]
        // Outcome definitions.
        s += [
            .init("metrics.default_dpd", 90, 1...10000, unit: "days", "DPD at which an account counts as defaulted."),
            .init("metrics.chargeoff_dpd", 180, 1...10000, unit: "days", "DPD at which an account is charged off (whole balance falls due).", source: "US card lifecycle: charge-off at 180 DPD"),
        ]
        return s
    }()

    public static let byKey: [String: ParameterSpec] = Dictionary(uniqueKeysWithValues: all.map { ($0.key, $0) })
}

/// A resolved parameter table: every key of the catalog with its value (default or override).
public struct ParameterTable: Sendable, Hashable {
    public private(set) var values: [String: Double]

    /// The catalog defaults.
    public init() {
        values = Dictionary(uniqueKeysWithValues: ParameterCatalog.all.map { ($0.key, $0.defaultValue) })
    }

    public subscript(key: String) -> Double {
        guard let v = values[key] else { preconditionFailure("unknown parameter '\(key)' (not in ParameterCatalog)") }
        return v
    }

    /// Sets a known key; the scenario loader has validated key and range before this point.
    public mutating func set(_ key: String, _ value: Double) {
        precondition(ParameterCatalog.byKey[key] != nil, "unknown parameter '\(key)'")
        values[key] = value
    }
}
