import Analysis
import ArgumentParser
import Cluster
import Dispatch
import Engine
import Experiments
import Foundation
import Storage
import Registry
import Reports
import Scenario

/// Options every experiment command takes.
struct ExperimentOptions: ParsableArguments {
    @Argument(help: "Scenario file (YAML) with an `experiment:` section.")
    var scenario: String?

    @OptionGroup var work: WorkOptions

    @OptionGroup var overrides: OverrideOptions

    func validate() throws {
        if work.resume != nil && (scenario != nil || work.choosesMoreThanResumeTakes || !overrides.isEmpty) {
            throw ValidationError("--resume takes the scenario from the folder; give only --threads, --quiet or --registry with it.")
        }
        if work.resume == nil && scenario == nil { throw ValidationError("give a scenario file with an `experiment:` section, or --resume DIR.") }
    }
}

/// What differs between the four experiment commands.
struct ExperimentKind {
    let name: String
    /// Whether the scenario declares this experiment.
    let declared: (ExperimentSpec) -> Bool
    /// The evaluations it plans.
    let budget: (Scenario) -> Int
    /// Its driver (module Experiments): the evaluations, in the folder, up to a stop.
    let drive: (Scenario, URL, Int?, StopRequest?, ExperimentSession.Mode, @escaping (ExperimentProgress) -> Void) throws -> any ReportedExperiment

    /// Drives the experiment in `dir`, then writes its files there (complete or partial).
    func run(_ s: Scenario, _ dir: URL, _ threads: Int?, _ stop: StopRequest?, _ mode: ExperimentSession.Mode,
             _ progress: @escaping (ExperimentProgress) -> Void) throws -> any ReportedExperiment {
        let outcome = try drive(s, dir, threads, stop, mode, progress)
        try outcome.write(to: dir)
        return outcome
    }
}

extension ExperimentKind {
    static var sweep: ExperimentKind { ExperimentKind(
        name: "sweep", declared: { $0.sweep != nil }, budget: { SweepExperiment.points($0).count },
        drive: { s, dir, threads, stop, mode, progress in try SweepExperiment.run(s, in: dir, threads: threads, stop: stop, mode: mode, progress: progress) }) }

    static var sensitivity: ExperimentKind { ExperimentKind(
        name: "sensitivity", declared: { $0.sensitivity != nil }, budget: { SensitivityExperiment.points($0).count },
        drive: { s, dir, threads, stop, mode, progress in try SensitivityExperiment.run(s, in: dir, threads: threads, stop: stop, mode: mode, progress: progress) }) }

    static var optimize: ExperimentKind { ExperimentKind(
        name: "optimize", declared: { $0.optimize != nil }, budget: OptimizeExperiment.budget,
        drive: { s, dir, threads, stop, mode, progress in try OptimizeExperiment.run(s, in: dir, threads: threads, stop: stop, mode: mode, progress: progress) }) }

    /// Calibration, fitting the observed file `observed` names for the scenario and folder.
    static func calibrate(observed: @escaping (Scenario, URL) throws -> String) -> ExperimentKind {
        ExperimentKind(
            name: "calibrate", declared: { $0.calibrate != nil }, budget: CalibrateExperiment.budget,
            drive: { s, dir, threads, stop, mode, progress in
                try CalibrateExperiment.run(s, observed: observed(s, dir), in: dir, threads: threads, stop: stop, mode: mode, progress: progress)
            })
    }

    /// Every kind as `report` replays it from a folder (calibration from the folder's own copy
    /// of its observed file).
    static var replayable: [ExperimentKind] {
        [sweep, sensitivity, optimize, calibrate { _, dir in dir.appendingPathComponent(CalibrateExperiment.observedCopy).path }]
    }
}

