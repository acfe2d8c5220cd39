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

/// A lender's book as the population of a run: every account's observable start in compact
/// columns (about 50 bytes an account; the ids themselves are not kept), read once and shared,
/// immutable, by every worker thread.
///
/// Each account's random draws are keyed by `idKey`, a 64-bit hash of its id, not by its row:
/// the same account meets the same draws wherever it stands in the file, and accounts added to
/// a book leave the others' draws unchanged.
public final class AccountBook: Sendable, Hashable {
    /// Where the book was read from (absolute) and the SHA-256 of its bytes.
    public let path: String
    public let sha256: String
    /// Optional columns the file had (the rest are drawn).
    public let hasRiskScore: Bool
    public let hasReach: Bool
    /// Columns of the file the scenario told to ignore (`ignore_columns`).
    public let ignoredColumns: [String]

    public let idKey: [UInt64]
    let segment: [UInt8]
    let grade: [UInt8]
    public let dpd: [Int32]
    let remainingTerm: [Int32]
    public let balance: [Double]
    let overdue: [Double]
    let installment: [Double]
    let riskScore: [Double]
    let reach: [UInt8]
    let flags: [UInt8]

    public var count: Int { idKey.count }
    /// Lowest and highest days past due in the book.
    public let dpdRange: ClosedRange<Int32>?
    /// How the accounts were chosen from the file when they are a sample (`BookSample.swift`);
    /// nil: every account of the file, in its order.
    public let sample: Sample?

    /// Collects accounts in file order.
    public struct Builder {
        var idKey: [UInt64] = [], segment: [UInt8] = [], grade: [UInt8] = [], dpd: [Int32] = [], remainingTerm: [Int32] = []
        var balance: [Double] = [], overdue: [Double] = [], installment: [Double] = [], riskScore: [Double] = []
        var reach: [UInt8] = [], flags: [UInt8] = []
        public init(capacity: Int = 0) {
            idKey.reserveCapacity(capacity); segment.reserveCapacity(capacity); grade.reserveCapacity(capacity)
            dpd.reserveCapacity(capacity); remainingTerm.reserveCapacity(capacity); balance.reserveCapacity(capacity)
            overdue.reserveCapacity(capacity); installment.reserveCapacity(capacity); riskScore.reserveCapacity(capacity)
            reach.reserveCapacity(capacity); flags.reserveCapacity(capacity)
        }
        public var count: Int { idKey.count }
        public mutating func append(_ a: KnownAccount) { append(a, key: AccountBook.key(of: a.id)) }

        /// Appends `a` with the draw key of its id, already computed (`a.id` is not read).
        public mutating func append(_ a: KnownAccount, key: UInt64) {
            idKey.append(key); segment.append(UInt8(a.segment)); grade.append(UInt8(a.grade.rawValue))
            dpd.append(Int32(a.dpd)); remainingTerm.append(Int32(a.remainingTerm)); balance.append(a.balance)
            overdue.append(a.overdue); installment.append(a.installment); riskScore.append(a.riskScore ?? .nan)
            reach.append(a.reach?.rawValue ?? 0xFF); flags.append(a.flags.rawValue)
        }
        public func build(path: String, sha256: String, hasRiskScore: Bool, hasReach: Bool, ignoredColumns: [String]) -> AccountBook {
            AccountBook(self, path: path, sha256: sha256, hasRiskScore: hasRiskScore, hasReach: hasReach, ignoredColumns: ignoredColumns)
        }
    }

    init(_ b: Builder, path: String, sha256: String, hasRiskScore: Bool, hasReach: Bool, ignoredColumns: [String]) {
        self.path = path; self.sha256 = sha256; self.hasRiskScore = hasRiskScore; self.hasReach = hasReach
        self.ignoredColumns = ignoredColumns
        idKey = b.idKey; segment = b.segment; grade = b.grade; dpd = b.dpd; remainingTerm = b.remainingTerm
        balance = b.balance; overdue = b.overdue; installment = b.installment; riskScore = b.riskScore
        reach = b.reach; flags = b.flags
        dpdRange = b.dpd.min().map { $0...b.dpd.max()! }
        sample = nil
    }

    /// The accounts at `rows` (ascending) of `book`, as the sample `sample`.
    init(_ book: AccountBook, rows: [Int], sample: Sample) {
        path = book.path; sha256 = book.sha256; hasRiskScore = book.hasRiskScore; hasReach = book.hasReach
        ignoredColumns = book.ignoredColumns
        idKey = rows.map { book.idKey[$0] }; segment = rows.map { book.segment[$0] }; grade = rows.map { book.grade[$0] }
        let dpd = rows.map { book.dpd[$0] }
        self.dpd = dpd; remainingTerm = rows.map { book.remainingTerm[$0] }
        balance = rows.map { book.balance[$0] }; overdue = rows.map { book.overdue[$0] }
        installment = rows.map { book.installment[$0] }; riskScore = rows.map { book.riskScore[$0] }
        reach = rows.map { book.reach[$0] }; flags = rows.map { book.flags[$0] }
        dpdRange = dpd.min().map { $0...dpd.max()! }
        self.sample = sample
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

    /// Account `i`'s segment, grade and entry class, as `ConditionedPropensity` keys them.
    func stratum(_ i: Int, maxInitialDPD: Int) -> ConditionedPropensity.Stratum {
        .init(segment: Int(segment[i]), grade: Int(grade[i]), entry: max(0, min(Int(dpd[i]), maxInitialDPD)))
    }

    public static func == (a: AccountBook, b: AccountBook) -> Bool {
        a.sha256 == b.sha256 && a.path == b.path && a.count == b.count && a.sample?.fileAccounts == b.sample?.fileAccounts
    }
    public func hash(into h: inout Hasher) { h.combine(sha256); h.combine(path); h.combine(count) }
}
