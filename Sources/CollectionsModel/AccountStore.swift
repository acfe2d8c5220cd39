import Stochastics

/// Storage for one block of accounts, allocated once per worker and reused for every block and
/// strategy, so the daily loop allocates nothing.
///
/// Each account's fields sit together in one fixed-size record: the engine carries one account
/// through several days at a time, so what it touches should share a few cache lines. A whole
/// block's start state is copied into the working store with one `memcpy` per strategy.
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

    private static let intsOffset = D.allCases.count * 8
    private static let bytesOffset = intsOffset + I.allCases.count * 4
    private static let flagsOffset = (bytesOffset + U.allCases.count + 3) / 4 * 4
    private static let keyOffset = (flagsOffset + 4 + 7) / 8 * 8
    /// Bytes per account: doubles, then 32-bit integers, then bytes, flags and the stream key,
    /// each in its enumeration's order (so fields read as slots of one are consecutive).
    static let recordSize = keyOffset + 8

    let capacity: Int
    private(set) var count = 0
    private let records: UnsafeMutableRawPointer

    init(capacity: Int) {
        self.capacity = capacity
        records = .allocate(byteCount: capacity * Self.recordSize, alignment: 64)
        records.initializeMemory(as: UInt8.self, repeating: 0, count: capacity * Self.recordSize)
    }

    deinit { records.deallocate() }

    func setCount(_ n: Int) { precondition(n <= capacity); count = n }

    @inline(__always) func d(_ f: D) -> AccountField<Double> { field(f.rawValue * 8) }
    @inline(__always) func i(_ f: I) -> AccountField<Int32> { field(Self.intsOffset + f.rawValue * 4) }
    @inline(__always) func u(_ f: U) -> AccountField<UInt8> { field(Self.bytesOffset + f.rawValue) }
    var flags: AccountField<UInt32> { field(Self.flagsOffset) }
    var keys: AccountField<UInt64> { field(Self.keyOffset) }

    @inline(__always) private func field<T>(_ offset: Int) -> AccountField<T> {
        AccountField(base: records + offset, recordSize: Self.recordSize)
    }

    /// Copies every account of `other` (same capacity) into this store.
    func copy(from other: AccountStore) {
        precondition(other.capacity == capacity)
        records.copyMemory(from: other.records, byteCount: capacity * Self.recordSize)
        count = other.count
    }
}

/// One field of every account in an `AccountStore`; `[j, k]` is slot `k` of a field that
/// repeats in consecutive slots (contact rings, per-action and per-channel fields).
struct AccountField<T> {
    let base: UnsafeMutableRawPointer
    let recordSize: Int

    @inline(__always) subscript(j: Int) -> T {
        get { base.load(fromByteOffset: j &* recordSize, as: T.self) }
        nonmutating set { base.storeBytes(of: newValue, toByteOffset: j &* recordSize, as: T.self) }
    }

    @inline(__always) subscript(j: Int, slot: Int) -> T {
        get { base.load(fromByteOffset: j &* recordSize &+ slot &* MemoryLayout<T>.stride, as: T.self) }
        nonmutating set { base.storeBytes(of: newValue, toByteOffset: j &* recordSize &+ slot &* MemoryLayout<T>.stride, as: T.self) }
    }
}

extension StreamKey {
    /// The k-th of several draws for the same (day, purpose), e.g. repeated call attempts.
    @inline(__always)
    func uniform(day: Int, purpose: Purpose, index: Int) -> Double {
        SplitMix.unitOpen(SplitMix.mix(bits(day: day, purpose: purpose) ^ (UInt64(index) &* SplitMix.gamma)))
    }
}