/// Loads the scenario (or the folder's, on resume), prints the budget, runs the experiment with
/// SIGINT/SIGTERM stopping it between evaluations, records it in the registry and prints the
/// outcome. A stopped experiment writes what is complete, says how to resume, and exits with
/// 128 + the signal. `check` runs before the folder is made (a bad observed file, say).
func runExperiment(_ kind: ExperimentKind, _ options: ExperimentOptions, check: ((Scenario) throws -> Void)? = nil) throws {
    if options.work.shard != nil && [ShardManifest.Kind.run, nil].contains(ShardManifest.Kind(rawValue: kind.name)) {
        FileHandle.standardError.write(Data("""
        error: --shard: \(kind.name) is a sequential search (each evaluation depends on the ones before), so it cannot be cut into \
        independent shares; on a cluster, give it more cores per evaluation, or run the evaluations' scenarios as sharded runs (docs/cluster.md)

        """.utf8))
        throw ExitCode(64)
    }
    let s: Scenario
    if let resume = options.work.resume {
        let dir = URL(fileURLWithPath: resume)
        if isComplete(dir, workFolder: ExperimentSession.folderName) {
            print("\(dir.path) is already complete; nothing to resume.")
            return
        }
        s = try loadScenario(dir.appendingPathComponent("scenario.resolved.yaml").path)
    } else {
        s = try options.overrides.apply(to: loadScenario(options.scenario), experiment: true)
        printWarnings(s)
    }
    guard let spec = s.experiment, kind.declared(spec) else {
        FileHandle.standardError.write(Data("\(s.sourceFile): error: field 'experiment.\(kind.name)': the scenario declares no \(kind.name) experiment; add an `experiment: {\(kind.name): …}` section (see docs/experiments.md)\n".utf8))
        throw ExitCode(65)
    }
    do {
        try ExperimentEvaluator.validate(s)
        try check?(s)
    } catch let e as ScenarioError {
        FileHandle.standardError.write(Data("\(e)\n".utf8))
        throw ExitCode(65)
    }
    if options.work.resume == nil {
        // The trial runs the first point the experiment evaluates: its factors' start values.
        let factors = spec.sweep?.factors ?? spec.sensitivity?.factors ?? spec.optimize?.factors ?? spec.calibrate?.factors ?? []
        let evaluator = ExperimentEvaluator(base: s, factors: factors, threads: 1)
        if let trial = try? evaluator.scenario(at: evaluator.startValues()) {
            let share = Double(options.work.shard?.count ?? 1)
            try announceWork(trial: trial, borrowerDays: ExperimentEvaluator.borrowerDaysPerEvaluation(s) * Double(kind.budget(s)) / share,
                             threads: options.work.threads, yes: options.work.yes,
                             what: options.work.shard == nil ? "this \(kind.name)" : "this shard of the \(kind.name)")
        }
    }
    if let shard = options.work.shard, let shardKind = ShardManifest.Kind(rawValue: kind.name) {
        return try runShardTask(shardKind, scenario: s, shard: shard, out: options.work.out, threads: options.work.threads, force: options.work.force, quiet: options.work.quiet)
    }
    let folder = try claim {
        if let resume = options.work.resume { return try OutputFolder.claimExisting(resume) }
        return try OutputFolder.claimNew(explicit: options.work.out, defaultPath: defaultExperimentFolder(s, kind: kind.name),
                                         workFolder: ExperimentSession.folderName, force: options.work.force, command: "collectsim \(kind.name)")
    }
    let dir = folder.url
    if options.work.resume == nil {
        try AtomicFile.write(ScenarioWriter.yaml(s), to: dir.appendingPathComponent("scenario.resolved.yaml"))
    }

    let budget = kind.budget(s)
    let perEvaluation = ExperimentEvaluator.borrowerDaysPerEvaluation(s)
    print("CollectSim \(RunWriter.version) — \(kind.name) of '\(s.name)', seed \(s.seed)")
    print("Budget: \(ExperimentPage.size(evaluations: budget, scenario: s)) = " + String(format: "%.3g borrower-days.", perEvaluation * Double(budget)))

    let stop = StopRequest()
    let sources = stopOnSignals(stop)
    defer { sources.forEach { $0.cancel() } }

    let line = ExperimentProgressLine(enabled: !options.work.quiet && isatty(STDERR_FILENO) != 0)
    let started = DispatchTime.now()
    let outcome: any ReportedExperiment
    do {
        outcome = try kind.run(s, dir, options.work.threads, stop, .run) { line.update($0) }
    } catch let e as ScenarioError {
        line.finish()
        FileHandle.standardError.write(Data("\(e)\n".utf8))
        throw ExitCode(65)
    }
    line.finish()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
    if outcome.record.partial {
        recordExperiment(outcome, in: dir, registry: options.work.registry, scenario: s)
        let number = stop.signal ?? SIGINT
        FileHandle.standardError.write(Data("""
        Stopped by signal \(number) after \(outcome.record.evaluations) of \(budget) evaluations; what is complete is in \(dir.path) (partial: true).
        Finish it with: collectsim \(kind.name) --resume \(dir.path)

        """.utf8))
        throw ExitCode(128 + number)
    }
    // Recorded before the evaluations go: until then the folder is not complete, and `--resume`
    // rewrites the same outputs from them and records the experiment (replacing a row it finds).
    let id = try recordedOrFail(in: dir, what: "experiment", resume: "collectsim \(kind.name) --resume") {
        try registerExperiment(outcome, in: dir, registry: options.work.registry, scenario: s)
    }
    try ExperimentSession.archive(in: dir)
    print()
    print(outcome.consoleSummary, terminator: "")
    print()
    print(String(format: "%d evaluations in %.1f s.", outcome.record.evaluations, seconds))
    print("Results written to \(dir.path) (experiment #\(id) in the registry)")
}

