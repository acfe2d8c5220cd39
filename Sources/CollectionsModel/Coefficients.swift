import Foundation

/// Scalar coefficients read from the parameter table once per model (`ModelParameters`), so
/// the daily loop never looks up a key. With `ModelParameters`' tables this is the only path
/// from the parameter table to the engine: no other engine code names a parameter.
struct Coefficients {
    let willingnessEffect, literacyEffect, stressEffect, hardshipFactor, excitationKeep: Double
    let jumpBase, jumpFraction, dueExcitationWeight: Double
    let cureShareAble, cureShareHardship, promiseShare, promiseDays, promiseKeptAble, promiseKeptHardship: Double
    let macroStress, hardshipDisclosure, maxInstallmentsAble, maxInstallmentsHardship: Double
    let empatheticGain, firmHardshipLoss, complaintLoss, brokenPromiseLoss, planGain, neglectDecay: Double
    let stressKeep, fatigueKeep, fatigueSensitivity: Double
    let connectedCost, empatheticCostMultiplier, counsellingCost, educationCost, legalFilingCost: Double
    let gentleBase, gentleSlope, firmBase, firmSlope, firmHardship, empatheticBase, empatheticSlope: Double
    let weekendRPC, visitRPC, messageRead, thirdPartyReach: Double
    let complaintWeekend, pressureKeep, overTolerancePenalty, violationPenalty, complaintStress, escalation, legalRiskPerViolation: Double
    let planIntercept, planWillingness, planLiteracy, planHardship, planStress, planFeeWaiver, planCounselling: Double
    let keepAble, keepHardship, keepCounselling, feeRate: Double
    let deferralUptake, deferralRecovery, deferralHazard: Double
    let counsellingLiteracy, educationDelay, educationLiteracy, educationWillingness: Double
    let agencyCallsPer1000, agencySkill: Double
    let judgment, disputeProbability, legalComplaint: Double
    let satFirm, satEmpathetic, satVisit, satComplaint, satViolation, satPlan, satEducation, satCure: Double
    let retentionIntercept, retentionSatisfaction, retentionResolved: Double
    let defaultDPD, chargeoffDPD, cycleDays, complaintRecentDays: Int32
    let thirdPartyEffect: Double
    /// Correlations of the latent propensity z0 with the grade and entry signals (population).
    let gradeCorrelation, entryCorrelation: Double
    /// The population's: payment.propensity_effect β_z, the log-normal complaint propensity's
    /// median and σ, the 7-day complaint tolerance's range, the initial satisfaction.
    let propensityEffect, complaintPropensityMedian, complaintPropensitySigma: Double
    let toleranceMin, toleranceMax, initialSatisfaction: Double
    /// What a strategy that does not say gets: the agency's commission, collector skill and
    /// capacity (calls and visits a day per 1,000 accounts).
    let agencyCommission, collectorSkill, callsPer1000, visitsPer1000: Double
    /// Misses that break a plan a book's account is on at entry.
    let entryPlanBreakAfter: Int32
    /// Whole days without contact after which neglect sets in: a day k days after the last
    /// contact is neglected when Double(k) ≥ willingness.neglect_after_days, that is when k is
    /// at least its ceiling (clamped far beyond any horizon; NaN never neglects).
    let neglectAfterWholeDays: Int

