import CollectionsModel
import Foundation

/// Writes a resolved scenario back as YAML with every default filled in. Reading the output
/// gives the same scenario, so a run folder's `scenario.resolved.yaml` reproduces the run, and
/// its SHA-256 identifies the resolved scenario.
public enum ScenarioWriter {
    /// - Parameter bookRecords: with a lender's book, the records file (relative to where the
    ///   YAML is written) that a cluster job reads instead of the CSV (`records`); nil for
    ///   every resolved scenario a run folder keeps, which must not depend on how it was run.
    public static func yaml(_ s: Scenario, bookRecords: String? = nil) -> String {
        var out = "# Resolved by CollectSim: every default filled in. Running this file reproduces the run.\n"
        out += "name: \(quote(s.name))\n"
        let head = ScenarioFields.Head(description: s.description, seed: s.seed, replications: s.replications, horizonDays: s.horizonDays)
        // The horizon follows precision, which follows the replications.
        out += ScenarioFields.head.lines(head, indent: "") { $0 != "horizon_days" }
        if let p = s.precision {
            out += "precision:\n" + ScenarioFields.precision.lines(p, indent: "  ") + "  targets:\n"
            for t in p.targets { out += "    \(quote(t.metric)): \(num(t.halfWidth))\n" }
        }
        out += ScenarioFields.head.lines(head, indent: "") { $0 == "horizon_days" }
        out += "calendar:\n" + ScenarioFields.calendar.lines(s.calendar, indent: "  ")
        out += "  holidays: [\(s.calendar.holidays.sorted().map(String.init).joined(separator: ", "))]\n"
        let p = s.population
        // The size first, then a portfolio's keys, then the rest.
        out += "population:\n" + ScenarioFields.population.lines(p, indent: "  ") { $0 == "size" }
        if let book = p.book {
            out += "  portfolio: \(quote(book.path))\n  portfolio_sha256: \(book.sha256)\n"
            if book.sample != nil { out += "  sample: \(book.count)\n" }
            if let bookRecords { out += "  records: \(quote(bookRecords))\n" }
            if !book.ignoredColumns.isEmpty { out += "  ignore_columns: [\(book.ignoredColumns.map(quote).joined(separator: ", "))]\n" }
        }
        out += ScenarioFields.population.lines(p, indent: "  ") { $0 != "size" }
        out += "  segments:\n"
        for g in p.segments {
            out += "    \(quote(g.name)):\n" + ScenarioFields.segment.lines(g, indent: "      ")
        }
        out += "model:\n"
        for spec in ParameterCatalog.all {
            out += "  \(spec.key): \(num(s.parameters[spec.key]))\n"
        }
        out += compliance(s.compliance)
        out += "strategies:\n"
        for st in s.strategies { out += strategy(st) }
        out += "baseline: \(quote(s.baseline))\n"
        out += "output:\n" + ScenarioFields.output.lines(s.output, indent: "  ")
        out += "verdict:\n" + ScenarioFields.verdict.lines(s.verdict, indent: "  ")
        if let e = s.experiment { out += experiment(e) }
        return out
    }

    static func experiment(_ e: ExperimentSpec) -> String {
        var out = "experiment:\n" + ExperimentFields.experiment.lines(e, indent: "  ")
        out += "  strategies: [\(e.strategies.map(quote).joined(separator: ", "))]\n"
        out += "  metrics: [\(e.metrics.map(quote).joined(separator: ", "))]\n"
        func factors(_ list: [ExperimentFactor]) -> String {
            var out = "    factors:\n"
            for f in list {
                var parts = ["path: \(quote(f.path.text))"]
                if let v = f.values { parts.append("values: [\(v.map(num).joined(separator: ", "))]") }
                if let r = f.range { parts.append("range: [\(num(r.lowerBound)), \(num(r.upperBound))]") }
                if f.values == nil && f.range != nil { parts.append("steps: \(f.steps)") }
                if let s = f.start { parts.append("start: \(num(s))") }
                out += "      - {\(parts.joined(separator: ", "))}\n"
            }
            return out
        }
        if let s = e.sweep {
            out += "  sweep:\n" + ExperimentFields.sweep.lines(s, indent: "    ") + factors(s.factors)
        }
        if let s = e.sensitivity {
            out += "  sensitivity:\n" + ExperimentFields.sensitivity.lines(s, indent: "    ") + factors(s.factors)
        }
        if let o = e.optimize {
            out += "  optimize:\n    strategy: \(quote(o.strategy))\n    objective: \(quote(o.objective))\n"
            if let m = o.maximize { out += "    direction: \(m ? "maximize" : "minimize")\n" }
            out += ExperimentFields.optimize.lines(o, indent: "    ")
            if !o.constraints.isEmpty {
                out += "    constraints:\n"
                for c in o.constraints {
                    var parts = ["metric: \(quote(c.metric))"]
                    if let m = c.max { parts.append("max: \(num(m))") }
                    if let m = c.min { parts.append("min: \(num(m))") }
                    out += "      - {\(parts.joined(separator: ", "))}\n"
                }
            }
            if let f = o.frontierMetric { out += "    frontier: {against: \(quote(f)), points: \(o.frontierPoints)}\n" }
            out += factors(o.factors)
        }
        if let c = e.calibrate {
            out += "  calibrate:\n    strategy: \(quote(c.strategy))\n" + ExperimentFields.calibrate.lines(c, indent: "    ")
            if let o = c.observed { out += "    observed: \(quote(o))\n" }
            out += factors(c.factors)
        }
        return out
    }

