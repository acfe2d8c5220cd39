import CollectionsModel
import Foundation
import Yams

/// Parses, validates and resolves scenario files (YAML) into `Scenario` values.
///
/// Every problem is reported as one `ScenarioError` naming file, line, column and field. The
/// built-in defaults (population) and strategies are YAML resources compiled into the binary and
/// read with this same loader, so built-ins are written in the language users write.
public enum ScenarioLoader {
    /// The longest horizon a scenario may have, in days.
    public static let maxHorizonDays = 3650
    static let topKeys = ["name", "description", "seed", "replications", "precision", "horizon_days", "calendar", "population",
                          "model", "compliance", "strategies", "baseline", "output", "verdict", "experiment"]
    static let populationKeys = ScenarioFields.population.names + ScenarioFields.populationOthers
    static let ruleKeys = ["when", "do", "every_days", "slot", "tone"]
    /// What a `null` bound of a rule's `dpd` and `overdue` ranges stands for; the writer writes
    /// these back as `null`, so a resolved scenario reads as the user wrote it.
    static let dpdLimits = -365...100_000
    static let overdueLimits = 0.0...1e15
    static let conditionKeys = ["dpd", "grade", "segment", "risk", "overdue", "day"] + AccountFlags.named.map { $0.0 }

    /// The largest population accepted (a guard against typos that would exhaust memory or time).
    public static let maxPopulation = 50_000_000

    // MARK: Entry points

    /// Loads a scenario file.
    public static func load(path: String) throws -> Scenario {
        try parse(data: try InputFile.read(path, what: "scenario"), file: path)
    }

    /// Parses the bytes of a scenario file, which must be UTF-8 text.
    public static func parse(data: Data, file: String) throws -> Scenario {
        guard let text = String(data: data, encoding: .utf8) else {
            let (line, column) = firstInvalidUTF8(in: [UInt8](data))
            throw ScenarioError(file: file, line: line, column: column, field: "",
                                message: "the file is not valid UTF-8 text (first invalid byte here); save it as UTF-8")
        }
        return try parse(yaml: text, file: file)
    }

