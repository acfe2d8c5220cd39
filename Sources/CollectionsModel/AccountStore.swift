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
        case defaultDay, chargeoffDay, cureDay, resolvedDay, delinquentSince, tolerance
        case nMessages, nFollowups, nCallAttempts, nCallsConnected, nVisits, nBlocked, nViolations
        case complaintCount, nextSwitch, fatigueDay0, fatigueDay1, fatigueDay2, fatigueDay3, fatigueDay4, fatigueDay5
        /// The day each action kind last happened: `ActionKind.count` slots from here, sized by
        /// the enumeration, so a new action kind needs nothing in this file.
        case last0
    }
    enum U: Int, CaseIterable {
        case segment, grade, entryStage, reach, hardship, closed
        case calls0, calls1, calls2, calls3, calls4, calls5, calls6
        case contacts0, contacts1, contacts2, contacts3, contacts4, contacts5, contacts6
    }

    // The layout is spelled with each enumeration's last case so that it folds to constants in
    // the hot loop (`allCases.count` would not); `init` checks it against `allCases`.
    @inline(__always) static var intsOffset: Int { (D.fatigue5.rawValue + 1) * 8 }
    @inline(__always) static var bytesOffset: Int { intsOffset + (I.last0.rawValue + ActionKind.count) * 4 }
    @inline(__always) static var flagsOffset: Int { (bytesOffset + U.contacts6.rawValue + 1 + 3) / 4 * 4 }
    @inline(__always) static var keyOffset: Int { (flagsOffset + 4 + 7) / 8 * 8 }
    /// Bytes per account: doubles, then 32-bit integers, then bytes, flags and the stream key,
    /// each in its enumeration's order (so fields read as slots of one are consecutive).
    @inline(__always) static var recordSize: Int { keyOffset + 8 }

    let capacity: Int
    private(set) var count = 0
    private let records: UnsafeMutableRawPointer

    init(capacity: Int) {
        precondition(D.allCases.count == D.fatigue5.rawValue + 1 && I.allCases.count == I.last0.rawValue + 1
                     && U.allCases.count == U.contacts6.rawValue + 1, "AccountStore's layout must name each enumeration's last case")
        for problem in Self.layoutProblems() { preconditionFailure(problem) }
        self.capacity = capacity
        records = .allocate(byteCount: capacity * Self.recordSize, alignment: 64)
        records.initializeMemory(as: UInt8.self, repeating: 0, count: capacity * Self.recordSize)
    }

    deinit { records.deallocate() }

    /// Where the record's repeated fields do not have one slot per case of what indexes them:
    /// a new action kind or channel needs its slot here, or it would write over the next field.
    static func layoutProblems() -> [String] {
        var problems: [String] = []
        func check(_ name: String, _ slots: Int, _ cases: Int, _ of: String) {
            if slots != cases { problems.append("AccountStore: \(name) has \(slots) slots for \(cases) \(of); add or remove its cases") }
        }
        check("last0…", ActionKind.count, ActionKind.allCases.count, "action kinds (ActionKind.count)")
        check("fatigue0…", D.fatigue5.rawValue - D.fatigue0.rawValue + 1, Channel.allCases.count, "channels")
        check("fatigueDay0…", I.fatigueDay5.rawValue - I.fatigueDay0.rawValue + 1, Channel.allCases.count, "channels")
        check("nMessages…", I.complaintCount.rawValue - I.nMessages.rawValue, DayContext.CountField.allCases.count, "contact counters")
        check("calls0…", U.contacts0.rawValue - U.calls0.rawValue, 7, "days of the week")
        check("contacts0…", U.contacts6.rawValue - U.contacts0.rawValue + 1, 7, "days of the week")
        return problems
    }

    func setCount(_ n: Int) { precondition(n <= capacity); count = n }

    @inline(__always) func d(_ f: D) -> AccountField<Double> { AccountField(records, f) }
    @inline(__always) func i(_ f: I) -> AccountField<Int32> { AccountField(records, f) }
    @inline(__always) func u(_ f: U) -> AccountField<UInt8> { AccountField(records, f) }
    var flags: AccountField<UInt32> { AccountField(records) }
    var keys: AccountField<UInt64> { AccountField(records) }
    /// The first account's record; every field is at a constant offset from it.
    var base: UnsafeMutableRawPointer { records }

    /// Copies every account of `other` (same capacity) into this store.
    func copy(from other: AccountStore) {
        precondition(other.capacity == capacity)
        records.copyMemory(from: other.records, byteCount: capacity * Self.recordSize)
        count = other.count
    }
}

