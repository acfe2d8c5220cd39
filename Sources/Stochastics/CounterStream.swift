/// Counter-based random numbers for common random numbers (CRN).
///
/// A draw is a pure function of (seed, replication, borrower, day, purpose): no generator state
/// is carried, so every strategy meets the same draw for the same event, and the result does
/// not depend on how work is split over threads or on which other draws were made.
///
/// The mixing function is the SplitMix64 finaliser (Steele, Lea & Flood, "Fast splittable
/// pseudorandom number generators", OOPSLA 2014), whose outputs on a Weyl sequence pass
/// BigCrush. A borrower's key is mixed from (seed, replication, borrower) once; a draw mixes the
/// key with the (day, purpose) counter twice.
@frozen
public struct StreamKey: Hashable, Sendable {
    public let rawValue: UInt64

    @inlinable
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// The key of one borrower in one replication.
    @inlinable
    public init(seed: UInt64, replication: Int, borrower: Int) {
        var h = SplitMix.mix(seed ^ 0x5851_F42D_4C95_7F2D)
        h = SplitMix.mix(h ^ (UInt64(truncatingIfNeeded: replication) &* SplitMix.gamma))
        h = SplitMix.mix(h ^ (UInt64(truncatingIfNeeded: borrower) &* 0xD1B5_4A32_D192_ED03))
        self.rawValue = h
    }

    /// 64 uniformly distributed bits for (day, purpose). Days may be negative (set-up draws).
    @inlinable
    public func bits(day: Int, purpose: Purpose) -> UInt64 {
        let counter = (UInt64(bitPattern: Int64(day)) << 8) | UInt64(purpose.rawValue)
        return SplitMix.mix(rawValue ^ SplitMix.mix(counter &* SplitMix.gamma))
    }

    /// A uniform draw in the open interval (0, 1): never exactly 0 or 1, so it is safe to feed
    /// to an inverse CDF or a logarithm.
    @inlinable
    public func uniform(day: Int, purpose: Purpose) -> Double {
        SplitMix.unitOpen(bits(day: day, purpose: purpose))
    }
}

/// The SplitMix64 constants and finaliser.
public enum SplitMix {
    /// The golden-ratio Weyl increment.
    public static let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15

    @inlinable
    public static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Maps 64 bits to (0, 1) using the top 53 bits, offset by half an ulp.
    @inlinable
    public static func unitOpen(_ bits: UInt64) -> Double {
        (Double(bits >> 11) + 0.5) * 0x1.0p-53
    }
}

/// What a draw is for. Each purpose is a separate stream for the same (borrower, day), so adding
/// a new use of randomness never shifts the draws of an existing one.
public enum Purpose: UInt8, Sendable, CaseIterable {
    // Population set-up (drawn on day -1).
    case segment = 1, latentPropensity, gradeNoise, scoreNoise, balance, term, startState, initialDPD
    case willingness, literacy, complaintPropensity, initialHardship
    case reachPhone, reachSMS, reachEmail, reachApp, complaintTolerance
    // Daily events.
    case capacitySwitch = 32, payment, paymentKind, paymentFraction, promiseKept
    case complaint, escalation, contactSMS, contactPush, contactEmail
    case callAttempt, visitReach, planAcceptance, planInstallment
    case legalOutcome, legalDelay, legalFraction, dueDatePayment, dispute
    case disclosure, thirdParty, violationDispute, capacityRedraw
    // Experiments (keyed by resample or generation, not by borrower).
    case bootstrap = 96, crossEntropy, simulationNoise
}
