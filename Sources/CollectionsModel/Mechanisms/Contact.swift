import Foundation
import Stochastics

/// A contact attempt and what it does to the borrower.
///
/// - Reach: a message is read with contact.message_read if the channel reaches the account; a
///   call makes up to `attempts` dials, each connecting with the slot's right-party-contact
///   probability (× contact.weekend_rpc_factor on non-working days); a visit finds the borrower
///   with contact.visit_rpc. Unreached, a third-party attempt reaches someone close with
///   contact.third_party_reach (where compliance allows it).
/// - Effect when reached: the payment excitation jumps by
///       jump_channel · fit(tone, w, capacity) · e^(−fatigue.sensitivity·F_channel) · skill · third-party · decay(DPD),
///   with fit = gentle: a + b·w; firm: a + b·(1 − w), or firm_hardship in hardship;
///   empathetic: a + b·w. Fatigue F decays by fatigue.daily_decay a day and grows by one per
///   reached contact; stress rises by the channel's and tone's stress; tone and visits move
///   satisfaction and willingness; a voice contact may learn of a hardship (capacity.hardship_disclosure).
/// - Complaint pressure from every attempt, reached or not: weight_channel,tone,slot × attempts,
///   × complaint.weekend on non-working days, ÷ skill for voice, plus
///   complaint.over_tolerance_penalty per contact beyond the person's 7-day tolerance.
/// Compliance comes first (`Compliance.swift`, `ComplianceCheck.swift`).
extension DayContext {
    struct ContactOutcome { var reached: Bool; var attempts: Int }

    /// One contact attempt by action `k` (an index into `actions`) on a channel under compliance:
    /// blocked (enforce) or counted as a violation (report) when it breaks a rule; otherwise it
    /// may reach the borrower, adding a hazard jump, stress, fatigue and complaint pressure.
    func contact(_ j: Int, _ t: Int, action k: Int, channel: Channel, skill: Double, tally: inout Tally) -> ContactOutcome {
        count(.contact)
        let ch = channel.rawValue
        let a = actions[k]
        let terms = contactTerms[k]
        let nonWorking = model.nonWorking[t]
        let ring = t % 7
        let isVoice = channel == .call || channel == .visit
        let breaches = self.breaches(j, t, action: a, terms: terms, ring: ring, isVoice: isVoice, nonWorking: nonWorking)
        last[j, a.kind] = Int32(t)
        if breaches > 0 && !answerBreaches(j, t, breaches, tally: &tally) { return ContactOutcome(reached: false, attempts: 0) }
        lastContact[j] = Int32(t)
        // Reach.
        var reached = false
        var attempts = 1
        let reachable = reach[j] & (1 << UInt8(ch)) != 0
        switch channel {
        case .sms, .push, .email, .followup:
            costs[j] += terms.cost
            counts[j, channel == .followup ? .followups : .messages] += 1
            let purpose: Purpose = channel == .sms ? .contactSMS : channel == .push ? .contactPush : .contactEmail
            reached = reachable && u(j, t, purpose) < c.messageRead
        case .call:
            let p = nonWorking ? terms.rpcNonWorking : terms.rpcWorking
            attempts = 0
            while attempts < a.attempts && !reached {
                attempts += 1
                if reachable { drawCounter.pointee &+= 1 }
                reached = reachable && StreamKey(rawValue: keys[j]).uniform(day: t, purpose: .callAttempt, index: attempts) < p
            }
            costs[j] += terms.cost * Double(attempts)
            counts[j, .callAttempts] += Int32(attempts)
            calls[j, ring] &+= UInt8(clamping: attempts)
            if reached {
                costs[j] += terms.connectedCost
                counts[j, .callsConnected] += 1
                lastConversation[j] = Int32(t)
            }
        case .visit:
            costs[j] += terms.cost
            counts[j, .visits] += 1
            calls[j, ring] &+= 1
            reached = u(j, t, .visitReach) < c.visitRPC
            if reached { lastConversation[j] = Int32(t) }
        }
        var jumpScale = 1.0
        if !reached && a.thirdParty {
            if !compliance.thirdPartyContact {
                if enforce {
                    counts[j, .blocked] += 1
                } else {
                    counts[j, .violations] += 1
                    pressure[j] += c.violationPenalty
                    satisfaction[j] = max(0, satisfaction[j] + c.satViolation)
                    reached = u(j, t, .thirdParty) < c.thirdPartyReach
                    jumpScale = c.thirdPartyEffect
                }
            } else {
                reached = u(j, t, .thirdParty) < c.thirdPartyReach
                jumpScale = c.thirdPartyEffect
            }
        }
        // Complaint pressure from every attempt, reached or not.
        contacts[j, ring] &+= UInt8(clamping: attempts)
        var weekContacts = 0
        for k in 0..<7 { weekContacts += Int(contacts[j, k]) }
        var weight = terms.complaintWeight * Double(attempts)
        if nonWorking { weight *= c.complaintWeekend }
        if isVoice { weight /= max(skill, 0.01) }
        let excess = weekContacts - Int(tolerance[j])
        if excess > 0 { weight += c.overTolerancePenalty * Double(min(excess, attempts)) }
        pressure[j] += weight
        guard reached else { return ContactOutcome(reached: false, attempts: attempts) }
        // Effect on the borrower.
        let w = willingness[j]
        let inHardship = hardship[j] != 0
        let fit: Double
        switch a.tone {
        case .gentle: fit = c.gentleBase + c.gentleSlope * w
        case .firm: fit = inHardship ? c.firmHardship : c.firmBase + c.firmSlope * (1 - w)
        case .empathetic: fit = c.empatheticBase + c.empatheticSlope * w
        }
        // Fatigue decays lazily: stored as of its last update day, decayed here on use.
        let since = t - Int(fatigueDay[j, channel])
        fatigue[j, channel] *= since < fatigueKeepPowers.count ? fatigueKeepPowers[since] : 0
        fatigueDay[j, channel] = Int32(t)
        let damp = exp(-c.fatigueSensitivity * fatigue[j, channel])
        // Old debt responds less to contact, as it does to time: the jump shares decay(DPD).
        let age = decay[Int(max(0, dpd[j]))]
        excitation[j] += terms.jump * fit * damp * (isVoice ? skill : 1) * jumpScale * age
        fatigue[j, channel] += 1
        stress[j] += terms.stress
        if stress[j] > peakStress[j] { peakStress[j] = stress[j] }
        switch a.tone {
        case .firm:
            satisfaction[j] = max(0, satisfaction[j] + c.satFirm)
            if inHardship { willingness[j] -= c.firmHardshipLoss * w }
        case .empathetic:
            satisfaction[j] = min(1, satisfaction[j] + c.satEmpathetic)
            willingness[j] += c.empatheticGain * (1 - w)
        case .gentle:
            break
        }
        if channel == .visit { satisfaction[j] = max(0, satisfaction[j] + c.satVisit) }
        if isVoice && inHardship && !has(j, .hardshipReported) && u(j, t, .disclosure) < c.hardshipDisclosure {
            set(j, .hardshipReported)
        }
        return ContactOutcome(reached: true, attempts: attempts)
    }
}
