import Foundation

/// Pass 3 of a day, the settlement: a court date, or else the account's payment mechanism for
/// where it stands (a plan installment, the due date of a current account, a promise date, or
/// the hazard of a payment on arrears), the day's ageing, then the complaint hazard.
extension DayContext {
    /// Legal outcome, plan and promise installments, the payment hazard, DPD ageing, complaints.
    @inline(__always)
    func settleDay(_ j: Int, _ t: Int, tally: inout Tally) {
        let t32 = Int32(t)
        if has(j, .legalPending) && legalDay[j] == t32 {
            courtDate(j, t, tally: &tally)
            return
        }
        let able = hardship[j] == 0
        let d = dpd[j]
        if has(j, .onPlan) {
            if planNextDue[j] == t32 { planInstallmentDue(j, t, able: able, tally: &tally) }
        } else if d <= 0 {
            if d == 0 { dueDate(j, t, able: able, tally: &tally) } else { dpd[j] = d + 1 }
        } else {
            if has(j, .promisePending) {
                if promiseDue[j] == t32 { promiseDate(j, t, able: able, tally: &tally) }
            } else {
                arrearsHazard(j, t, dpd: d, able: able, tally: &tally)
            }
            if closed[j] == 0 && dpd[j] > 0 && !has(j, .inDeferral) { age(j, t, tally: &tally) }
        }
        if closed[j] == 0 && pressure[j] > 0 { complaintHazard(j, t, tally: &tally) }
    }
}