    /// Line and column (in bytes) of the first byte that is not valid UTF-8.
    static func firstInvalidUTF8(in bytes: [UInt8]) -> (Int, Int) {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        loop: while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: break loop
            case .error: break loop
            }
        }
        let before = bytes[..<offset]
        let line = before.filter { $0 == 0x0A }.count + 1
        let lineStart = before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        return (line, offset - lineStart + 1)
    }

    /// The built-in default scenario.
    public static func defaultScenario() throws -> Scenario {
        try parse(yaml: BuiltinResources.defaultScenario, file: "<built-in default scenario>")
    }

    /// Parses scenario text. `file` names the source in errors.
    public static func parse(yaml text: String, file: String) throws -> Scenario {
        let root = try compose(text, file: file)
        return try resolve(root, file: file)
    }

    /// The built-in strategies, by name, in file order.
    public static func builtinStrategies() -> [Strategy] {
        do {
            let v = try compose(BuiltinResources.strategies, file: "<built-in strategies>")
            let entries = try v.mapping()
            let context = RuleContext(segments: defaultSegmentNames(), parameters: ParameterTable())
            return try entries.map { try strategy(named: $0.0, $0.1, library: StrategyLibrary(builtins: [:]), context: context) }
        } catch {
            preconditionFailure("built-in strategies are invalid: \(error)")
        }
    }

    // MARK: Parsing

    static func compose(_ text: String, file: String) throws -> YAMLValue {
        do {
            try AliasGuard.check(text, file: file)
            guard let node = try Yams.compose(yaml: text) else {
                throw ScenarioError(file: file, line: 1, column: 1, field: "", message: "the file is empty; expected a mapping with at least 'name'")
            }
            return YAMLValue(node: node, path: "", file: file)
        } catch let e as YamlError {
            throw yamlError(e, text: text, file: file)
        }
    }

    /// The character at a 1-based line and column, if there is one.
    static func character(in text: String, line: Int, column: Int) -> Character? {
        let lines = text.split(separator: "\n", maxSplits: line, omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count else { return nil }
        let l = lines[line - 1]
        guard column >= 1, column <= l.count else { return nil }
        return l[l.index(l.startIndex, offsetBy: column - 1)]
    }

    static func yamlError(_ e: YamlError, text: String, file: String) -> ScenarioError {
        switch e {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            if problem.contains("Maximum nesting level") {
                return ScenarioError(file: file, line: mark.line, column: mark.column, field: "",
                                     message: "YAML syntax: the document nests lists and mappings too deeply; a scenario needs at most a few levels")
            }
            var ctx = context.map { "\($0.text) " } ?? ""
            var hint = ""
            if problem.contains("mapping values are not allowed") {
                if mark.column > 1024 { ctx = "a key may be at most 1024 characters long; " } else { hint = " (check this line's indentation, or quote a value that contains ': ')" }
            }
            if problem.contains("did not find expected ','"),
               let l = text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(mark.line - 1).first, l.contains("path:") {
                hint = " (inside { } or [ ], a path with a list index must be quoted: path: \"strategies.graded.rules[2].every_days\")"
            }
            if problem.contains("cannot start any token"), character(in: text, line: mark.line, column: mark.column) == "\t" {
                hint = " (a tab; YAML is indented with spaces only)"
            }
            return ScenarioError(file: file, line: mark.line, column: mark.column, field: "", message: "YAML syntax: \(ctx)\(problem)\(hint)")
        case let .reader(problem, offset, _, yaml):
            // The reader counts bytes; the column counts characters, as the parser's marks do.
            let prefix = yaml.utf8.prefix(offset ?? 0)
            let line = prefix.filter { $0 == 0x0A }.count + 1
            let lineStart = prefix.lastIndex(of: 0x0A).map { prefix.index(after: $0) } ?? prefix.startIndex
            let column = String(decoding: prefix[lineStart...], as: UTF8.self).count + 1
            return ScenarioError(file: file, line: line, column: column, field: "", message: "YAML reader: \(problem)")
        default:
            return ScenarioError(file: file, line: 1, column: 1, field: "", message: "YAML: \(e)")
        }
    }

    /// The scenario a YAML tree describes, every default filled in. The independent parts are
    /// each checked even when an earlier one failed, and every problem found is thrown at once
    /// (`ProblemCollector`); parts that depend on a failed one are skipped.
    static func resolve(_ root: YAMLValue, file: String) throws -> Scenario {
        var problems = ProblemCollector()
        let all = try root.mapping()
        let entries = try problems.attempt(all.filter { topKeys.contains($0.0) }) { try root.mapping(allowed: topKeys) }
        let map = Dictionary(entries.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        let name = try problems.attempt("") {
            guard let nameValue = map["name"] else { throw root.error("missing required key 'name'", field: "name") }
            let name = try nameValue.string()
            guard !name.isEmpty, name.count <= 200 else { throw nameValue.error("expected a name of 1 to 200 characters") }
            if let problem = Names.problem(in: name) { throw nameValue.error("the scenario name '\(name)' \(problem)") }
            return name
        }
        var head = ScenarioFields.Head()
        for key in ScenarioFields.head.names {
            guard let value = map[key] else { continue }
            try problems.attempt(()) { _ = try ScenarioFields.head.readIfDeclared(key, value, into: &head) }
        }
        let (description, seed, replications, horizon) = (head.description, head.seed, head.replications, head.horizonDays)
        let calendar = try problems.attempt(SimulationCalendar()) { try map["calendar"].map { try parseCalendar($0, horizon: horizon) } ?? SimulationCalendar() }
        var populationFailed = false, modelFailed = false
        let population = try problems.attempt({ populationFailed = true; return defaultPopulation }()) { try parsePopulation(map["population"], file: file) }
        let parameters = try problems.attempt({ modelFailed = true; return ParameterTable() }()) { try parseModel(map["model"]) }
        let compliance = try problems.attempt(ComplianceRules()) { try map["compliance"].map(parseCompliance) ?? ComplianceRules() }
        let output = try problems.attempt(OutputSpec()) { try map["output"].map(parseOutput) ?? OutputSpec() }
        let verdict = try problems.attempt(VerdictSpec()) { try map["verdict"].map(parseVerdict) ?? VerdictSpec() }
        let precision = try problems.attempt(nil) { try map["precision"].map { try parsePrecision($0, minimum: replications) } }
        // Rules are checked against the population's segments and the model's charge-off DPD:
        // with either in doubt, the strategies wait for it to be fixed.
        guard !populationFailed, !modelFailed else { try problems.check(); preconditionFailure("a failed part was not recorded") }
        let segmentNames = population.segments.map(\.name)
        let strategies = try problems.attempt([Strategy]()) {
            try parseStrategies(map["strategies"], root: root, context: RuleContext(segments: segmentNames, parameters: parameters))
        }
        let baseline = try problems.attempt("") { () throws -> String in
            guard !strategies.isEmpty else { return "" }
            if let b = map["baseline"] {
                let baseline = try b.string()
                guard strategies.contains(where: { $0.name == baseline }) else {
                    var msg = "unknown baseline strategy '\(baseline)'"
                    if let s = Suggest.closest(to: baseline, in: strategies.map(\.name)) { msg += "; did you mean '\(s)'?" }
                    throw b.error(msg + " (the scenario's strategies: \(strategies.map(\.name).joined(separator: ", ")))")
                }
                return baseline
            }
            return strategies.contains { $0.name == ScenarioDefaults.baseline } ? ScenarioDefaults.baseline : strategies[0].name
        }
        // The experiment varies the whole scenario: it is checked once the rest is sound.
        try problems.check()
        var scenario = Scenario(name: name, description: description, seed: seed, replications: replications,
                                horizonDays: horizon, calendar: calendar, population: population, parameters: parameters,
                                compliance: compliance, strategies: strategies, baseline: baseline, output: output)
        scenario.sourceFile = file
        scenario.verdict = verdict
        scenario.precision = precision
        if let e = map["experiment"] {
            scenario.experiment = try parseExperiment(e, scenario: scenario)
        }
        return scenario
    }

    /// `precision: {targets: {metric: half-width, …}, max_replications: N, batch: k}`. Metric
    /// names are checked by the analysis that knows them, using the marks kept here.
    static func parsePrecision(_ v: YAMLValue, minimum: Int) throws -> PrecisionSpec {
        var spec = PrecisionSpec(targets: [], maxReplications: max(minimum, 100), batch: max(2, minimum / 2))
        let targetsValue = try ScenarioFields.precision.read(v, into: &spec, others: ["targets"]).first?.1
        guard let tv = targetsValue else { throw v.error("precision needs 'targets' (metric: largest 95% CI half-width)", field: "\(v.path).targets") }
        for (metric, value, keyNode) in try tv.mapping() {
            spec.targets.append(.init(metric: metric, halfWidth: try value.double(in: 1e-12...1e12, what: "a positive half-width"),
                                      line: keyNode.mark?.line ?? value.line, column: keyNode.mark?.column ?? value.column))
        }
        guard !spec.targets.isEmpty else { throw tv.error("expected at least one target") }
        guard spec.maxReplications >= minimum else {
            throw v.error("max_replications (\(spec.maxReplications)) is below replications (\(minimum))", field: "\(v.path).max_replications")
        }
        return spec
    }

    static func parseCalendar(_ v: YAMLValue, horizon: Int) throws -> SimulationCalendar {
        var cal = SimulationCalendar()
        for (_, value, _) in try ScenarioFields.calendar.read(v, into: &cal, others: ["holidays"]) {
            cal.holidays = Set(try value.sequence().map { try $0.int(in: 0...(horizon - 1), what: "a day within the horizon") })
        }
        return cal
    }

    // MARK: Population

    static func defaultSegmentNames() -> [String] {
        defaultPopulation.segments.map(\.name)
    }

    /// The built-in default population, read once per process: every scenario load starts
    /// from it.
    static let defaultPopulation: PopulationSpec = {
        do {
            let v = try compose(BuiltinResources.defaults, file: "<built-in defaults>")
            let pop = try v.mapping(allowed: ["population"])[0].1
            return try populationFields(pop, base: nil)
        } catch {
            preconditionFailure("the built-in default population is invalid: \(error)")
        }
    }()

    static func parsePopulation(_ v: YAMLValue?, file: String) throws -> PopulationSpec {
        let defaults = defaultPopulation
        guard let v else { return defaults }
        var p = try populationFields(v, base: defaults)
        let entries = Dictionary(try v.mapping().map { ($0.0, ($0.1, $0.2)) }, uniquingKeysWith: { a, _ in a })
        guard let (pathValue, pathKey) = entries["portfolio"] else {
            for key in ["ignore_columns", "portfolio_sha256", "sample", "records"] {
                if let (value, k) = entries[key] { throw value.error("'\(key)' belongs with 'portfolio' (a lender's book file)", at: k) }
            }
            return p
        }
        let given = try pathValue.string()
        guard !given.isEmpty else { throw pathValue.error("expected the path of a portfolio CSV file") }
        let base = URL(fileURLWithPath: file).deletingLastPathComponent()
        let url = named(given, relativeTo: base)
        let ignore = try entries["ignore_columns"].map { try $0.0.sequence().map { try $0.string() } } ?? []
        var book: AccountBook
        if let (recordsValue, recordsKey) = entries["records"] {
            book = try bookRecords(recordsValue, key: recordsKey, base: base, entries: entries, portfolio: url.standardizedFileURL.path,
                                   ignore: ignore)
        } else {
            do {
                book = try PortfolioReader.read(url.standardizedFileURL, name: given.hasPrefix("/") ? given : url.standardizedFileURL.path,
                                                segments: p.segments.map(\.name), ignore: ignore)
            } catch let e as ScenarioError where e.line == 0 {
                // The file could not be read at all: point at the scenario's line that names it.
                throw pathValue.error("\(e.message): \(url.standardizedFileURL.path)", at: pathKey)
            }
            if let (value, k) = entries["portfolio_sha256"], try value.string() != book.sha256 {
                throw value.error("the portfolio file \(book.path) has changed since this scenario was resolved (SHA-256 \(book.sha256), "
                                  + "recorded \(try value.string())); rerun from the original scenario, or remove portfolio_sha256", at: k)
            }
            if let (value, k) = entries["sample"] {
                let n = try value.int(in: 1...maxPopulation, what: "a sample size")
                guard n < book.count else {
                    throw value.error("a sample of \(n) is not smaller than the portfolio's \(book.count) accounts; remove sample to run them all", at: k)
                }
                book = book.stratifiedSample(n)
            }
        }
        if let (value, k) = entries["size"], try value.int(in: 1...maxPopulation, what: "a population size") != book.count {
            throw value.error("size \(try value.int(in: 1...maxPopulation, what: "a population size")) disagrees with the portfolio's "
                              + "\(book.count) accounts; remove size (a portfolio's size is its number of accounts, or the sample's)", at: k)
        }
        guard book.count <= maxPopulation else {
            throw pathValue.error("the portfolio has \(book.count) accounts, more than the \(maxPopulation) a run takes; "
                                  + "run a stratified sample of it (population.sample)", at: pathKey)
        }
        p.size = book.count
        p.book = book
        return p
    }

    /// A file a scenario names: an absolute path as it is, another relative to the scenario's folder.
    static func named(_ given: String, relativeTo base: URL) -> URL {
        given.hasPrefix("/") ? URL(fileURLWithPath: given) : base.appendingPathComponent(given)
    }

    /// The book of a cluster job (`records: book.records`, which `collectsim slurm` writes beside
    /// the job's scenario): read from the records file made when the job was prepared, not from
    /// the CSV, which no shard reads again. The records must be the portfolio's
    /// (`portfolio_sha256`), sampled as the scenario says, with the columns it ignores.
    static func bookRecords(_ value: YAMLValue, key: Node, base: URL, entries: [String: (YAMLValue, Node)], portfolio: String,
                            ignore: [String]) throws -> AccountBook {
        let url = named(try value.string(), relativeTo: base)
        guard let (shaValue, _) = entries["portfolio_sha256"] else {
            throw value.error("'records' needs 'portfolio_sha256', the SHA-256 of the portfolio the records were made from", at: key)
        }
        let book: AccountBook
        do { book = try BookRecordsFile.open(url.standardizedFileURL, sourcePath: portfolio) } catch let p as BookRecordsFile.Problem {
            throw value.error(p.message, at: key)
        }
        let sha = try shaValue.string()
        guard book.sha256 == sha else {
            throw value.error("the records file \(url.standardizedFileURL.path) was made from a portfolio with SHA-256 \(book.sha256), not \(sha); "
                              + "prepare the job again (collectsim slurm)", at: key)
        }
        let sample = try entries["sample"].map { try $0.0.int(in: 1...maxPopulation, what: "a sample size") }
        guard sample == book.sample.map({ _ in book.count }) else {
            throw value.error("the records file \(url.standardizedFileURL.path) holds \(book.sample == nil ? "the whole book" : "a sample of \(book.count)"), "
                              + "the scenario asks for \(sample.map { "a sample of \($0)" } ?? "the whole book"); prepare the job again (collectsim slurm)", at: key)
        }
        guard book.ignoredColumns == ignore else {
            throw value.error("the records file was made ignoring columns [\(book.ignoredColumns.joined(separator: ", "))], the scenario ignores "
                              + "[\(ignore.joined(separator: ", "))]; prepare the job again (collectsim slurm)", at: key)
        }
        return book
    }

    /// Reads population fields over `base` (nil: every field is required, as in the defaults file).
    static func populationFields(_ v: YAMLValue, base: PopulationSpec?) throws -> PopulationSpec {
        var p = base ?? PopulationSpec(size: 0, delinquentShare: 0, initialDPDMean: 1, maxInitialDPD: 1, dueWithinDays: 1, segments: [])
        // The portfolio's keys are read by `parsePopulation`.
        let segmentsValue = try ScenarioFields.population.read(v, into: &p, others: ScenarioFields.populationOthers)
            .first { $0.0 == "segments" }?.1
        if let sv = segmentsValue {
            let items = try sv.mapping()
            guard !items.isEmpty else { throw sv.error("expected at least one segment") }
            guard items.count <= 60 else { throw sv.error("expected at most 60 segments, found \(items.count)") }
            let template = base?.segments.first
            try Names.check(try items.map { name, _, key in
                let at = YAMLValue(node: key, path: "\(sv.path).\(name)", file: sv.file)
                if at.isNull { throw at.error("a segment needs a name; '\(name)' is YAML's null (quote it to use it as a name)") }
                return (name, at)
            }, what: "segment")
            p.segments = try items.map { name, value, key in
                guard !ReportGroups.isReserved(name) else {
                    throw value.error("a segment named '\(name)' would be read as one of the groups every report shows (all accounts, "
                                      + "a grade, a stage at entry); name it otherwise (reserved: \(ReportGroups.all), "
                                      + "\(ReportGroups.reservedPrefixes.map { $0 + "…" }.joined(separator: ", ")))", at: key)
                }
                let inherited = base?.segments.first { $0.name == name } ?? template
                return try segment(name: name, value, base: inherited)
            }
            let total = p.segments.reduce(0) { $0 + $1.weight }
            if abs(total - 1) > 1e-6 {
                throw sv.error("segment weights must sum to 1, they sum to \(fmt((total * 1e6).rounded() / 1e6))")
            }
        }
        return p
    }

    static func segment(name: String, _ v: YAMLValue, base: Segment?) throws -> Segment {
        let fields = ScenarioFields.segment
        let given = Set(try v.mapping(allowed: fields.names).map(\.0))
        if base == nil, let missing = fields.names.first(where: { !given.contains($0) }) {
            throw v.error("missing key '\(missing)' for segment '\(name)'", field: "\(v.path).\(missing)")
        }
        var s = base ?? Segment(name: name, weight: 0, gradeWeights: [1, 1, 1, 1, 1], propensityShift: 0, balanceMedian: 1,
                                balanceSigma: 0, termMonthsMin: 1, termMonthsMax: 1, hardshipRate: 0, recoveryRate: 0,
                                initialHardshipCurrent: 0, initialHardshipDelinquent: 0, literacyMean: 0.5,
                                literacyConcentration: 2, reachPhone: 1, reachSMS: 1, reachEmail: 1, reachApp: 1,
                                complaintMultiplier: 1)
        s.name = name
        if base != nil && !given.contains("weight") {
            throw v.error("missing key 'weight' for segment '\(name)'", field: "\(v.path).weight")
        }
        try fields.read(v, into: &s)
        if s.termMonthsMin > s.termMonthsMax {
            throw v.error("term_months_min (\(s.termMonthsMin)) is greater than term_months_max (\(s.termMonthsMax))", field: "\(v.path).term_months_min")
        }
        return s
    }

    // MARK: Model parameters

    static func parseModel(_ v: YAMLValue?) throws -> ParameterTable {
        var table = ParameterTable()
        guard let v else { return table }
        let keys = ParameterCatalog.all.map(\.key)
        func walk(_ value: YAMLValue, prefix: String) throws {
            for (key, child, keyNode) in try value.mapping() {
                let full = prefix.isEmpty ? key : "\(prefix).\(key)"
                if case .mapping = child.node {
                    guard keys.contains(where: { $0.hasPrefix(full + ".") }) else { throw unknown(full, child, keyNode) }
                    try walk(child, prefix: full)
                } else {
                    guard let spec = ParameterCatalog.byKey[full] else { throw unknown(full, child, keyNode) }
                    table.set(full, try child.double(in: spec.range, what: "\(spec.unit == "probability" ? "a probability" : "a number (\(spec.unit))")"))
                }
            }
        }
        func unknown(_ full: String, _ child: YAMLValue, _ keyNode: Node) -> ScenarioError {
            var msg = "unknown model parameter '\(full)'"
            if let s = Suggest.closest(to: full, in: keys) { msg += "; did you mean '\(s)'?" }
            return child.error(msg + " (`collectsim parameters` lists them)", field: "model.\(full)", at: keyNode)
        }
        try walk(v, prefix: "")
        if table["complaint.tolerance_min"] > table["complaint.tolerance_max"] {
            throw v.error("complaint.tolerance_min is greater than complaint.tolerance_max", field: "model.complaint.tolerance_min")
        }
        return table
    }

    // MARK: Compliance

    static func parseCompliance(_ v: YAMLValue) throws -> ComplianceRules {
        let entries = try v.mapping(allowed: ScenarioFields.compliance.names + ScenarioFields.complianceOthers)
        var rules = ComplianceRules()
        if let (_, pv, _) = entries.first(where: { $0.0 == "preset" }) {
            let name = try pv.choice(ComplianceRules.presetNames, what: "compliance preset")
            rules = ComplianceRules.preset(named: name)!
        }
        let channelNames = Channel.allCases.map(\.name)
        for (key, value, _) in entries {
            if try ScenarioFields.compliance.readIfDeclared(key, value, into: &rules) { continue }
            switch key {
            case "preset": break
            case "windows":
                for (ch, w, _) in try value.mapping(allowed: channelNames) {
                    var window = ContactWindow(workingDaysOnly: false, fromHour: 0, toHour: 24)
                    try ScenarioFields.window.read(w, into: &window)
                    if window.fromHour >= window.toHour {
                        throw w.error("window 'from' (\(window.fromHour)) must be before 'to' (\(window.toHour))")
                    }
                    rules.windows[Channel(name: ch)!] = window
                }
            case "caps":
                for (ch, cv, _) in try value.mapping(allowed: channelNames) {
                    var caps = ContactCaps()
                    try ScenarioFields.caps.read(cv, into: &caps)
                    rules.caps[Channel(name: ch)!] = caps
                }
            default: preconditionFailure("compliance key '\(key)' is allowed but not read")
            }
        }
        return rules
    }

    /// `verdict: {objective: METRIC, complaints_cap: N}`. The metric name is checked by the
    /// analysis that knows metrics, at the mark kept here.
    static func parseVerdict(_ v: YAMLValue) throws -> VerdictSpec {
        var spec = VerdictSpec()
        try ScenarioFields.verdict.read(v, into: &spec)
        return spec
    }

    static func parseOutput(_ v: YAMLValue) throws -> OutputSpec {
        var o = OutputSpec()
        try ScenarioFields.output.read(v, into: &o)
        return o
    }

    // MARK: Strategies

    static func builtinDefinitions() -> [(String, YAMLValue)] { builtinDefinitionsOnce }

    /// The built-in strategies' definitions, read once per process: every scenario load looks
    /// them up, and reading their YAML again was half of what loading an experiment's variant
    /// cost.
    ///
    /// Yams resolves a node's tag when the node is first read, and stores it in an object that
    /// copies of the node share, so a tree first read on two threads at once would race. Every
    /// tag of this tree is resolved before it is shared (`resolveEveryTag`), so that all later
    /// reads, on any thread, only read.
    nonisolated(unsafe) private static let builtinDefinitionsOnce: [(String, YAMLValue)] = {
        do {
            let root = try compose(BuiltinResources.strategies, file: "<built-in strategies>")
            resolveEveryTag(root.node)
            return try root.mapping().map { ($0.0, $0.1) }
        } catch {
            preconditionFailure("built-in strategies are invalid: \(error)")
        }
    }()

    /// Resolves the tag of every node of a tree (see `builtinDefinitionsOnce`).
    static func resolveEveryTag(_ node: Node) {
        _ = node.tag
        switch node {
        case let .mapping(mapping):
            for (key, value) in mapping {
                resolveEveryTag(key)
                resolveEveryTag(value)
            }
        case let .sequence(sequence):
            for item in sequence { resolveEveryTag(item) }
        default:
            break
        }
    }

    static func parseStrategies(_ v: YAMLValue?, root: YAMLValue, context: RuleContext) throws -> [Strategy] {
        let builtins = Dictionary(builtinDefinitions(), uniquingKeysWith: { a, _ in a })
        var chosen: [(String, YAMLValue?)] = []
        if let v {
            switch v.node {
            case .sequence:
                var seen = Set<String>()
                for item in try v.sequence() {
                    let n = try item.string()
                    guard builtins[n] != nil else {
                        var msg = "unknown strategy '\(n)'"
                        if let s = Suggest.closest(to: n, in: Array(builtins.keys).sorted()) { msg += "; did you mean '\(s)'?" }
                        throw item.error(msg + " (built-in: \(builtinDefinitions().map(\.0).joined(separator: ", ")); define your own as a mapping)")
                    }
                    guard seen.insert(n).inserted else { throw item.error("duplicate strategy name '\(n)'") }
                    chosen.append((n, nil))
                }
            case .mapping:
                var keys: [(name: String, at: YAMLValue)] = []
                for (name, value, key) in try v.mapping() {
                    let at = YAMLValue(node: key, path: "\(v.path).\(name)", file: v.file)
                    if at.isNull { throw at.error("a strategy needs a name; '\(name)' is YAML's null (quote it to use it as a name)") }
                    keys.append((name, at))
                    chosen.append((name, value))
                }
                try Names.check(keys, what: "strategy")
            default:
                throw v.error("expected a list of built-in strategy names or a mapping of name to definition")
            }
            guard !chosen.isEmpty else { throw v.error("expected at least one strategy") }
        } else {
            chosen = ScenarioDefaults.strategies.map { ($0, nil) }
        }
        // The scenario's own definitions, which `extends` and `agency_strategy` may name too.
        var definitions: [String: YAMLValue] = [:]
        for (name, value) in chosen {
            if let value, !(value.isNull || (try? value.string()) == "builtin") { definitions[name] = value }
        }
        let library = StrategyLibrary(builtins: builtins, definitions: definitions)
        // Each strategy is checked even when another has a problem: all are reported at once.
        var result: [Strategy] = []
        var problems = ProblemCollector()
        for (name, value) in chosen {
            try problems.attempt(()) {
                guard name.count <= 100, !name.isEmpty else {
                    throw (value ?? v ?? root).error("expected a strategy name of 1 to 100 characters")
                }
                if let value, !(value.isNull || (try? value.string()) == "builtin") {
                    result.append(try strategy(named: name, value, library: library, context: context))
                } else {
                    guard let def = builtins[name] else {
                        var msg = "'\(name)' is not a built-in strategy"
                        if let s = Suggest.closest(to: name, in: Array(builtins.keys).sorted()) { msg += "; did you mean '\(s)'?" }
                        throw (value ?? v ?? root).error(msg + "; give it rules or 'extends'")
                    }
                    result.append(try strategy(named: name, def, library: library, context: context))
                }
            }
        }
        try problems.check()
        return result
    }

    /// The strategies `extends` and `agency_strategy` can name: the scenario's own first, then
    /// the built-in ones. A strategy that extends its own name (`graded: {extends: graded}`)
    /// extends the built-in one.
    struct StrategyLibrary {
        var builtins: [String: YAMLValue]
        var definitions: [String: YAMLValue] = [:]

        /// The definition `name` refers to while `chain` (outermost first) is being resolved.
        func definition(_ name: String, resolving chain: [String]) -> YAMLValue? {
            if let own = definitions[name], !chain.contains(name) { return own }
            return builtins[name]
        }

        var names: [String] { Array(Set(builtins.keys).union(definitions.keys)).sorted() }
    }

    /// One strategy. With `extends: parent` it starts as the parent and takes what it says on
    /// top: `rules` replace the parent's, `rules_before` are checked before them and
    /// `rules_after` after them (the first rule that matches decides). Without its own
    /// `description` it is described as what it is: the parent's, with the rules it changed.
    static func strategy(named name: String, _ v: YAMLValue, library: StrategyLibrary, context: RuleContext,
                         chain: [String] = []) throws -> Strategy {
        let chain = chain + [name]
        let entries = try v.mapping(allowed: ScenarioFields.strategy.names + ScenarioFields.strategyOthers)
        let map = Dictionary(entries.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        var s: Strategy
        var parentName: String?
        if let ext = map["extends"] {
            let wanted = try ext.string()
            guard chain.count < 8, let parent = library.definition(wanted, resolving: chain) else {
                if chain.contains(wanted) && library.builtins[wanted] == nil {
                    throw ext.error("cannot extend '\(wanted)': \((chain + [wanted]).joined(separator: " extends ")) is a cycle")
                }
                var msg = chain.count >= 8 ? "cannot extend '\(wanted)': more than 8 strategies extend one another"
                                           : "cannot extend '\(wanted)': not a strategy of this scenario or a built-in one"
                if chain.count < 8, let c = Suggest.closest(to: wanted, in: library.names) { msg += "; did you mean '\(c)'?" }
                throw ext.error(msg)
            }
            s = try strategy(named: wanted, parent, library: library, context: context, chain: chain)
            parentName = wanted
        } else {
            if let added = map["rules_before"] ?? map["rules_after"] {
                throw added.error("'\(added.path.split(separator: ".").last ?? "")' adds to the rules of the strategy named in 'extends'; without 'extends', write 'rules'")
            }
            guard map["rules"] != nil else { throw v.error("strategy '\(name)' needs 'rules' (or 'extends' another strategy)", field: "\(v.path).rules") }
            s = Strategy(name: name, rules: [])
        }
        for key in ["rules_before", "rules_after"] {
            guard let given = map[key] else { continue }
            if map["rules"] != nil { throw given.error("give either 'rules' (in place of the parent's) or 'rules_before'/'rules_after' (added to them), not both") }
        }
        s.name = name
        var agencyName = ScenarioDefaults.agencyStrategy
        var before: [Rule] = [], after: [Rule] = [], afterItems: [YAMLValue] = []
        func parseRules(_ value: YAMLValue) throws -> ([Rule], [YAMLValue]) {
            let items = try value.sequence()
            guard !items.isEmpty else { throw value.error("expected at least one rule") }
            return (try items.map { try rule($0, segments: context.segments) }, items)
        }
        for (key, value, _) in entries {
            if try ScenarioFields.strategy.readIfDeclared(key, value, into: &s) { continue }
            switch key {
            case "extends": break
            case "rules":
                let (rules, items) = try parseRules(value)
                try checkReachable(rules, items: items, context: context)
                s.rules = rules
            case "rules_before":
                let (rules, items) = try parseRules(value)
                try checkReachable(rules, items: items, context: context)
                before = rules
            case "rules_after":
                (after, afterItems) = try parseRules(value)
            case "agency_strategy": agencyName = try value.string()
                guard library.definition(agencyName, resolving: chain) != nil else {
                    throw value.error("unknown agency strategy '\(agencyName)' (a strategy of this scenario or a built-in one)")
                }
            default: preconditionFailure("strategy key '\(key)' is allowed but not read")
            }
        }
        if !after.isEmpty {
            // Rules added after the inherited ones must be reachable past all of them.
            let ahead = before + s.rules
            for (j, r) in after.enumerated() {
                if let reason = impossibility(of: r.condition, chargeoffDPD: context.chargeoffDPD) {
                    throw afterItems[j].error("rule \(j + 1) of rules_after can never apply: \(reason)", field: "\(afterItems[j].path).when")
                }
                if let i = ahead.firstIndex(where: { $0.condition.covers(r.condition) }) {
                    let which = i < before.count ? "rule \(i + 1) of rules_before" : "rule \(i - before.count + 1) of \(parentName!)"
                    throw afterItems[j].error("rule \(j + 1) of rules_after can never apply: \(which) comes first and matches every account it matches",
                                              field: "\(afterItems[j].path).when")
                }
                for i in 0..<j where after[i].condition.covers(r.condition) {
                    throw afterItems[j].error("rule \(j + 1) of rules_after can never apply: rule \(i + 1) of rules_after comes first and matches every account it matches",
                                              field: "\(afterItems[j].path).when")
                }
            }
        }
        s.rules = before + s.rules + after
        if let parentName, map["description"] == nil {
            if map["rules"] != nil {
                s.description = "\(parentName)'s settings with \(counted(s.rules.count, "rule")) of its own in place of \(parentName)'s rules."
            } else if !before.isEmpty || !after.isEmpty {
                var added: [String] = []
                if !before.isEmpty { added.append("\(counted(before.count, "rule")) of its own checked before them") }
                if !after.isEmpty { added.append("\(counted(after.count, "rule")) of its own checked after them") }
                s.description += (s.description.isEmpty ? "" : " ") + "\(parentName)'s rules, with " + added.joined(separator: " and ") + "."
            }
        }
        let usesAgency = s.rules.contains { $0.actions.contains { $0.kind == .agency } }
        if usesAgency && s.agencyRules.isEmpty || map["agency_strategy"] != nil {
            if chain.count == 1 || map["agency_strategy"] != nil, agencyName != name, let def = library.definition(agencyName, resolving: chain) {
                s.agencyRules = try strategy(named: agencyName, def, library: library, context: context, chain: chain).rules
                s.agencyStrategy = agencyName
            }
        }
        return s
    }

    /// What a rule is checked against: the scenario's segment names, and the charge-off DPD of
    /// its parameter table (a charged-off account stays at or beyond it until it is closed).
    struct RuleContext {
        var segments: [String]
        var chargeoffDPD: Int
        init(segments: [String], parameters: ParameterTable) {
            self.segments = segments
            chargeoffDPD = Int(parameters["metrics.chargeoff_dpd"])
        }
    }

    /// Refuses rules that can never apply: a condition that contradicts itself or the model's
    /// states, or one that an earlier rule already matches entirely (the first matching rule
    /// decides).
    static func checkReachable(_ rules: [Rule], items: [YAMLValue], context: RuleContext) throws {
        for (j, rule) in rules.enumerated() {
            if let reason = impossibility(of: rule.condition, chargeoffDPD: context.chargeoffDPD) {
                throw items[j].error("rule \(j + 1) can never apply: \(reason)", field: "\(items[j].path).when")
            }
            for i in 0..<j where rules[i].condition.covers(rule.condition) {
                throw items[j].error("rule \(j + 1) can never apply: rule \(i + 1) (line \(items[i].line)) comes first and matches every account it matches; put the narrower rule first",
                                     field: "\(items[j].path).when")
            }
        }
    }

    /// Why no account can ever meet `c`, or nil when some can. An account is charged off exactly
    /// when its DPD has reached `chargeoffDPD` (cure needs the whole balance paid, which closes
    /// it), and nothing is overdue before the due date.
    static func impossibility(of c: Condition, chargeoffDPD: Int) -> String? {
        if c.grades?.isEmpty == true { return "'grade: []' lists no grade, so it matches no account" }
        if c.segments?.isEmpty == true { return "'segment: []' lists no segment, so it matches no account" }
        if let o = c.overdue, o.lowerBound > 0, let d = c.dpd, d.upperBound <= 0 {
            return "it asks for an amount overdue of at least \(fmt(o.lowerBound)) before the due date (dpd \(d.upperBound) or less), when nothing is overdue yet"
        }
        if c.required.contains(.chargedOff), let d = c.dpd, d.upperBound < chargeoffDPD {
            return "it asks for a charged-off account at dpd \(d.upperBound) or less, but accounts are charged off at dpd \(chargeoffDPD) (metrics.chargeoff_dpd) and stay there until closed"
        }
        if c.forbidden.contains(.chargedOff), let d = c.dpd, d.lowerBound >= chargeoffDPD {
            return "it asks for an account not charged off at dpd \(d.lowerBound) or more, but every account is charged off on reaching dpd \(chargeoffDPD) (metrics.chargeoff_dpd)"
        }
        return nil
    }

    static func rule(_ v: YAMLValue, segments: [String]) throws -> Rule {
        let entries = try v.mapping(allowed: ruleKeys)
        let map = Dictionary(entries.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        guard let doValue = map["do"] else { throw v.error("a rule needs 'do' (its actions)", field: "\(v.path).do") }
        let condition = try map["when"].map { try parseCondition($0, segments: segments) } ?? Condition()
        let defaults = (every: try map["every_days"]?.int(in: 1...3650, what: "a cadence in days"),
                        slot: try map["slot"].map { Slot(name: try $0.choice(Slot.allCases.map(\.name), what: "slot"))! },
                        tone: try map["tone"].map { Tone(name: try $0.choice(Tone.allCases.map(\.name), what: "tone"))! })
        let items: [YAMLValue]
        if case .sequence = doValue.node { items = try doValue.sequence() } else { items = [doValue] }
        guard !items.isEmpty else { throw doValue.error("expected at least one action") }
        let actions = try items.map { try action($0, defaults: defaults) }
        return Rule(condition: condition, actions: actions)
    }

    static func parseCondition(_ v: YAMLValue, segments: [String]) throws -> Condition {
        var c = Condition()
        for (key, value, _) in try v.mapping(allowed: conditionKeys) {
            switch key {
            case "dpd":
                let (lo, hi) = try intRange(value, limits: dpdLimits)
                c.dpd = lo...hi
            case "grade": c.grades = Set(try value.choices(Grade.allCases.map(\.name), what: "grade").map { Grade(name: $0)! })
            case "segment": c.segments = Set(try value.choices(segments, what: "segment"))
            case "risk":
                let (lo, hi) = try doubleRange(value, limits: 0...1)
                c.risk = lo...hi
            case "overdue":
                let (lo, hi) = try doubleRange(value, limits: overdueLimits)
                c.overdue = lo...hi
            case "day":
                c.workingDay = try value.choice(["working", "non_working"], what: "day type") == "working"
            default:
                let flag = AccountFlags.named.first { $0.0 == key }!.1
                if try value.bool() { c.required.insert(flag) } else { c.forbidden.insert(flag) }
            }
        }
        return c
    }

    static func intRange(_ v: YAMLValue, limits: ClosedRange<Int>) throws -> (Int, Int) {
        let items = try v.sequence()
        guard items.count == 2 else { throw v.error("expected [low, high] (null for open), found \(items.count) items") }
        let lo = items[0].isNull ? limits.lowerBound : try items[0].int(in: limits, what: "a bound")
        let hi = items[1].isNull ? limits.upperBound : try items[1].int(in: limits, what: "a bound")
        guard lo <= hi else { throw v.error("empty range: low \(lo) is above high \(hi)") }
        return (lo, hi)
    }

    static func doubleRange(_ v: YAMLValue, limits: ClosedRange<Double>) throws -> (Double, Double) {
        let items = try v.sequence()
        guard items.count == 2 else { throw v.error("expected [low, high] (null for open), found \(items.count) items") }
        let lo = items[0].isNull ? limits.lowerBound : try items[0].double(in: limits, what: "a bound")
        let hi = items[1].isNull ? limits.upperBound : try items[1].double(in: limits, what: "a bound")
        guard lo <= hi else { throw v.error("empty range: low \(fmt(lo)) is above high \(fmt(hi))") }
        return (lo, hi)
    }

    static func action(_ v: YAMLValue, defaults: (every: Int?, slot: Slot?, tone: Tone?)) throws -> Action {
        let kinds = ActionKind.allCases.map(\.name)
        var a: Action
        if case .scalar = v.node {
            a = Action(kind: ActionKind(name: try v.choice(kinds, what: "action"))!)
            if let e = defaults.every { a.everyDays = e }
            if let s = defaults.slot { a.slot = s }
            if let t = defaults.tone { a.tone = t }
            return a
        }
        let entries = try v.mapping(allowed: ["action"] + ScenarioFields.action.names)
        guard let kindValue = entries.first(where: { $0.0 == "action" })?.1 else {
            throw v.error("an action needs 'action' (one of: \(kinds.joined(separator: ", ")))", field: "\(v.path).action")
        }
        a = Action(kind: ActionKind(name: try kindValue.choice(kinds, what: "action"))!)
        if let e = defaults.every { a.everyDays = e }
        if let s = defaults.slot { a.slot = s }
        if let t = defaults.tone { a.tone = t }
        for (key, value, _) in entries where key != "action" {
            _ = try ScenarioFields.action.readIfDeclared(key, value, into: &a)
        }
        return a
    }
}

/// The YAML resources compiled into the binary.
enum BuiltinResources {
    static let strategies = String(decoding: PackageResources.strategies_yaml, as: UTF8.self)
    static let defaultScenario = String(decoding: PackageResources.default_scenario_yaml, as: UTF8.self)
    static let defaults = String(decoding: PackageResources.defaults_yaml, as: UTF8.self)
}