/// Adds an experiment folder's results to the run registry; returns the experiment's id.
func registerExperiment(_ o: any ReportedExperiment, in dir: URL, registry: String?, scenario s: Scenario) throws -> Int64 {
    let entry = RunRegistry.ExperimentEntry(kind: o.record.kind, scenario: s.name, scenarioHash: o.record.hash, seed: String(s.seed),
                                            evaluations: o.record.evaluations, budget: o.record.budget, version: RunWriter.version,
                                            partial: o.record.partial, headline: o.headline, rows: o.resultRows)
    return try RunRegistry(path: registryPath(registry))
        .record(experiment: entry, folder: dir.standardizedFileURL.path, commandLine: CommandLine.arguments.joined(separator: " "))
}

/// `registerExperiment`, with a registry that cannot be written taken as a warning: for a
/// partial experiment (its resume records it) and a merge, whose results are already safe in
/// the folder.
@discardableResult
func recordExperiment(_ o: any ReportedExperiment, in dir: URL, registry: String?, scenario s: Scenario) -> Int64? {
    do {
        return try registerExperiment(o, in: dir, registry: registry, scenario: s)
    } catch {
        let path = registryPath(registry)
        FileHandle.standardError.write(Data("warning: the experiment was not recorded in the registry \(path): \(error)\n".utf8))
        return nil
    }
}

func defaultExperimentFolder(_ s: Scenario, kind: String) -> String { timestampedFolder(s, suffix: "-\(kind)", fallback: "experiment") }

/// "evaluation 12/27 · 3.1 s each · about 46 s left" on stderr, drawn only on a terminal.
final class ExperimentProgressLine: @unchecked Sendable {
    private let enabled: Bool
    init(enabled: Bool) { self.enabled = enabled }

