import Analysis
import Foundation
import Scenario

/// Everything a report shows, read back from a run folder's own files (summary.json and the
/// CSVs), so `collectsim report RUNDIR` rebuilds exactly the report the run wrote.
public struct ReportData: Sendable {
    public struct Estimate: Sendable { public let mean, low, high: Double; public let n: Int }
    public struct Difference: Sendable {
        public let diff, low, high, pValue, relative, relativeLow, relativeHigh: Double
        public var isSignificant: Bool { pValue < 0.05 }
    }

    public var scenario = ""
    public var scenarioHash = ""
    public var seed = ""
    public var replications = 0
    public var population = 0
    /// The lender's book the accounts came from (absolute path), when not generated.
    public var portfolio: String?
    public var horizonDays = 0
    public var version = ""
    public var partial = false
    public var baseline = ""
    public var strategies: [String] = []
    /// Accounts in the portfolio file when the run simulated a stratified sample of them.
    public var portfolioAccounts: Int?
    /// Strata of that sample (segment × grade × DPD bucket).
    public var sampleStrata: Int?
    /// "N accounts", "N accounts of book.csv" for a lender's book, or "a stratified sample of n
    /// of the N accounts of book.csv (k strata)".
    public var accountsPhrase: String {
        Self.accountsPhrase(population: population, portfolio: portfolio, portfolioAccounts: portfolioAccounts, sampleStrata: sampleStrata)
    }

    /// The phrase for a run of `population` accounts from `portfolio` (nil: generated), a
    /// sample of its `portfolioAccounts` in `sampleStrata` strata when those are given.
    public static func accountsPhrase(population: Int, portfolio: String?, portfolioAccounts: Int?, sampleStrata: Int?) -> String {
        guard let portfolio else { return "\(population) accounts" }
        let file = URL(fileURLWithPath: portfolio).lastPathComponent
        guard let all = portfolioAccounts else { return "\(population) accounts of \(file)" }
        return "a stratified sample of \(population) of the \(all) accounts of \(file) (segment × grade × DPD bucket, \(sampleStrata ?? 0) strata)"
    }

    /// The phrase for `scenario`'s population, as its report will say it.
    public static func accountsPhrase(_ scenario: Scenario) -> String {
        let book = scenario.population.book
        return accountsPhrase(population: scenario.population.size, portfolio: book?.path, portfolioAccounts: book?.sample?.fileAccounts,
                              sampleStrata: book?.sample?.strata)
    }
    /// Each metric's value per replication (strategy → metric → values), from replications.csv;
    /// empty for a folder written before that file existed.
    public var replicationValues: [String: [String: [Double]]] = [:]
    /// The verdict's objective and cap, from the resolved scenario.
    public var verdictSpec = VerdictSpec()
    /// Roll rates averaged over the horizon's months: strategy → from bucket → to bucket →
    /// mean share, from rollrates.csv; with the buckets in the file's order.
    public var rollRates: [String: [String: [String: Double]]] = [:]
    public var rollBuckets: [String] = []
    /// Each strategy's rules as the resolved scenario writes them, from the resolved scenario.
    public var rules: [String: String] = [:]
    /// Each strategy's description, from the resolved scenario.
    public var descriptions: [String: String] = [:]
    public var groups: [String] = []
    /// [strategy][group][metric]
    public var estimates: [String: [String: [String: Estimate]]] = [:]
    /// [strategy][group][metric], against the baseline.
    public var differences: [String: [String: [String: Difference]]] = [:]
    /// [strategy][curve] → points by day (day, estimate).
    public var curves: [String: [String: [(Int, Estimate)]]] = [:]

    public func estimate(_ metric: String, _ strategy: String, group: String = "all") -> Estimate? {
        estimates[strategy]?[group]?[metric]
    }

    public func difference(_ metric: String, _ strategy: String, group: String = "all") -> Difference? {
        differences[strategy]?[group]?[metric]
    }

    /// Reads a run folder.
    public static func load(from dir: URL) throws -> ReportData {
        func read(_ name: String) throws -> String {
            try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
        }
        return try ReportData(summary: read("summary.json"), metrics: read("metrics.csv"),
                              comparison: read("comparison.csv"), curves: read("curves.csv"),
                              scenario: try? ScenarioLoader.load(path: dir.appendingPathComponent("scenario.resolved.yaml").path),
                              replications: try? read(RunWriter.replicationsFile), rollRates: try? read("rollrates.csv"))
    }

