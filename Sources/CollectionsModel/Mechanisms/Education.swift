import Foundation

/// Education: an enrolment costs action.education.cost and, after education.delay_days, raises
/// literacy ℓ ← ℓ + g_ℓ·(1 − ℓ) and willingness w ← w + g_w·(1 − w), and satisfaction by
/// satisfaction.education. Each account is enrolled at most once.
extension DayContext {
    /// Enrols the account (action `a`, kind education) unless it already is.
    @inline(__always)
    func enrol(_ j: Int, _ t: Int, _ a: CompiledStrategy.ActionCode, tally: inout Tally) {
        guard !has(j, .educated) else { return }
        set(j, .educated)
        educationDay[j] = Int32(t) + Int32(c.educationDelay)
        costs[j] += c.educationCost
        last[j, a.kind] = Int32(t)
        tally.add(.educated, 1, groups: groups(j))
    }

    /// The programme's effect, on the day it was scheduled for.
    @inline(__always)
    func educationTakesEffect(_ j: Int) {
        count(.datedEvent)
        literacy[j] += c.educationLiteracy * (1 - literacy[j])
        willingness[j] += c.educationWillingness * (1 - willingness[j])
        satisfaction[j] = min(1, satisfaction[j] + c.satEducation)
        educationDay[j] = Int32.max
    }
}
