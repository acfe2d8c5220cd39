import Stochastics

/// Struct-of-arrays storage for one block of accounts, allocated once per worker and reused for
/// every block and strategy, so the daily loop allocates nothing.
///
/// Fields of one scalar type share one allocation (field-major), which lets a whole block's
/// start state be copied into the working store with four `memcpy`s per strategy.
final class AccountStore {
    enum D: Int, CaseIterable {
        case balance, arrears, installment, balance0, collected, discounted, costs, commission
        case promiseAmount, planAmount, commissionRate, baseMultiplier, risk, willingness, literacy
        case stress, peakStress, excitation, pressure, kappa, satisfaction, paymentClock, complaintClock
        case cachedWillingness, willingnessFactor
        case fatigue0, fatigue1, fatigue2, fatigue3, fatigue4, fatigue5
    }
    enum I: Int, CaseIterable {
        case dpd, promiseDue, planNextDue, planRemaining, planMisses, planBreakAfter, deferralUntil
        case legalDay, educationDay, coolOffUntil, lastConversation, lastContact, lastComplaint
        case last0, last1, last2, last3, last4, last5, last6, last7, last8, last9, last10, last11
        case defaultDay, chargeoffDay, cureDay, resolvedDay, delinquentSince, tolerance
        case nMessages, nFollowups, nCallAttempts, nCallsConnected, nVisits, nBlocked, nViolations
        case complaintCount, nextSwitch, fatigueDay0, fatigueDay1, fatigueDay2, fatigueDay3, fatigueDay4, fatigueDay5
    }
    enum U: Int, CaseIterable {
        case segment, grade, entryStage, reach, hardship, closed
        case calls0, calls1, calls2, calls3, calls4, calls5, calls6
        case contacts0, contacts1, contacts2, contacts3, contacts4, contacts5, contacts6
    }

    let capacity: Int
    private(set) var count = 0
    let doubles: UnsafeMutablePointer<Double>
    let ints: UnsafeMutablePointer<Int32>
    let bytes: UnsafeMutablePointer<UInt8>
    let flags: UnsafeMutablePointer<UInt32>
    let keys: UnsafeMutablePointer<UInt64>

    init(capacity: Int) {
        self.capacity = capacity
        doubles = .allocate(capacity: capacity * D.allCases.count)
        ints = .allocate(capacity: capacity * I.allCases.count)
        bytes = .allocate(capacity: capacity * U.allCases.count)
        flags = .allocate(capacity: capacity)
        keys = .allocate(capacity: capacity)
        doubles.initialize(repeating: 0, count: capacity * D.allCases.count)
        ints.initialize(repeating: 0, count: capacity * I.allCases.count)
        bytes.initialize(repeating: 0, count: capacity * U.allCases.count)
        flags.initialize(repeating: 0, count: capacity)
        keys.initialize(repeating: 0, count: capacity)
    }

    deinit {
        doubles.deallocate(); ints.deallocate(); bytes.deallocate(); flags.deallocate(); keys.deallocate()
    }

    func setCount(_ n: Int) { precondition(n <= capacity); count = n }

    @inline(__always) func d(_ f: D) -> UnsafeMutablePointer<Double> { doubles + f.rawValue * capacity }
    @inline(__always) func i(_ f: I) -> UnsafeMutablePointer<Int32> { ints + f.rawValue * capacity }
    @inline(__always) func u(_ f: U) -> UnsafeMutablePointer<UInt8> { bytes + f.rawValue * capacity }

    /// Copies every field of `other` (same capacity) into this store.
    func copy(from other: AccountStore) {
        precondition(other.capacity == capacity)
        doubles.update(from: other.doubles, count: capacity * D.allCases.count)
        ints.update(from: other.ints, count: capacity * I.allCases.count)
        bytes.update(from: other.bytes, count: capacity * U.allCases.count)
        flags.update(from: other.flags, count: capacity)
        keys.update(from: other.keys, count: capacity)
        count = other.count
    }
}

extension StreamKey {
    /// The k-th of several draws for the same (day, purpose), e.g. repeated call attempts.
    @inline(__always)
    func uniform(day: Int, purpose: Purpose, index: Int) -> Double {
        SplitMix.unitOpen(SplitMix.mix(bits(day: day, purpose: purpose) ^ (UInt64(index) &* SplitMix.gamma)))
    }
}