    public init(summary: String, metrics: String, comparison: String, curves curvesCSV: String, scenario resolved: Scenario? = nil,
                replications replicationsCSV: String? = nil, rollRates rollRatesCSV: String? = nil) throws {
        for s in resolved?.strategies ?? [] {
            descriptions[s.name] = s.description
            rules[s.name] = ScenarioWriter.rules(s.rules, indent: "")
        }
        if let resolved { verdictSpec = resolved.verdict }
        guard let json = try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "summary.json is not a JSON object"])
        }
        scenario = json["scenario"] as? String ?? ""
        scenarioHash = json["scenario_sha256"] as? String ?? ""
        seed = (json["seed"] as? NSNumber)?.stringValue ?? ""
        replications = (json["replications"] as? NSNumber)?.intValue ?? 0
        population = (json["population"] as? NSNumber)?.intValue ?? 0
        portfolio = json["portfolio"] as? String
        portfolioAccounts = (json["portfolio_accounts"] as? NSNumber)?.intValue
        sampleStrata = (json["sample_strata"] as? NSNumber)?.intValue
        horizonDays = (json["horizon_days"] as? NSNumber)?.intValue ?? 0
        version = json["version"] as? String ?? ""
        partial = json["partial"] as? Bool ?? false
        baseline = json["baseline"] as? String ?? ""
        strategies = json["strategies"] as? [String] ?? []

        func number(_ s: String) -> Double { Double(s) ?? .nan }
        for row in CSV.rows(metrics).dropFirst() where row.count == 7 {
            let e = Estimate(mean: number(row[3]), low: number(row[4]), high: number(row[5]), n: Int(row[6]) ?? 0)
            estimates[row[0], default: [:]][row[1], default: [:]][row[2]] = e
            if !groups.contains(row[1]) { groups.append(row[1]) }
        }
        for row in CSV.rows(comparison).dropFirst() where row.count == 11 {
            let d = Difference(diff: number(row[4]), low: number(row[5]), high: number(row[6]), pValue: number(row[7]),
                               relative: number(row[8]), relativeLow: number(row[9]), relativeHigh: number(row[10]))
            differences[row[0], default: [:]][row[2], default: [:]][row[3]] = d
        }
        // Each month's row of shares sums to one; their mean over the months does too.
        var sums: [String: [String: [String: (Double, Int)]]] = [:]
        for row in CSV.rows(rollRatesCSV ?? "").dropFirst() where row.count == 8 {
            let v = number(row[4])
            guard v.isFinite else { continue }
            let old = sums[row[0], default: [:]][row[2], default: [:]][row[3]] ?? (0, 0)
            sums[row[0], default: [:]][row[2], default: [:]][row[3]] = (old.0 + v, old.1 + 1)
            for b in [row[2], row[3]] where !rollBuckets.contains(b) { rollBuckets.append(b) }
        }
        rollRates = sums.mapValues { $0.mapValues { $0.mapValues { $0.0 / Double($0.1) } } }
        for row in CSV.rows(replicationsCSV ?? "").dropFirst() where row.count == 4 {
            replicationValues[row[0], default: [:]][row[2], default: []].append(number(row[3]))
        }
        for row in CSV.rows(curvesCSV).dropFirst() where row.count == 6 {
            let e = Estimate(mean: number(row[3]), low: number(row[4]), high: number(row[5]), n: 0)
            curves[row[0], default: [:]][row[1], default: []].append((Int(row[2]) ?? 0, e))
        }
    }
}

/// RFC 4180 rows: quoted fields may hold commas, doubled quotes and newlines. Lines end at
/// "\n" or "\r\n"; a "\r" elsewhere is part of its field.
///
/// The text is read as UTF-8 bytes: every byte the format gives a meaning is ASCII, and so never
/// part of another character's encoding. Reading it as `Character`s instead (grapheme by
/// grapheme) made parsing a run's CSVs back a third of what writing its outputs cost.
enum CSV {
    static func rows(_ text: String) -> [[String]] {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"), ret = UInt8(ascii: "\r")
        var rows: [[String]] = []
        var row: [String] = []
        var field: [UInt8] = []
        var quoted = false
        func endField() {
            row.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        func endRow() {
            endField()
            rows.append(row)
            row = []
        }
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            i += 1
            if quoted {
                if c != quote {
                    field.append(c)
                } else if i < bytes.count && bytes[i] == quote {
                    field.append(quote)  // a doubled quote
                    i += 1
                } else {
                    quoted = false
                }
            } else if c == quote && field.isEmpty {
                quoted = true
            } else if c == comma {
                endField()
            } else if c == newline {
                endRow()
            } else if c == ret && i < bytes.count && bytes[i] == newline {
                endRow()
                i += 1
            } else {
                field.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty { endRow() }
        return rows
    }
}
