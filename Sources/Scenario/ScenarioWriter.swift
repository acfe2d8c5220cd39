import CollectionsModel
import Foundation

/// Writes a resolved scenario back as YAML with every default filled in. Reading the output
/// gives the same scenario, so a run folder's `scenario.resolved.yaml` reproduces the run, and
/// its SHA-256 identifies the resolved scenario.
public enum ScenarioWriter {
    public static func yaml(_ s: Scenario) -> String {
        var out = "# Resolved by CollectSim: every default filled in. Running this file reproduces the run.\n"
        out += "name: \(quote(s.name))\n"
        out += "description: \(quote(s.description))\n"
        out += "seed: \(s.seed)\n"
        out += "replications: \(s.replications)\n"
        if let p = s.precision {
            out += "precision:\n  max_replications: \(p.maxReplications)\n  batch: \(p.batch)\n  targets:\n"
            for t in p.targets { out += "    \(quote(t.metric)): \(num(t.halfWidth))\n" }
        }
        out += "horizon_days: \(s.horizonDays)\n"
        let days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        out += "calendar:\n  start_weekday: \(days[s.calendar.startWeekday])\n  holidays: [\(s.calendar.holidays.sorted().map(String.init).joined(separator: ", "))]\n"
        let p = s.population
        out += "population:\n  size: \(p.size)\n"
        if let book = p.book {
            out += "  portfolio: \(quote(book.path))\n  portfolio_sha256: \(book.sha256)\n"
            if book.sample != nil { out += "  sample: \(book.count)\n" }
            if !book.ignoredColumns.isEmpty { out += "  ignore_columns: [\(book.ignoredColumns.map(quote).joined(separator: ", "))]\n" }
        }
        out += "  delinquent_share: \(num(p.delinquentShare))\n"
        out += "  initial_dpd_mean: \(num(p.initialDPDMean))\n  max_initial_dpd: \(p.maxInitialDPD)\n  due_within_days: \(p.dueWithinDays)\n"
        out += "  segments:\n"
        for g in p.segments {
            out += "    \(quote(g.name)):\n"
            out += "      weight: \(num(g.weight))\n"
            out += "      grade_weights: [\(g.gradeWeights.map(num).joined(separator: ", "))]\n"
            out += "      propensity_shift: \(num(g.propensityShift))\n"
            out += "      balance_median: \(num(g.balanceMedian))\n      balance_sigma: \(num(g.balanceSigma))\n"
            out += "      term_months_min: \(g.termMonthsMin)\n      term_months_max: \(g.termMonthsMax)\n"
            out += "      hardship_rate: \(num(g.hardshipRate))\n      recovery_rate: \(num(g.recoveryRate))\n"
            out += "      initial_hardship_current: \(num(g.initialHardshipCurrent))\n"
            out += "      initial_hardship_delinquent: \(num(g.initialHardshipDelinquent))\n"
            out += "      literacy_mean: \(num(g.literacyMean))\n      literacy_concentration: \(num(g.literacyConcentration))\n"
            out += "      reach_phone: \(num(g.reachPhone))\n      reach_sms: \(num(g.reachSMS))\n"
            out += "      reach_email: \(num(g.reachEmail))\n      reach_app: \(num(g.reachApp))\n"
            out += "      complaint_multiplier: \(num(g.complaintMultiplier))\n"
        }
        out += "model:\n"
        for spec in ParameterCatalog.all {
            out += "  \(spec.key): \(num(s.parameters[spec.key]))\n"
        }
        out += compliance(s.compliance)
        out += "strategies:\n"
        for st in s.strategies { out += strategy(st) }
        out += "baseline: \(quote(s.baseline))\n"
        out += "output:\n  dir: \(quote(s.output.directory))\n  export_accounts: \(s.output.exportAccounts)\n  export_history: \(s.output.exportHistory)\n"
        if s.output.exportReplicationCurves { out += "  export_replication_curves: true\n" }
        out += "verdict:\n  objective: \(quote(s.verdict.objective))\n"
        if let cap = s.verdict.complaintsCap { out += "  complaints_cap: \(num(cap))\n" }
        if let e = s.experiment { out += experiment(e) }
        return out
    }

