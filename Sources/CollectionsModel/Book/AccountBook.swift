import Foundation

/// What a lender's file says about one account at the start of a run: its observable state,
/// in the model's units. A portfolio file has one row of these per account (`Portfolio`), and
/// `collectsim portfolio` writes generated accounts in the same shape.
public struct KnownAccount: Sendable, Hashable {
    public var id: String
    /// Index into the scenario's segments.
    public var segment: Int
    public var grade: Grade
    public var balance: Double
    /// Amount past due (the model's arrears); 0 for a current account.
    public var overdue: Double
    /// Days past due; 0 or negative for a current account (−d: the next installment is due in d days).
    public var dpd: Int
    public var installment: Double
    /// Installments left on the loan (on a plan: on the plan).
    public var remainingTerm: Int
    /// The lender's risk score as a population percentile in [0, 1] (1 = riskiest); nil: drawn.
    public var riskScore: Double?
    /// Channels the account can be reached on (`Reach`); nil: drawn from the segment's shares.
    public var reach: Reach?
    public var flags: KnownFlags

    public init(id: String, segment: Int, grade: Grade, balance: Double, overdue: Double, dpd: Int, installment: Double,
                remainingTerm: Int, riskScore: Double? = nil, reach: Reach? = nil, flags: KnownFlags = []) {
        self.id = id; self.segment = segment; self.grade = grade; self.balance = balance; self.overdue = overdue
        self.dpd = dpd; self.installment = installment; self.remainingTerm = remainingTerm
        self.riskScore = riskScore; self.reach = reach; self.flags = flags
    }
}

/// Channels an account can be reached on, as a file names them.
public struct Reach: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let phone = Reach(rawValue: 1 << 0)
    public static let sms = Reach(rawValue: 1 << 1)
    public static let email = Reach(rawValue: 1 << 2)
    public static let app = Reach(rawValue: 1 << 3)
    public static let named: [(String, Reach)] = [("phone", .phone), ("sms", .sms), ("email", .email), ("app", .app)]
}

/// The state flags a file may set at entry (the strategy language's names).
public struct KnownFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let onPlan = KnownFlags(rawValue: 1 << 0)
    public static let promiseBroken = KnownFlags(rawValue: 1 << 1)
    public static let hardshipReported = KnownFlags(rawValue: 1 << 2)
    public static let complainedRecently = KnownFlags(rawValue: 1 << 3)
    public static let named: [(String, KnownFlags)] = [("on_plan", .onPlan), ("promise_broken", .promiseBroken),
                                                        ("hardship_reported", .hardshipReported),
                                                        ("complained_recently", .complainedRecently)]
}

/// One account of a book as the engine reads it: a fixed layout of 56 bytes with no padding,
/// so a block of them is one read from a file and the same bytes on every machine.
public struct BookRecord: Sendable, Hashable {
    /// The draw key of the account id (`AccountBook.key(of:)`).
    public var idKey: UInt64
    public var balance: Double
    public var overdue: Double
    public var installment: Double
    /// The lender's risk score as a percentile; NaN: drawn.
    public var riskScore: Double
    public var dpd: Int32
    public var remainingTerm: Int32
    public var segment: UInt8
    public var grade: UInt8
    /// `Reach` bits; 0xFF: drawn.
    public var reach: UInt8
    /// `KnownFlags` bits.
    public var flags: UInt8
    /// Always zero: spelled out so that no byte of a record is undefined.
    var padding: UInt32 = 0

    public init(_ a: KnownAccount, key: UInt64) {
        idKey = key; balance = a.balance; overdue = a.overdue; installment = a.installment; riskScore = a.riskScore ?? .nan
        dpd = Int32(a.dpd); remainingTerm = Int32(a.remainingTerm); segment = UInt8(a.segment); grade = UInt8(a.grade.rawValue)
        reach = a.reach?.rawValue ?? 0xFF; flags = a.flags.rawValue
    }

    /// Records are equal when their bytes are (a risk score left to be drawn, NaN, equals itself).
    public static func == (a: BookRecord, b: BookRecord) -> Bool {
        a.idKey == b.idKey && a.balance == b.balance && a.overdue == b.overdue && a.installment == b.installment
            && a.riskScore.bitPattern == b.riskScore.bitPattern && a.dpd == b.dpd && a.remainingTerm == b.remainingTerm
            && a.segment == b.segment && a.grade == b.grade && a.reach == b.reach && a.flags == b.flags
    }

