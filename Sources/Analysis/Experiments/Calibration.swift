import CollectionsModel
import Foundation
import Scenario
import Stochastics

/// A statistic computed from one replication's tally, beyond the metrics: a point of a curve or
/// a cell of a roll-rate matrix, as calibration targets need.
public struct Statistic: Sendable {
    public let name: String
    let compute: @Sendable (Tally) -> Double
    public init(name: String, compute: @escaping @Sendable (Tally) -> Double) { self.name = name; self.compute = compute }
    public func value(_ t: Tally) -> Double { compute(t) }
}

/// One observed aggregate a calibration fits: a metric, a point of a cumulative curve, a roll
/// rate, or a share of accounts seen in a state at a month end, with its standard error.
public struct ObservedTarget: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable { case metric, curve, roll, monthEnd = "month_end" }
    public let kind: Kind
    public let name: String
    /// Day (curves, 1-based) or month (roll rates and month-end shares, 1-based); 0 for metrics.
    public let period: Int
    public let value: Double
    public let standardError: Double
    public let strategy: String
    /// The group a metric is observed on (`all`, a segment, `grade_A`…, `entry_current`…);
    /// curves and roll rates are of all accounts.
    public let group: String
    /// That group's index in the tally (`Analyzer.groupNames`).
    public let groupIndex: Int
    /// Where the figure comes from. Targets from one source (one portfolio's aggregates) have
    /// errors correlated as the model's own targets are; targets from different sources
    /// (published figures from different studies) have independent errors. Empty: the file's
    /// one portfolio.
    public let source: String
    /// Line in the observed file.
    public let line: Int

    /// "curve recovery day 90", "default_rate [grade_A]", for tables.
    public var label: String {
        switch kind {
        case .metric: return groupIndex == 0 ? name : "\(name) [\(group)]"
        case .curve: return "curve \(name) day \(period)"
        case .roll: return "roll \(name) month \(period)"
        case .monthEnd: return "\(name) seen by month \(period)"
        }
    }

    /// The statistic the model gives for this target.
    public func statistic(horizon: Int) -> Statistic {
        let key = "target:\(kind.rawValue):\(name):\(period)" + (groupIndex == 0 ? "" : ":\(group)")
        switch kind {
        case .metric:
            let m = Metrics.byName[name]!
            let g = groupIndex
            return Statistic(name: key) { m.value($0, group: g) }
        case .curve:
            let c = CurveKind.allCases.first { $0.name == name }!
            let day = period
            return Statistic(name: key) { Analyzer.curveValue($0, c, day: day) }
        case .roll:
            let parts = name.split(separator: ">").map(String.init)
            let from = Tally.rollBuckets.firstIndex(of: parts[0])!, to = Tally.rollBuckets.firstIndex(of: parts[1])!
            let month = period - 1
            return Statistic(name: key) { t in
                let row = Tally.rollBuckets.indices.reduce(0) { $0 + t.roll(month: month, from: from, to: $1) }
                return row > 0 ? t.roll(month: month, from: from, to: to) / row : .nan
            }
        case .monthEnd:
            let kind = MonthEndKind.allCases.first { $0.name == name }!
            let month = period
            return Statistic(name: key) { t in (0...month).reduce(0) { $0 + t.monthEnd(kind, month: $1) } / t.value(.accounts) }
        }
    }
}

/// The observed file of `collectsim calibrate`: CSV with a header
/// `kind,name,period,value,std_error` and optionally `strategy`, `group` and `source`.
///
/// - `metric,complaints_per_1000,,9.4,0.8` — any metric of `collectsim run`;
/// - `curve,recovery,90,0.213,0.004` — a cumulative curve (recovery, default, chargeoff, cure,
///   complaints) on a day, as in curves.csv;
/// - `roll,30-59>60-89,2,0.47,0.02` — a roll rate between buckets in a 30-day month, as in
///   rollrates.csv;
/// - `month_end,default,3,0.12,0.004` — the share of accounts seen defaulted (90-179 or charged
///   off) or cured (current or settled after being seen delinquent) at the start or at some
///   month end up to month 3, as a monthly history shows them (`collectsim observe`).
///
/// A `group` column (optional) observes a metric on one group of metrics.csv — a segment, a
/// grade or a stage at entry — instead of all accounts. A `source` column (optional) names where
/// each figure comes from: rows of one source are aggregates of one portfolio, whose errors are
/// correlated; rows of different sources have independent errors.
public enum ObservedData {
    public static let columns = ["kind", "name", "period", "value", "std_error"]
    static let optionalColumns = ["strategy", "group", "source"]