    static func compliance(_ c: ComplianceRules) -> String {
        var out = "compliance:\n"
        if let p = c.preset { out += "  preset: \(p)\n" }
        // mode first, then the windows and caps, then the other fields.
        out += ScenarioFields.compliance.lines(c, indent: "  ") { $0 == "mode" }
        out += "  windows:\(c.windows.isEmpty ? " {}" : "")\n"
        for ch in Channel.allCases {
            guard let w = c.windows[ch] else { continue }
            out += "    \(ch.name): {\(ScenarioFields.window.pairs(w).joined(separator: ", "))}\n"
        }
        out += "  caps:\(c.caps.isEmpty ? " {}" : "")\n"
        for ch in Channel.allCases {
            guard let cap = c.caps[ch] else { continue }
            out += "    \(ch.name): {\(ScenarioFields.caps.pairs(cap).joined(separator: ", "))}\n"
        }
        out += ScenarioFields.compliance.lines(c, indent: "  ") { $0 != "mode" }
        return out
    }

    static func strategy(_ s: Strategy) -> String {
        var out = "  \(quote(s.name)):\n"
        out += ScenarioFields.strategy.lines(s, indent: "    ")
        out += "    rules:\n" + rules(s.rules, indent: "      ")
        if let agency = s.agencyStrategy { out += "    agency_strategy: \(quote(agency))\n" }
        return out
    }

    public static func rules(_ rules: [Rule], indent: String) -> String {
        var out = ""
        for r in rules {
            var when: [String] = []
            let c = r.condition
            // A bound at the loader's limit was written open (`null`), and is written so again.
            func bound<T: Comparable>(_ v: T, _ open: T, _ text: (T) -> String) -> String { v == open ? "null" : text(v) }
            if let d = c.dpd {
                let limits = ScenarioLoader.dpdLimits
                when.append("dpd: [\(bound(d.lowerBound, limits.lowerBound, String.init)), \(bound(d.upperBound, limits.upperBound, String.init))]")
            }
            if let g = c.grades { when.append("grade: [\(g.sorted { $0.rawValue < $1.rawValue }.map(\.name).joined(separator: ", "))]") }
            if let s = c.segments { when.append("segment: [\(s.sorted().map(quote).joined(separator: ", "))]") }
            if let r = c.risk { when.append("risk: [\(num(r.lowerBound)), \(num(r.upperBound))]") }
            if let o = c.overdue { when.append("overdue: [\(num(o.lowerBound)), \(bound(o.upperBound, ScenarioLoader.overdueLimits.upperBound, num))]") }
            if let w = c.workingDay { when.append("day: \(w ? "working" : "non_working")") }
            for (name, flag) in AccountFlags.named {
                if c.required.contains(flag) { when.append("\(name): true") }
                if c.forbidden.contains(flag) { when.append("\(name): false") }
            }
            out += "\(indent)- when: {\(when.joined(separator: ", "))}\n\(indent)  do:\n"
            for a in r.actions {
                let f = ["action: \(a.kind.name)"] + ScenarioFields.action.pairs(a)
                out += "\(indent)    - {\(f.joined(separator: ", "))}\n"
            }
        }
        return out
    }

    /// A number in the shortest form that reads back to the same Double.
    /// A number that YAML 1.2 (Yams) and YAML 1.1 (PyYAML, which notebooks use) both read as a
    /// float: 1.1 needs a point before an exponent, so `3e-06` is written `3.0e-06`.
    static func num(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e15 { return String(Int(v)) }
        let text = "\(v)"
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }), !text[..<e].contains(".") {
            return text[..<e] + ".0" + text[e...]
        }
        return text
    }

    /// A double-quoted string literal, escaped the JSON way. A JSON string literal is also a
    /// valid YAML double-quoted scalar, so the scenario writer and the JSON writers share it.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7F { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
