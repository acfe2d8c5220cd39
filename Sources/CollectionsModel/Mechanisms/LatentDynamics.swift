import Foundation
import Stochastics

/// Latent dynamics (pass 1 of each day): the capacity regime, the daily decays and neglect.
///
/// - Capacity is a two-state regime, able ⇄ hardship. From able the daily switching
///   probability is p_h = min(1, h_seg · macro_stress); from hardship p_a = min(1, r_seg · m),
///   with m = deferral.recovery_multiplier while a deferral runs, else 1. The waiting time to
///   the next switch is geometric, so it is drawn once (`RegimeClock`) and redrawn whenever
///   the probability changes (the geometric is memoryless).
/// - stress_{t+1} = (1 − stress.daily_decay)·stress_t, pressure_{t+1} = (1 − complaint.pressure_decay)·pressure_t,
///   excitation_{t+1} = e^(−payment.excitation_decay)·excitation_t.
/// - Neglect: an account in default (DPD ≥ metrics.default_dpd) not contacted for
///   willingness.neglect_after_days loses w ← w − neglect_decay·w each day.
/// - Education takes effect (`Education.swift`), a deferral ends, a recent complaint ages out.
extension DayContext {
    /// Flips the capacity regime and draws the day of the next switch (geometric waiting time).
    func switchRegime(_ j: Int, _ t: Int) {
        count(.datedEvent)
        if hardship[j] == 0 {
            hardship[j] = 1
        } else {
            hardship[j] = 0
            clear(j, .hardshipReported)
        }
        redrawSwitch(j, t, purpose: .capacitySwitch)
    }

    /// The current regime's daily switching probability: able→hardship scaled by macro stress;
    /// hardship→able boosted during a deferral.
    @inline(__always)
    func switchProbability(_ j: Int) -> Double {
        let s = Int(segment[j])
        if hardship[j] == 0 { return min(1, model.hardshipRate[s] * c.macroStress) }
        return min(1, model.recoveryRate[s] * (has(j, .inDeferral) ? c.deferralRecovery : 1))
    }

    /// Redraws the next switch from day t (valid at any day: the geometric is memoryless).
    func redrawSwitch(_ j: Int, _ t: Int, purpose: Purpose) {
        nextSwitch[j] = RegimeClock.nextSwitch(after: t, probability: switchProbability(j), uniform: u(j, t, purpose))
    }

    /// Capacity regime, decays, neglect, delayed education, expiry of deferral and flags.
    @inline(__always)
    func dailyDynamics(_ j: Int, _ t: Int) {
        if nextSwitch[j] == Int32(t) { switchRegime(j, t) }
        stress[j] *= c.stressKeep
        pressure[j] *= c.pressureKeep
        excitation[j] *= c.excitationKeep
        if dpd[j] >= c.defaultDPD && t >= neglectFrom(lastContact: lastContact[j]) {
            willingness[j] -= c.neglectDecay * willingness[j]
        }
        if educationDay[j] == Int32(t) { educationTakesEffect(j) }
        if has(j, .inDeferral) && Int32(t) >= deferralUntil[j] {
            count(.datedEvent)
            clear(j, .inDeferral)
            if hardship[j] != 0 { redrawSwitch(j, t, purpose: .capacityRedraw) }
        }
        if has(j, .complainedRecently) && Int32(t) >= lastComplaint[j] + c.complaintRecentDays { clear(j, .complainedRecently) }
    }

    /// The first day on which an account last contacted on `lastContact` is neglected (if it
    /// is also in default).
    @inline(__always)
    func neglectFrom(lastContact: Int32) -> Int { Int(lastContact) + c.neglectAfterWholeDays }
}