    static func experiment(_ e: ExperimentSpec) -> String {
        var out = "experiment:\n  replications: \(e.replications)\n  population: \(e.population)\n"
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
            out += "  sweep:\n    design: \(s.design.rawValue)\n    points: \(s.points)\n" + factors(s.factors)
        }
        if let s = e.sensitivity {
            out += "  sensitivity:\n    samples: \(s.samples)\n    bootstrap: \(s.bootstrap)\n    confidence: \(num(s.confidence))\n" + factors(s.factors)
        }
        if let o = e.optimize {
            out += "  optimize:\n    strategy: \(quote(o.strategy))\n    objective: \(quote(o.objective))\n"
            if let m = o.maximize { out += "    direction: \(m ? "maximize" : "minimize")\n" }
            out += "    method: \(o.method.rawValue)\n    max_evaluations: \(o.maxEvaluations)\n"
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
            out += "  calibrate:\n    strategy: \(quote(c.strategy))\n    max_evaluations: \(c.maxEvaluations)\n"
            if let o = c.observed { out += "    observed: \(quote(o))\n" }
            out += factors(c.factors)
        }
        return out
    }

    static func compliance(_ c: ComplianceRules) -> String {
        var out = "compliance:\n"
        if let p = c.preset { out += "  preset: \(p)\n" }
        out += "  mode: \(c.mode.rawValue)\n"
        out += "  windows:\(c.windows.isEmpty ? " {}" : "")\n"
        for ch in Channel.allCases {
            guard let w = c.windows[ch] else { continue }
            out += "    \(ch.name): {days: \(w.workingDaysOnly ? "working" : "all"), from: \(w.fromHour), to: \(w.toHour)}\n"
        }
        out += "  caps:\(c.caps.isEmpty ? " {}" : "")\n"
        for ch in Channel.allCases {
            guard let cap = c.caps[ch] else { continue }
            var parts: [String] = []
            if let d = cap.perDay { parts.append("per_day: \(d)") }
            if let w = cap.per7Days { parts.append("per_7_days: \(w)") }
            out += "    \(ch.name): {\(parts.joined(separator: ", "))}\n"
        }
        out += "  cool_off_days: \(c.coolOffDays)\n  after_conversation_days: \(c.afterConversationDays)\n"
        out += "  third_party_contact: \(c.thirdPartyContact)\n"
        return out
    }

    static func strategy(_ s: Strategy) -> String {
        var out = "  \(quote(s.name)):\n"
        out += "    description: \(quote(s.description))\n"
        out += "    priority: \(s.priority.rawValue)\n"
        if let k = s.collectorSkill { out += "    collector_skill: \(num(k))\n" }
        if let c = s.callsPerDayPer1000 { out += "    calls_per_day_per_1000: \(num(c))\n" }
        if let v = s.visitsPerDayPer1000 { out += "    visits_per_day_per_1000: \(num(v))\n" }
        out += "    rules:\n" + rules(s.rules, indent: "      ")
        if let agency = s.agencyStrategy { out += "    agency_strategy: \(quote(agency))\n" }
        return out
    }

    public static func rules(_ rules: [Rule], indent: String) -> String {
        var out = ""
        for r in rules {
            var when: [String] = []
            let c = r.condition
            if let d = c.dpd { when.append("dpd: [\(d.lowerBound), \(d.upperBound)]") }
            if let g = c.grades { when.append("grade: [\(g.sorted { $0.rawValue < $1.rawValue }.map(\.name).joined(separator: ", "))]") }
            if let s = c.segments { when.append("segment: [\(s.sorted().map(quote).joined(separator: ", "))]") }
            if let r = c.risk { when.append("risk: [\(num(r.lowerBound)), \(num(r.upperBound))]") }
            if let o = c.overdue { when.append("overdue: [\(num(o.lowerBound)), \(num(o.upperBound))]") }
            if let w = c.workingDay { when.append("day: \(w ? "working" : "non_working")") }
            for (name, flag) in AccountFlags.named {
                if c.required.contains(flag) { when.append("\(name): true") }
                if c.forbidden.contains(flag) { when.append("\(name): false") }
            }
            out += "\(indent)- when: {\(when.joined(separator: ", "))}\n\(indent)  do:\n"
            for a in r.actions {
                var f = ["action: \(a.kind.name)", "every_days: \(a.everyDays)", "slot: \(a.slot.name)", "tone: \(a.tone.name)"]
                if a.kind == .call && a.attemptsPerDay != 1 { f.append("attempts_per_day: \(a.attemptsPerDay)") }
                if a.thirdParty { f.append("third_party: true") }
                if a.kind == .installment {
                    f += ["installments: \(a.installments)", "down_payment: \(num(a.downPayment))",
                          "fee_waiver: \(a.feeWaiver)", "break_after_misses: \(a.breakAfterMisses)"]
                }
                if a.kind == .deferral { f.append("deferral_days: \(a.deferralDays)") }
                if a.kind == .agency, let c = a.commission { f.append("commission: \(num(c))") }
                out += "\(indent)    - {\(f.joined(separator: ", "))}\n"
            }
        }
        return out
    }

    /// A number in the shortest form that reads back to the same Double.
    static func num(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e15 { return String(Int(v)) }
        return "\(v)"
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