/// One field of every account in an `AccountStore`; `[j, k]` is slot `k` of a field that
/// repeats in consecutive slots (contact rings, per-action and per-channel fields).
///
/// Fields are made from the store's base pointer and constant offsets, so a field read in the
/// daily loop is one load from the account's record, with nothing to fetch first.
struct AccountField<T> {
    let base: UnsafeMutableRawPointer

    @inline(__always) init(offset: Int, in records: UnsafeMutableRawPointer) { base = records + offset }

    @inline(__always) subscript(j: Int) -> T {
        get { base.load(fromByteOffset: j &* AccountStore.recordSize, as: T.self) }
        nonmutating set { base.storeBytes(of: newValue, toByteOffset: j &* AccountStore.recordSize, as: T.self) }
    }

    @inline(__always) subscript(j: Int, slot: Int) -> T {
        get { base.load(fromByteOffset: j &* AccountStore.recordSize &+ slot &* MemoryLayout<T>.stride, as: T.self) }
        nonmutating set { base.storeBytes(of: newValue, toByteOffset: j &* AccountStore.recordSize &+ slot &* MemoryLayout<T>.stride, as: T.self) }
    }
}

/// A field that repeats in consecutive slots, one per case of `Index` (an action kind, a
/// channel, a contact counter): `[j, slot]` can only be indexed by what the slots are for.
struct Slots<T, Index: RawRepresentable> where Index.RawValue == Int {
    let field: AccountField<T>

    @inline(__always) init(_ field: AccountField<T>) { self.field = field }

    @inline(__always) subscript(j: Int, slot: Index) -> T {
        get { field[j, slot.rawValue] }
        nonmutating set { field[j, slot.rawValue] = newValue }
    }
}

extension AccountField where T == Double {
    @inline(__always) init(_ records: UnsafeMutableRawPointer, _ f: AccountStore.D) { self.init(offset: f.rawValue * 8, in: records) }
}

extension AccountField where T == Int32 {
    @inline(__always) init(_ records: UnsafeMutableRawPointer, _ f: AccountStore.I) {
        self.init(offset: AccountStore.intsOffset + f.rawValue * 4, in: records)
    }
}

extension AccountField where T == UInt8 {
    @inline(__always) init(_ records: UnsafeMutableRawPointer, _ f: AccountStore.U) {
        self.init(offset: AccountStore.bytesOffset + f.rawValue, in: records)
    }
}

extension AccountField where T == UInt32 {
    /// The flags word.
    @inline(__always) init(_ records: UnsafeMutableRawPointer) { self.init(offset: AccountStore.flagsOffset, in: records) }
}

extension AccountField where T == UInt64 {
    /// The stream key.
    @inline(__always) init(_ records: UnsafeMutableRawPointer) { self.init(offset: AccountStore.keyOffset, in: records) }
}

extension StreamKey {
    /// The k-th of several draws for the same (day, purpose), e.g. repeated call attempts.
    @inline(__always)
    func uniform(day: Int, purpose: Purpose, index: Int) -> Double {
        SplitMix.unitOpen(SplitMix.mix(bits(day: day, purpose: purpose) ^ (UInt64(index) &* SplitMix.gamma)))
    }
}
