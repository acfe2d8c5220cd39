import Foundation
import Stochastics

/// Compliance of a contact attempt. A breach is each of: contact during a complaint's cool-off;
/// outside the channel's permitted window (working or non-working day); a call or visit beyond
/// the per-day or per-7-day cap; a call within compliance.after_conversation_days of the last
/// conversation. Under `enforce` a breaching attempt is blocked and counted; under `report` it
/// goes ahead, each breach counted as a violation that adds complaint.violation_penalty to the
/// complaint pressure, moves satisfaction by satisfaction.violation and brings a dispute with
/// probability complaint.legal_risk_per_violation × breaches.
extension DayContext {
    /// The breaches of compliance an attempt by action `a` would make on day `t`.
    @inline(__always)
    func breaches(_ j: Int, _ t: Int, action a: CompiledStrategy.ActionCode, terms: CompiledStrategy.ContactTerms, ring: Int,
                  isVoice: Bool, nonWorking: Bool) -> Int {
        var breaches = 0
        if Int32(t) < coolOffUntil[j] { breaches += 1 }
        if !(nonWorking ? terms.permittedNonWorking : terms.permittedWorking) { breaches += 1 }
        if isVoice {
            let today = Int(calls[j, ring])
            var week = 0
            for k in 0..<7 { week += Int(calls[j, k]) }
            if today + a.attempts > terms.capPerDay || week + a.attempts > terms.capPer7 { breaches += 1 }
            if compliance.afterConversationDays > 0 && Int32(t) - lastConversation[j] < Int32(compliance.afterConversationDays) { breaches += 1 }
        }
        return breaches
    }

    /// Blocks (enforce) or records (report) an attempt's breaches; whether the attempt goes ahead.
    @inline(__always)
    func answerBreaches(_ j: Int, _ t: Int, _ breaches: Int, tally: inout Tally) -> Bool {
        if enforce {
            counts[j, .blocked] += 1
            return false
        }
        counts[j, .violations] += Int32(breaches)
        pressure[j] += c.violationPenalty * Double(breaches)
        satisfaction[j] = max(0, satisfaction[j] + c.satViolation * Double(breaches))
        if u(j, t, .violationDispute) < c.legalRiskPerViolation * Double(breaches) { tally.add(.disputes, 1, groups: groups(j)) }
        return true
    }
}
