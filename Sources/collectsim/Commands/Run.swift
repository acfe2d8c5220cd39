import Analysis
import ArgumentParser
import Cluster
import Engine
import Experiments
import Foundation
import Storage
import Registry
import Reports
import Scenario

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a scenario and write its results.")

    @Argument(help: "Scenario file (YAML). Omit to run the built-in default scenario.")
    var scenario: String?

    @OptionGroup var work: WorkOptions

    @OptionGroup var overrides: OverrideOptions

    @Flag(help: "Also write accounts.csv: one row per account, strategy and replication (durations and events for survival analysis).")
    var exportAccounts = false

    @Flag(help: "Also write history.csv: each account's state at entry and at every 30-day month end in replication 1, in the history format `collectsim observe` and `collectsim backtest` read.")
    var exportHistory = false

    @Flag(help: "Also write replication_curves.csv: every curve's daily value in every replication (strategy, replication, curve, day, value), for your own statistics on the curves.")
    var exportReplicationCurves = false

    func validate() throws {
        if work.resume != nil && (scenario != nil || work.choosesMoreThanResumeTakes || !overrides.isEmpty || exportAccounts || exportHistory || exportReplicationCurves) {
            throw ValidationError("--resume takes the scenario, seed, sizes and --set values from the run folder; give only --threads or --quiet with it.")
        }
    }

    func run() throws {
        var s: Scenario
        let folder: OutputFolder
        if let resume = work.resume {
            if isComplete(URL(fileURLWithPath: resume), workFolder: CheckpointedRun.folderName) {
                print("\(resume) is already complete; nothing to resume.")
                return
            }
            folder = try claim { try OutputFolder.claimExisting(resume) }
            s = try loadScenario(folder.url.appendingPathComponent("scenario.resolved.yaml").path)
            try refuseBeyondMemory(s)
        } else {
            s = try overrides.apply(to: loadScenario(scenario), experiment: false)
            if exportAccounts { s.output.exportAccounts = true }
            if exportHistory { s.output.exportHistory = true }
            if exportReplicationCurves { s.output.exportReplicationCurves = true }
            try refuseBeyondMemory(s)
            // A shard does its share of the replications' blocks.
            let share = Double(s.population.size) * Double(s.horizonDays) * Double(s.strategies.count) / Double(work.shard?.count ?? 1)
            try announceWork(trial: s, borrowerDays: share * Double(s.replications),
                             upTo: s.precision.map { share * Double($0.maxReplications) }, threads: work.threads, yes: work.yes,
                             what: work.shard == nil ? "this run" : "this shard")
            if let shard = work.shard {
                return try runShardTask(.run, scenario: s, shard: shard, out: work.out, threads: work.threads, force: work.force, quiet: work.quiet)
            }
            let defaultPath = defaultOutputFolder(s)
            folder = try claim {
                try OutputFolder.claimNew(explicit: work.out, defaultPath: defaultPath, workFolder: CheckpointedRun.folderName,
                                          force: work.force, command: "collectsim run")
            }
        }
        do {
            try simulate(s, in: folder)
        } catch where FileWriteError.isWriteFailure(error) {
            FileHandle.standardError.write(Data("error: \(FileWriteError.from(error, path: folder.url.path))\n".utf8))
            if FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("scenario.resolved.yaml").path) {
                FileHandle.standardError.write(Data("What is complete stays in \(folder.url.path); once that is fixed, finish the run with: collectsim run --resume \(folder.url.path)\n".utf8))
            }
            throw ExitCode(74)
        }
    }

    /// Runs `s` in its claimed folder: the resolved scenario first, then checkpointed
    /// replications, outputs and the registry row.
    func simulate(_ s: Scenario, in folder: OutputFolder) throws {
        let dir = folder.url
        // The resolved scenario goes first, so that a killed run can be resumed from its folder.
        if work.resume == nil { try AtomicFile.write(ScenarioWriter.yaml(s), to: dir.appendingPathComponent("scenario.resolved.yaml")) }

        // SIGINT and SIGTERM stop the run at the next replication boundary.
        let stop = StopRequest()
        let sources = stopOnSignals(stop)
        defer { sources.forEach { $0.cancel() } }

        let threadCount = Runner(scenario: s, threads: work.threads).threads
        let bar = ProgressBar(enabled: !work.quiet && isatty(STDERR_FILENO) != 0)
        let outcome: CheckpointedRun.Outcome
        do {
            outcome = try CheckpointedRun.run(s, in: dir, threads: work.threads, stop: stop, progress: { bar.update($0) })
        } catch let e as ScenarioError {
            bar.finish()
            FileHandle.standardError.write(Data("\(e)\n".utf8))
            throw ExitCode(65)
        }
        bar.finish()
        let result = outcome.run
        let analysis = outcome.analysis
        let identity = RunIdentity(version: RunWriter.version, commandLine: CommandLine.arguments.joined(separator: " "),
                                   threads: threadCount)
        if outcome.partial {
            let signalNumber = stop.signal ?? SIGINT
            if result.replicationsCompleted > 0 {
                let data = try RunWriter.write(analysis, to: dir, identity: identity, partial: true)
                recordRun(data, in: dir)
            }
            FileHandle.standardError.write(Data("""
            Stopped by signal \(signalNumber) after \(counted(result.replicationsCompleted, "replication")); what is complete is in \(dir.path) (partial: true).
            Finish it with: collectsim run --resume \(dir.path)

            """.utf8))
            throw ExitCode(128 + signalNumber)
        }
        let data = try RunWriter.write(analysis, to: dir, identity: identity)
        // Recorded before the checkpoint goes: until then the folder is not complete, and
        // `--resume` rewrites the same bytes and records the run (replacing a row it finds).
        let id = try recordedOrFail(in: dir, what: "run", resume: "collectsim run --resume") {
            try registerRun(data, in: dir, registry: work.registry)
        }
        CheckpointedRun.discard(in: dir)
        print("CollectSim \(RunWriter.version) — scenario '\(s.name)', seed \(s.seed), \(counted(result.replicationsCompleted, "replication")) × \(ReportData.accountsPhrase(s)) × \(s.horizonDays) days")
        print()
        print(RunWriter.table(analysis, colour: terminalShowsColour()), terminator: "")
        print()
        let simulated = result.borrowerDays * Double(result.replicationsCompleted - outcome.resumed) / Double(max(result.replicationsCompleted, 1))
        let rate = simulated / max(result.elapsedSeconds, 1e-9)
        print(String(format: "Simulated %.3g borrower-days in %.2f s (%.1f million/s on ", simulated, result.elapsedSeconds, rate / 1e6) + counted(threadCount, "thread") + ").")
        if simulated > 0 {
            print(String(format: "Random draws: %.4f per borrower-day, population set-up included.", result.randomDraws / simulated))
        }
        if outcome.resumed > 0 { print("Resumed: \(counted(outcome.resumed, "replication")) came from checkpoints.") }
        if let p = s.precision {
            print(outcome.targetsMet
                  ? "Precision targets met after \(counted(result.replicationsCompleted, "replication"))."
                  : "Precision targets NOT met: stopped at max_replications = \(p.maxReplications).")
        }
        print("Results written to \(dir.path) (run #\(id) in the registry)")
    }

    @discardableResult
    func recordRun(_ data: ReportData, in dir: URL) -> Int64? {
        recordRunInRegistry(data, in: dir, registry: work.registry)
    }

    func defaultOutputFolder(_ s: Scenario) -> String { timestampedFolder(s, fallback: "run") }
}