    public func hash(into h: inout Hasher) { h.combine(idKey) }
}

/// A lender's book as the population of a run, read once and shared, immutable, by every worker
/// thread. The ids themselves are not kept.
///
/// A book of up to `residentLimit` accounts is held in memory (56 bytes an account). A larger
/// one is written, as it is read, to an unlinked temporary file, and each block of accounts is
/// read back when the engine draws that block's population (`read(_:into:)`): a 10⁷-account
/// book runs in the memory of a 10⁶-account one. A cluster run's shards read the book from the
/// records file the job was prepared with (`BookRecordsFile`), each only its own blocks.
///
/// Each account's random draws are keyed by `BookRecord.idKey`, a 64-bit hash of its id, not
/// by its row: the same account meets the same draws wherever it stands in the file, and
/// accounts added to a book leave the others' draws unchanged.
public final class AccountBook: Sendable, Hashable {
    /// Where the book was read from (absolute) and the SHA-256 of its bytes.
    public let path: String
    public let sha256: String
    /// Optional columns the file had (the rest are drawn).
    public let hasRiskScore: Bool
    public let hasReach: Bool
    /// Columns of the file the scenario told to ignore (`ignore_columns`).
    public let ignoredColumns: [String]
    public let count: Int
    /// Lowest and highest days past due in the book.
    public let dpdRange: ClosedRange<Int32>?
    /// Every (segment, grade, days past due) the book's accounts have, ascending: what the
    /// propensity tables are built for (`ConditionedPropensity`).
    public let profiles: [Profile]
    /// How the accounts were chosen from the file when they are a sample (`BookSample.swift`);
    /// nil: every account of the file, in its order.
    public let sample: Sample?
    let storage: Storage

    /// Books of more accounts than this are kept in a file, not in memory (2²⁰: 56 MiB).
    public static let residentLimit = 1 << 20

    enum Storage: Sendable {
        case resident([BookRecord])
        case file(BookFile)
    }

    /// Segment, grade and days past due of an account, packed into one ordered word.
    public struct Profile: Sendable, Hashable, Comparable, Codable {
        public let packed: UInt64
        public init(segment: UInt8, grade: UInt8, dpd: Int32) {
            packed = UInt64(segment) << 40 | UInt64(grade) << 32 | UInt64(UInt32(bitPattern: dpd) ^ 0x8000_0000)
        }
        init(_ r: BookRecord) { self.init(segment: r.segment, grade: r.grade, dpd: r.dpd) }
        public var segment: Int { Int(packed >> 40) }
        public var grade: Int { Int((packed >> 32) & 0xFF) }
        public var dpd: Int32 { Int32(bitPattern: UInt32(packed & 0xFFFF_FFFF) ^ 0x8000_0000) }
        public static func < (a: Profile, b: Profile) -> Bool { a.packed < b.packed }
    }

    /// Collects accounts in file order, in memory up to `residentLimit` of them, then into a
    /// temporary file.
    public struct Builder {
        var records: [BookRecord] = []
        var file: BookFile.Writer?
        var profiles = Set<Profile>()
        var lowestDPD = Int32.max, highestDPD = Int32.min
        let residentLimit: Int
        public private(set) var count = 0

        /// - Parameters:
        ///   - capacity: accounts expected (memory is reserved for at most `residentLimit`).
        ///   - residentLimit: accounts kept in memory before the book moves to a file.
        public init(capacity: Int = 0, residentLimit: Int = AccountBook.residentLimit) {
            self.residentLimit = residentLimit
            records.reserveCapacity(min(capacity, residentLimit))
        }

        public mutating func append(_ a: KnownAccount) { append(a, key: AccountBook.key(of: a.id)) }

        /// Appends `a` with the draw key of its id, already computed (`a.id` is not read).
        public mutating func append(_ a: KnownAccount, key: UInt64) { append(BookRecord(a, key: key)) }

        public mutating func append(_ r: BookRecord) {
            count += 1
            profiles.insert(Profile(r))
            lowestDPD = min(lowestDPD, r.dpd); highestDPD = max(highestDPD, r.dpd)
            records.append(r)
            if file != nil || records.count > residentLimit {
                if file == nil { file = BookFile.Writer() }
                if records.count >= BookFile.Writer.batch { file!.append(records); records.removeAll(keepingCapacity: true) }
            }
        }

