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
    public var horizonDays = 0
    public var version = ""
    public var partial = false
    public var baseline = ""
    public var strategies: [String] = []
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
                              scenario: try? ScenarioLoader.load(path: dir.appendingPathComponent("scenario.resolved.yaml").path))
    }

    public init(summary: String, metrics: String, comparison: String, curves curvesCSV: String, scenario resolved: Scenario? = nil) throws {
        for s in resolved?.strategies ?? [] { descriptions[s.name] = s.description }
        guard let json = try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "summary.json is not a JSON object"])
        }
        scenario = json["scenario"] as? String ?? ""
        scenarioHash = json["scenario_sha256"] as? String ?? ""
        seed = (json["seed"] as? NSNumber)?.stringValue ?? ""
        replications = (json["replications"] as? NSNumber)?.intValue ?? 0
        population = (json["population"] as? NSNumber)?.intValue ?? 0
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
        for row in CSV.rows(curvesCSV).dropFirst() where row.count == 6 {
            let e = Estimate(mean: number(row[3]), low: number(row[4]), high: number(row[5]), n: 0)
            curves[row[0], default: [:]][row[1], default: []].append((Int(row[2]) ?? 0, e))
        }
    }
}

/// RFC 4180 rows: quoted fields may hold commas, doubled quotes and newlines.
enum CSV {
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = text.makeIterator()
        var pending: Character? = nil
        while let c = pending ?? chars.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let n = chars.next() {
                        if n == "\"" { field.append("\"") } else { quoted = false; pending = n }
                    } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" && field.isEmpty {
                quoted = true
            } else if c == "," {
                row.append(field); field = ""
            } else if c == "\n" || c == "\r\n" {
                row.append(field); rows.append(row); row = []; field = ""
            } else {
                field.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