/// Adds a run folder's results to the run registry (`--registry`, `$COLLECTSIM_REGISTRY` or
/// the user's data folder); returns the run's id.
func registerRun(_ data: ReportData, in dir: URL, registry: String?) throws -> Int64 {
    try RunRegistry(path: registryPath(registry))
        .record(data, folder: dir.standardizedFileURL.path, commandLine: CommandLine.arguments.joined(separator: " "))
}

/// The id `register` records finished results under; when the registry cannot record them,
/// says so (their folder stays resumable, so `resume` records them once it is fixed) and exits
/// with status 74.
func recordedOrFail(in dir: URL, what: String, resume: String, _ register: () throws -> Int64) throws -> Int64 {
    do {
        return try register()
    } catch {
        FileHandle.standardError.write(Data("""
        error: the results are written in \(dir.path), but the run registry could not record them: \(error)
        Once that is fixed, record the \(what) with: \(resume) \(dir.path)

        """.utf8))
        throw ExitCode(74)
    }
}

/// `registerRun`, with a registry that cannot be written taken as a warning: for a partial run
/// (its resume records it) and a merge, whose results are already safe in the folder.
@discardableResult
func recordRunInRegistry(_ data: ReportData, in dir: URL, registry: String?) -> Int64? {
    do {
        return try registerRun(data, in: dir, registry: registry)
    } catch {
        let path = registryPath(registry)
        FileHandle.standardError.write(Data("warning: the run was not recorded in the registry \(path): \(error)\n".utf8))
        return nil
    }
}

/// The most worker threads a run takes: far beyond any machine's cores, and far below where a
/// count would overflow.
let maxThreads = 4096

func validateThreads(_ threads: Int?) throws {
    if let t = threads, !(1...maxThreads).contains(t) { throw ValidationError("--threads must be between 1 and \(maxThreads).") }
}