    init(_ p: ParameterTable) {
        willingnessEffect = p["payment.willingness_effect"]; literacyEffect = p["payment.literacy_effect"]
        stressEffect = p["payment.stress_effect"]; hardshipFactor = p["payment.hardship_factor"]
        excitationKeep = Foundation.exp(-p["payment.excitation_decay"])
        jumpBase = p["payment.repayment_jump_base"]; jumpFraction = p["payment.repayment_jump_fraction"]
        dueExcitationWeight = p["payment.due_excitation_weight"]
        cureShareAble = p["payment.cure_share_able"]; cureShareHardship = p["payment.cure_share_hardship"]
        promiseShare = p["payment.promise_share"]; promiseDays = p["payment.promise_days"]
        promiseKeptAble = p["payment.promise_kept_able"]; promiseKeptHardship = p["payment.promise_kept_hardship"]
        macroStress = p["capacity.macro_stress"]; hardshipDisclosure = p["capacity.hardship_disclosure"]
        maxInstallmentsAble = p["payment.max_installments_able"]; maxInstallmentsHardship = p["payment.max_installments_hardship"]
        empatheticGain = p["willingness.empathetic_gain"]; firmHardshipLoss = p["willingness.firm_hardship_loss"]
        complaintLoss = p["willingness.complaint_loss"]; brokenPromiseLoss = p["willingness.broken_promise_loss"]
        planGain = p["willingness.plan_gain"]; neglectDecay = p["willingness.neglect_decay"]
        stressKeep = 1 - p["stress.daily_decay"]; fatigueKeep = 1 - p["fatigue.daily_decay"]
        fatigueSensitivity = p["fatigue.sensitivity"]
        connectedCost = p["action.call.connected_cost"]; empatheticCostMultiplier = p["action.empathetic.cost_multiplier"]
        counsellingCost = p["action.counselling.cost"]; educationCost = p["action.education.cost"]
        legalFilingCost = p["action.legal.filing_cost"]
        gentleBase = p["tone.gentle.fit_base"]; gentleSlope = p["tone.gentle.fit_willingness"]
        firmBase = p["tone.firm.fit_base"]; firmSlope = p["tone.firm.fit_unwillingness"]
        firmHardship = p["tone.firm.fit_hardship"]
        empatheticBase = p["tone.empathetic.fit_base"]; empatheticSlope = p["tone.empathetic.fit_willingness"]
        weekendRPC = p["contact.weekend_rpc_factor"]; visitRPC = p["contact.visit_rpc"]
        messageRead = p["contact.message_read"]; thirdPartyReach = p["contact.third_party_reach"]
        complaintWeekend = p["complaint.weekend"]; pressureKeep = 1 - p["complaint.pressure_decay"]
        overTolerancePenalty = p["complaint.over_tolerance_penalty"]; violationPenalty = p["complaint.violation_penalty"]
        complaintStress = p["complaint.stress_effect"]; escalation = p["complaint.escalation_probability"]
        legalRiskPerViolation = p["complaint.legal_risk_per_violation"]
        planIntercept = p["plan.acceptance_intercept"]; planWillingness = p["plan.acceptance_willingness"]
        planLiteracy = p["plan.acceptance_literacy"]; planHardship = p["plan.acceptance_hardship"]
        planStress = p["plan.acceptance_stress"]; planFeeWaiver = p["plan.acceptance_fee_waiver"]
        planCounselling = p["plan.acceptance_counselling"]
        keepAble = p["plan.keep_able"]; keepHardship = p["plan.keep_hardship"]
        keepCounselling = p["plan.keep_counselling_boost"]; feeRate = p["plan.fee_rate"]
        deferralUptake = p["deferral.uptake"]; deferralRecovery = p["deferral.recovery_multiplier"]
        deferralHazard = p["deferral.hazard_factor"]
        counsellingLiteracy = p["counselling.literacy_gain"]; educationDelay = p["education.delay_days"]
        educationLiteracy = p["education.literacy_gain"]; educationWillingness = p["education.willingness_gain"]
        agencyCallsPer1000 = p["agency.calls_per_day_per_1000"]; agencySkill = p["agency.skill"]
        judgment = p["legal.judgment_probability"]; disputeProbability = p["legal.dispute_probability"]
        legalComplaint = p["legal.complaint_probability"]
        satFirm = p["satisfaction.firm_contact"]; satEmpathetic = p["satisfaction.empathetic_contact"]
        satVisit = p["satisfaction.visit"]; satComplaint = p["satisfaction.complaint"]
        satViolation = p["satisfaction.violation"]; satPlan = p["satisfaction.plan"]
        satEducation = p["satisfaction.education"]; satCure = p["satisfaction.cure"]
        retentionIntercept = p["retention.intercept"]; retentionSatisfaction = p["retention.satisfaction"]
        retentionResolved = p["retention.resolved"]
        defaultDPD = Int32(p["metrics.default_dpd"]); chargeoffDPD = Int32(p["metrics.chargeoff_dpd"])
        cycleDays = Int32(p["payment.cycle_days"]); complaintRecentDays = Int32(p["complaint.recent_days"])
        thirdPartyEffect = p["contact.third_party_effect"]
        gradeCorrelation = p["risk.grade_correlation"]; entryCorrelation = p["risk.entry_correlation"]
        entryPlanBreakAfter = Int32(p["plan.entry_break_after"])
        propensityEffect = p["payment.propensity_effect"]
        complaintPropensityMedian = p["complaint.propensity_median"]; complaintPropensitySigma = p["complaint.propensity_sigma"]
        toleranceMin = p["complaint.tolerance_min"]; toleranceMax = max(toleranceMin, p["complaint.tolerance_max"])
        initialSatisfaction = p["satisfaction.initial"]
        agencyCommission = p["agency.commission"]; collectorSkill = p["collectors.skill"]
        callsPer1000 = p["collectors.calls_per_day_per_1000"]; visitsPer1000 = p["collectors.visits_per_day_per_1000"]
        neglectAfterWholeDays = Self.leastWholeDays(atLeast: p["willingness.neglect_after_days"])
    }

    /// The least k with Double(k) ≥ `days`, for the k a run can meet (|k| < 2⁴⁰): ⌈days⌉, clamped
    /// to ±2⁴⁰; 2⁴⁰ (never reached) for NaN, which no k meets.
    static func leastWholeDays(atLeast days: Double) -> Int {
        let limit = 1 << 40
        if days.isNaN || days > Double(limit) { return limit }
        if days < -Double(limit) { return -limit }
        return Int(days.rounded(.up))
    }
}
