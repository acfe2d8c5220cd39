import Foundation

/// `summary.json` of a run folder and of an experiment folder: one `Encodable` type for both.
///
/// What ran (scenario, its hash, seed, sizes, version), whether it finished, and its results: a
/// run's headline metrics with their 95% CIs, or an experiment's own results (`results`, written
/// at the top level beside the common fields). Keys are written sorted, so the same results give
/// the same bytes in every process (Foundation's JSONEncoder otherwise orders a keyed object as
/// its hash table does, which differs from one process to the next).
public struct FolderSummary: Codable, Sendable {
    /// A metric's mean and 95% CI over `n` replications; NaN (undefined) is written as null.
    public struct Estimate: Codable, Sendable {
        public var mean, ciLow, ciHigh: Double?
        public var n: Int
        public init(mean: Double, ciLow: Double, ciHigh: Double, n: Int) {
            func finite(_ v: Double) -> Double? { v.isFinite ? v : nil }
            self.mean = finite(mean); self.ciLow = finite(ciLow); self.ciHigh = finite(ciHigh); self.n = n
        }
        enum CodingKeys: String, CodingKey { case mean, ciLow = "ci_low", ciHigh = "ci_high", n }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            // Written even when undefined, as null, so every estimate has the same four fields.
            try c.encode(mean, forKey: .mean)
            try c.encode(ciLow, forKey: .ciLow)
            try c.encode(ciHigh, forKey: .ciHigh)
            try c.encode(n, forKey: .n)
        }
    }

    /// The experiment kind ("sweep", "sensitivity", "optimize", "calibrate"); nil for a run.
    public var kind: String?
    public var scenario: String
    public var scenarioSHA256: String
    public var seed: UInt64
    /// A run's replications; an experiment's are per evaluation (`replicationsPerEvaluation`).
    public var replications: Int?
    public var evaluations: Int?
    public var budget: Int?
    public var replicationsPerEvaluation: Int?
    /// Accounts (per evaluation, for an experiment).
    public var population: Int
    /// With a lender's book: its path, and with a sample the book's accounts and the strata.
    public var portfolio: String?
    public var portfolioAccounts: Int?
    public var sampleStrata: Int?
    public var horizonDays: Int
    public var version: String
    /// True when the work was stopped before it finished.
    public var partial: Bool
    public var baseline: String?
    public var strategies: [String]
    /// A run's headline metrics: strategy → metric → estimate.
    public var headline: [String: [String: Estimate]]?
    /// An experiment's own results, by name, written beside the common fields (not read back).
    public var results: [String: JSONValue] = [:]

    enum CodingKeys: String, CodingKey {
        case kind, scenario, scenarioSHA256 = "scenario_sha256", seed, replications, evaluations, budget
        case replicationsPerEvaluation = "replications_per_evaluation", population, portfolio
        case portfolioAccounts = "portfolio_accounts", sampleStrata = "sample_strata", horizonDays = "horizon_days"
        case version, partial, baseline, strategies, headline
    }

    public init(kind: String? = nil, scenario: String, scenarioSHA256: String, seed: UInt64, population: Int, horizonDays: Int,
                version: String, partial: Bool, strategies: [String]) {
        self.kind = kind; self.scenario = scenario; self.scenarioSHA256 = scenarioSHA256; self.seed = seed
        self.population = population; self.horizonDays = horizonDays; self.version = version; self.partial = partial
        self.strategies = strategies
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(kind, forKey: .kind)
        try c.encode(scenario, forKey: .scenario)
        try c.encode(scenarioSHA256, forKey: .scenarioSHA256)
        try c.encode(seed, forKey: .seed)
        try c.encodeIfPresent(replications, forKey: .replications)
        try c.encodeIfPresent(evaluations, forKey: .evaluations)
        try c.encodeIfPresent(budget, forKey: .budget)
        try c.encodeIfPresent(replicationsPerEvaluation, forKey: .replicationsPerEvaluation)
        try c.encode(population, forKey: .population)
        try c.encodeIfPresent(portfolio, forKey: .portfolio)
        try c.encodeIfPresent(portfolioAccounts, forKey: .portfolioAccounts)
        try c.encodeIfPresent(sampleStrata, forKey: .sampleStrata)
        try c.encode(horizonDays, forKey: .horizonDays)
        try c.encode(version, forKey: .version)
        try c.encode(partial, forKey: .partial)
        try c.encodeIfPresent(baseline, forKey: .baseline)
        try c.encode(strategies, forKey: .strategies)
        try c.encodeIfPresent(headline, forKey: .headline)
        var extra = encoder.container(keyedBy: JSONValue.Key.self)
        for (name, value) in results { try extra.encode(value, forKey: JSONValue.Key(name)) }
    }

    /// Reads a folder's summary.json (the common fields; an experiment's results are not kept).
    public static func read(_ data: Data) throws -> FolderSummary { try JSONDecoder().decode(FolderSummary.self, from: data) }

    /// The file's text: two-space indented, keys sorted, a newline at the end.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Every value is a string, a whole number, a finite number or null, or a list or object
        // of them, which JSONEncoder always encodes.
        let data = try! encoder.encode(self)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// A JSON value: what an experiment's `summary.json` reports besides the common fields.
public indirect enum JSONValue: Encodable, Sendable {
    /// A number; NaN and infinities are written as null.
    case number(Double)
    case integer(Int)
    case string(String)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])

    /// A mean with its CI, as `{"mean", "ci_low", "ci_high"}` and any further fields.
    public static func interval(mean: Double, low: Double, high: Double, _ more: [String: JSONValue] = [:]) -> JSONValue {
        .object(["mean": .number(mean), "ci_low": .number(low), "ci_high": .number(high)].merging(more) { a, _ in a })
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .number(let v):
            var c = encoder.singleValueContainer()
            if v.isFinite { try c.encode(v) } else { try c.encodeNil() }
        case .integer(let v):
            var c = encoder.singleValueContainer()
            try c.encode(v)
        case .string(let v):
            var c = encoder.singleValueContainer()
            try c.encode(v)
        case .bool(let v):
            var c = encoder.singleValueContainer()
            try c.encode(v)
        case .array(let values):
            var c = encoder.unkeyedContainer()
            for v in values { try c.encode(v) }
        case .object(let fields):
            var c = encoder.container(keyedBy: Key.self)
            for (k, v) in fields { try c.encode(v, forKey: Key(k)) }
        }
    }

    /// Any key.
    struct Key: CodingKey {
        let stringValue: String
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }
}