    func update(_ p: ExperimentProgress) {
        guard enabled else { return }
        var text = "\revaluation \(p.done)/\(p.total)"
        if p.reused > 0 { text += " (\(p.reused) from the folder)" }
        if p.secondsPerEvaluation.isFinite { text += String(format: " · %.1f s each", p.secondsPerEvaluation) }
        if p.etaSeconds.isFinite { text += " · about \(WorkEstimate.duration(p.etaSeconds)) left" }
        FileHandle.standardError.write(Data((text + "   ").utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}

struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Vary scenario fields over a grid or a Sobol design and chart every metric against them.",
        discussion: "Declared in the scenario's `experiment.sweep` section. Writes sweep.csv, report.html, report.md and summary.json.")
    @OptionGroup var options: ExperimentOptions

    func run() throws {
        try runExperiment(.sweep, options)
    }
}

struct Sensitivity: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sobol first-order and total indices of metrics to scenario fields (Saltelli sampling, bootstrap CIs).",
        discussion: "Declared in the scenario's `experiment.sensitivity` section. Writes sensitivity.csv, samples.csv, report.html, report.md and summary.json.")
    @OptionGroup var options: ExperimentOptions

    func run() throws {
        try runExperiment(.sensitivity, options)
    }
}

struct Optimize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Search a strategy's numeric parameters for the best objective under constraints, and trace the Pareto frontier.",
        discussion: "Declared in the scenario's `experiment.optimize` section. Writes optimize.csv, frontier.csv, optimized.yaml, report.html, report.md and summary.json.")
    @OptionGroup var options: ExperimentOptions

    func run() throws {
        try runExperiment(.optimize, options)
    }
}

struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit model parameters to observed aggregates by weighted least squares, with standard errors and residuals.",
        discussion: """
        Declared in the scenario's `experiment.calibrate` section. The observed file is CSV with a header \
        kind,name,period,value,std_error[,strategy][,group][,source]: rows such as `metric,complaints_per_1000,,9.4,0.8`, \
        `curve,recovery,90,0.213,0.004` or `roll,30-59>60-89,2,0.47,0.02`. Writes calibration.csv, \
        residuals.csv, fitted.yaml, report.html, report.md and summary.json.
        """)
    @OptionGroup var options: ExperimentOptions

    @Option(help: ArgumentHelp("Observed aggregates (CSV); default: the scenario's experiment.calibrate.observed, relative to the scenario file.", valueName: "FILE.csv"))
    var observed: String?

    func validate() throws {
        if options.work.resume != nil && observed != nil {
            throw ValidationError("--resume uses the observed file kept in the folder; leave out --observed.")
        }
    }

    /// The observed file: the folder's copy on resume, else --observed, else the scenario's
    /// `experiment.calibrate.observed` relative to the scenario file.
    static func observedPath(_ s: Scenario, dir: URL?, given: String?, scenarioFile: String?) throws -> String {
        if let dir { return dir.appendingPathComponent(CalibrateExperiment.observedCopy).path }
        if let given { return given }
        if let named = s.experiment?.calibrate?.observed {
            let base = URL(fileURLWithPath: scenarioFile ?? ".").deletingLastPathComponent()
            return named.hasPrefix("/") ? named : base.appendingPathComponent(named).path
        }
        throw ScenarioError(file: s.sourceFile, line: 0, column: 0, field: "experiment.calibrate.observed",
                            message: "no observed data: give --observed FILE.csv or experiment.calibrate.observed")
    }

    func run() throws {
        let given = observed, resume = options.work.resume, scenarioFile = options.scenario
        try runExperiment(.calibrate { s, dir in try Self.observedPath(s, dir: resume == nil ? nil : dir, given: given, scenarioFile: scenarioFile) },
            options, check: { s in
                try CalibrateExperiment.validate(s)
                // A bad observed file is reported before the folder is made.
                if resume == nil, let c = s.experiment?.calibrate {
                    let path = try Self.observedPath(s, dir: nil, given: given, scenarioFile: scenarioFile)
                    _ = try ObservedData.load(path: path, strategy: c.strategy, strategies: s.experiment!.strategies,
                                             groups: Analyzer.groupNames(s), horizon: s.horizonDays)
                }
            })
    }
}