    /// - Parameter groups: the run's group names (`Analyzer.groupNames`), which a `group` cell names.
    public static func load(path: String, strategy: String, strategies: [String], groups: [String], horizon: Int) throws -> [ObservedTarget] {
        let data = try InputFile.read(path, what: "observed")
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScenarioError(file: path, line: 1, column: 1, field: "", message: "the observed file is not UTF-8 text")
        }
        return try parse(text, file: path, strategy: strategy, strategies: strategies, groups: groups, horizon: horizon)
    }

    public static func parse(_ text: String, file: String, strategy: String, strategies: [String], groups: [String] = ["all"],
                             horizon: Int) throws -> [ObservedTarget] {
        func fail(_ line: Int, _ field: String, _ message: String) -> ScenarioError {
            ScenarioError(file: file, line: line, column: 1, field: field, message: message)
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) }),
              !header.isEmpty, header != [""] else {
            throw fail(1, "", "the observed file is empty; expected a header \(columns.joined(separator: ","))[,strategy][,group][,source]")
        }
        for c in columns where !header.contains(c) {
            throw fail(1, c, "missing column '\(c)'; expected a header \(columns.joined(separator: ","))[,strategy][,group][,source]")
        }
        for c in header where !columns.contains(c) && !optionalColumns.contains(c) {
            var msg = "unknown column '\(c)'"
            if let s = Suggest.closest(to: c, in: columns + optionalColumns) { msg += "; did you mean '\(s)'?" }
            throw fail(1, c, msg + " (columns: \((columns + optionalColumns).joined(separator: ", ")))")
        }
        var targets: [ObservedTarget] = []
        var seen = Set<String>()
        for (index, raw) in lines.enumerated().dropFirst() where !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            let line = index + 1
            let cells = raw.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == header.count else {
                throw fail(line, "", "expected \(header.count) comma-separated fields, found \(cells.count)")
            }
            let row = Dictionary(uniqueKeysWithValues: zip(header, cells))
            guard let kind = ObservedTarget.Kind(rawValue: row["kind"]!) else {
                throw fail(line, "kind", "unknown kind '\(row["kind"]!)' (expected metric, curve, roll or month_end)")
            }
            let name = row["name"]!
            var period = 0
            switch kind {
            case .metric:
                guard Metrics.byName[name] != nil else {
                    var msg = "unknown metric '\(name)'"
                    if let s = Suggest.closest(to: name, in: Metrics.all.map(\.name)) { msg += "; did you mean '\(s)'?" }
                    throw fail(line, "name", msg)
                }
            case .curve:
                let names = CurveKind.allCases.map(\.name)
                guard names.contains(name) else { throw fail(line, "name", "unknown curve '\(name)' (expected one of: \(names.joined(separator: ", ")))") }
                guard let d = Int(row["period"]!), (1...horizon).contains(d) else {
                    throw fail(line, "period", "expected the curve's day, a whole number in [1, \(horizon)] (the horizon), found '\(row["period"]!)'")
                }
                period = d
            case .roll:
                let parts = name.split(separator: ">").map(String.init)
                guard parts.count == 2, parts.allSatisfy(Tally.rollBuckets.contains) else {
                    throw fail(line, "name", "expected a roll as FROM>TO with buckets \(Tally.rollBuckets.joined(separator: ", ")), found '\(name)'")
                }
                let months = Tally.rollMonths(horizonDays: horizon)
                guard let m = Int(row["period"]!), (1...max(months, 1)).contains(m), months > 0 else {
                    throw fail(line, "period", "expected the month, a whole number in [1, \(months)] (30-day months in the horizon), found '\(row["period"]!)'")
                }
                period = m
            case .monthEnd:
                let names = MonthEndKind.allCases.map(\.name)
                guard names.contains(name) else { throw fail(line, "name", "unknown month-end state '\(name)' (expected one of: \(names.joined(separator: ", ")))") }
                let months = Tally.rollMonths(horizonDays: horizon)
                guard let m = Int(row["period"]!), (1...max(months, 1)).contains(m), months > 0 else {
                    throw fail(line, "period", "expected the month, a whole number in [1, \(months)] (30-day months in the horizon), found '\(row["period"]!)'")
                }
                period = m
            }
            guard let value = Double(row["value"]!), value.isFinite else { throw fail(line, "value", "expected a number, found '\(row["value"]!)'") }
            guard let se = Double(row["std_error"]!), se > 0, se.isFinite else {
                throw fail(line, "std_error", "expected a positive standard error (it weights the fit), found '\(row["std_error"]!)'")
            }
            let s = row["strategy"].flatMap { $0.isEmpty ? nil : $0 } ?? strategy
            guard strategies.contains(s) else { throw fail(line, "strategy", "unknown strategy '\(s)' (the experiment runs: \(strategies.joined(separator: ", ")))") }
            let group = row["group"].flatMap { $0.isEmpty ? nil : $0 } ?? "all"
            guard let groupIndex = groups.firstIndex(of: group) else {
                var msg = "unknown group '\(group)'"
                if let g = Suggest.closest(to: group, in: groups) { msg += "; did you mean '\(g)'?" }
                throw fail(line, "group", msg + " (groups: \(groups.joined(separator: ", ")))")
            }
            guard groupIndex == 0 || kind == .metric else {
                throw fail(line, "group", "only a metric is observed on a group; curves and roll rates are of all accounts (leave the cell empty or write 'all')")
            }
            let target = ObservedTarget(kind: kind, name: name, period: period, value: value, standardError: se, strategy: s,
                                        group: group, groupIndex: groupIndex, source: row["source"] ?? "", line: line)
            guard seen.insert("\(s) \(target.label)").inserted else { throw fail(line, "", "'\(target.label)' is observed twice") }
            targets.append(target)
        }
        guard !targets.isEmpty else { throw fail(1, "", "the observed file has a header but no rows") }
        return targets
    }
}

extension ObservedData {
    /// `targets` as an observed file: the header, then one row each (with a `strategy` column
    /// when any target names one).
    public static func csv(_ targets: [ObservedTarget]) -> String {
        let withStrategy = targets.contains { !$0.strategy.isEmpty }
        var out = (columns + (withStrategy ? ["strategy"] : [])).joined(separator: ",") + "\n"
        for t in targets {
            out += "\(t.kind.rawValue),\(t.name),\(t.kind == .metric ? "" : String(t.period)),\(t.value),\(t.standardError)"
            out += withStrategy ? ",\(CSVRecords.field(t.strategy))\n" : "\n"
        }
        return out
    }
}

extension Analyzer {
    /// One replication's cumulative curve on a 1-based day, as `curves.csv` defines it.
    public static func curveValue(_ t: Tally, _ kind: CurveKind, day: Int) -> Double {
        let (scale, initial) = curveBasis(t, kind)
        return t.curve(kind).prefix(day).reduce(initial, +) * scale
    }
}