        /// The book; `sample` says how its accounts were chosen from the file (nil: all of them).
        public func build(path: String, sha256: String, hasRiskScore: Bool, hasReach: Bool, ignoredColumns: [String],
                          sample: Sample? = nil) -> AccountBook {
            let storage: Storage
            if var file {
                file.append(records)
                storage = .file(file.finish())
            } else {
                storage = .resident(records)
            }
            return AccountBook(storage: storage, count: count, path: path, sha256: sha256, hasRiskScore: hasRiskScore, hasReach: hasReach,
                               ignoredColumns: ignoredColumns, dpdRange: count > 0 ? lowestDPD...highestDPD : nil,
                               profiles: profiles.sorted(), sample: sample)
        }
    }

    init(storage: Storage, count: Int, path: String, sha256: String, hasRiskScore: Bool, hasReach: Bool, ignoredColumns: [String],
         dpdRange: ClosedRange<Int32>?, profiles: [Profile], sample: Sample?) {
        self.storage = storage; self.count = count
        self.path = path; self.sha256 = sha256; self.hasRiskScore = hasRiskScore; self.hasReach = hasReach
        self.ignoredColumns = ignoredColumns; self.dpdRange = dpdRange; self.profiles = profiles; self.sample = sample
    }

    /// Whether the accounts are in memory (not read back from a file block by block).
    public var isResident: Bool { if case .resident = storage { return true } else { return false } }

    /// Copies accounts `range` into the start of `buffer` (at least `range.count` long).
    public func read(_ range: Range<Int>, into buffer: UnsafeMutableBufferPointer<BookRecord>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= count && buffer.count >= range.count)
        switch storage {
        case .resident(let records):
            records.withUnsafeBufferPointer { all in
                _ = UnsafeMutableBufferPointer(rebasing: buffer[0..<range.count]).initialize(from: all[range])
            }
        case .file(let file):
            file.read(range, into: buffer.baseAddress!)
        }
    }

    /// Account `i`.
    public func record(_ i: Int) -> BookRecord {
        if case .resident(let records) = storage { return records[i] }
        return withUnsafeTemporaryAllocation(of: BookRecord.self, capacity: 1) { one in
            read(i..<(i + 1), into: one)
            return one[0]
        }
    }

    /// Calls `body` with the position of each block's first account and the block, in order.
    public func forEachBlock(_ body: (Int, UnsafeBufferPointer<BookRecord>) throws -> Void) rethrows {
        if case .resident(let records) = storage {
            try records.withUnsafeBufferPointer { try body(0, $0) }
            return
        }
        let block = BookFile.Writer.batch
        let buffer = UnsafeMutableBufferPointer<BookRecord>.allocate(capacity: block)
        defer { buffer.deallocate() }
        var first = 0
        while first < count {
            let n = min(block, count - first)
            read(first..<(first + n), into: buffer)
            try body(first, UnsafeBufferPointer(rebasing: buffer[0..<n]))
            first += n
        }
    }

    /// One field of every account, in order (for tests and small books).
    public func column<T>(_ field: KeyPath<BookRecord, T>) -> [T] {
        var out: [T] = []
        out.reserveCapacity(count)
        forEachBlock { _, block in out.append(contentsOf: block.lazy.map { $0[keyPath: field] }) }
        return out
    }

    /// The draw key of an account id: FNV-1a over its UTF-8 bytes, then the SplitMix64
    /// finaliser (so that ids differing in one character differ in every bit).
    public static func key(of id: String) -> UInt64 { key(of: id.utf8) }

    /// The draw key of an id given as its UTF-8 bytes (as a file reader has it).
    @inlinable public static func key(of utf8: some Sequence<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        h = (h ^ (h >> 30)) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ (h >> 27)) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 31)
    }

    public static func == (a: AccountBook, b: AccountBook) -> Bool {
        a.sha256 == b.sha256 && a.path == b.path && a.count == b.count && a.sample?.fileAccounts == b.sample?.fileAccounts
    }
    public func hash(into h: inout Hasher) { h.combine(sha256); h.combine(path); h.combine(count) }
}