/// Refuses command-line overrides that give a scenario its own file format would refuse (exit
/// status 64): the folder's scenario.resolved.yaml must load again on --resume. The check is
/// the loader's, on the scenario as it will be saved, so every range of the file applies.
func refuseUnloadable(_ s: Scenario) throws {
    do {
        _ = try ScenarioLoader.parse(yaml: ScenarioWriter.yaml(s), file: "<command line>")
    } catch let e as ScenarioError {
        let flag = ["seed": "--seed", "replications": "--replications", "population.size": "--population",
                    "experiment.replications": "--replications", "experiment.population": "--population"][e.field] ?? "--set \(e.field)"
        FileHandle.standardError.write(Data("error: \(flag): \(e.message)\n".utf8))
        throw ExitCode(64)
    }
}

/// Refuses a run whose results would not fit in the memory this process may use (exit status
/// 65), before any folder is made.
func refuseBeyondMemory(_ s: Scenario) throws {
    if let refusal = MemoryEstimate.refusal(s) {
        let field = s.precision == nil ? "replications" : "precision.max_replications"
        FileHandle.standardError.write(Data("\(s.sourceFile): error: field '\(field)': \(refusal)\n".utf8))
        throw ExitCode(65)
    }
}

/// Claims an output folder, or prints why not (exit status 73, EX_CANTCREAT) without touching it.
func claim(_ make: () throws -> OutputFolder) throws -> OutputFolder {
    do {
        return try make()
    } catch let r as OutputFolder.Refusal {
        FileHandle.standardError.write(Data("error: \(r)\n".utf8))
        throw ExitCode(73)
    }
}

/// `<output.dir>/<name><suffix>-<UTC time>`, the name reduced to letters, digits, `-` and `_`.
func timestampedFolder(_ s: Scenario, suffix: String = "", fallback: String) -> String {
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = TimeZone(identifier: "UTC")
    f.dateFormat = "yyyyMMdd-HHmmss"
    return (s.output.directory as NSString).appendingPathComponent("\(folderSafeName(s, fallback: fallback))\(suffix)-\(f.string(from: Date()))")
}

/// The scenario's name reduced to letters, digits, `-` and `_` (at most 60), for folder names.
func folderSafeName(_ s: Scenario, fallback: String) -> String {
    let safe = String(s.name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }.prefix(60))
    return safe.isEmpty ? fallback : safe
}

/// Loads a scenario file, or the built-in default when no path is given; scenario errors are
/// printed as `file:line:column: error: field 'x': …` and exit with status 65 (data error).
func loadScenario(_ path: String?) throws -> Scenario {
    do {
        let scenario = try path.map { try ScenarioLoader.load(path: $0) } ?? ScenarioLoader.defaultScenario()
        try PrecisionRun.validate(scenario)
        return scenario
    } catch let e as ScenarioError {
        FileHandle.standardError.write(Data("\(e)\n".utf8))
        throw ExitCode(65)
    }
}

/// Prints the scenario's warnings (`FactorRangeCheck`) on stderr; the work goes on.
func printWarnings(_ s: Scenario) {
    for w in FactorRangeCheck.warnings(s) { FileHandle.standardError.write(Data("\(w)\n".utf8)) }
}

/// Whether standard output is a terminal that shows colour: not redirected, `NO_COLOR` unset
/// (no-color.org) and `TERM` not `dumb`.
func terminalShowsColour(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
    isatty(STDOUT_FILENO) != 0 && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
}

/// A progress bar on stderr, drawn only when stderr is a terminal: the share of blocks done,
/// the replication under way, the time since the start and an estimate of the time left.
final class ProgressBar: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var lastDrawn = -1
    private let started = DispatchTime.now()
    /// Blocks already done when the bar started (a resumed run's checkpoints), left out of the rate.
    private var firstSeen: Int?

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ p: RunProgress) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        let percent = p.blocksTotal == 0 ? 100 : p.blocksDone * 100 / p.blocksTotal
        guard percent != lastDrawn else { return }
        lastDrawn = percent
        let width = 30
        let filled = width * percent / 100
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let current = min(p.replicationsDone + 1, p.replicationsTotal)
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        let first = firstSeen ?? p.blocksDone
        if firstSeen == nil { firstSeen = p.blocksDone }
        var text = "\r\(bar) \(percent)%  replication \(current)/\(p.replicationsTotal) · \(WorkEstimate.duration(elapsed))"
        if p.blocksDone > first && p.blocksDone < p.blocksTotal {
            let left = elapsed / Double(p.blocksDone - first) * Double(p.blocksTotal - p.blocksDone)
            text += " · about \(WorkEstimate.duration(left)) left"
        }
        FileHandle.standardError.write(Data((text + "\u{1B}[K").utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
