import Foundation
import Stochastics

/// Complaints: a daily hazard κ_i · pressure · (1 + complaint.stress_effect · s), run as an Exp(1)
/// clock as payments are. Pressure accumulates from every contact attempt (`Contact.swift`) and
/// every violation, and decays by complaint.pressure_decay a day. A complaint may escalate to the
/// regulator (complaint.escalation_probability), pauses contact for the compliance cool-off,
/// costs willingness and satisfaction, and relieves the pressure.
extension DayContext {
    /// κ_i · pressure · (1 + β·stress), the complaint intensity; the short path for quiet days
    /// calls it too.
    @inline(__always)
    func complaintIntensity(kappa: Double, pressure: Double, stress: Double) -> Double {
        kappa * pressure * (1 + c.complaintStress * stress)
    }

    /// The complaint clock runs down by the day's intensity; a complaint when it crosses zero.
    @inline(__always)
    func complaintHazard(_ j: Int, _ t: Int, tally: inout Tally) {
        complaintClock[j] -= complaintIntensity(kappa: kappa[j], pressure: pressure[j], stress: stress[j])
        if complaintClock[j] <= 0 {
            count(.clockEvent)
            complaintClock[j] = -log(u(j, t, .complaint))
            complain(j, t, tally: &tally, draw: true)
        }
    }

    /// A complaint: counted, may escalate, pauses contact for the cool-off, costs willingness
    /// and satisfaction, and relieves the accumulated pressure.
    func complain(_ j: Int, _ t: Int, tally: inout Tally, draw: Bool) {
        let g = groups(j)
        tally.add(.complaints, 1, groups: g)
        tally.addCurve(.complaints, day: t, 1)
        if u(j, t, .escalation) < c.escalation { tally.add(.escalations, 1, groups: g) }
        coolOffUntil[j] = Int32(t) + Int32(compliance.coolOffDays)
        lastComplaint[j] = Int32(t)
        complaintCount[j] &+= 1
        set(j, .complainedRecently)
        willingness[j] -= c.complaintLoss * willingness[j]
        satisfaction[j] = max(0, satisfaction[j] + c.satComplaint)
        if draw { pressure[j] = 0 }
    }
}
