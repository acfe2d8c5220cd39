import ArgumentParser
import Foundation
import Registry
import Scenario

/// Where the registry lives: --registry, else `RunRegistry.defaultPath()` ($COLLECTSIM_REGISTRY,
/// else the user's data folder).
func registryPath(_ option: String?) -> String {
    option ?? RunRegistry.defaultPath()
}

/// The registry's default, as option help says it.
let registryDefaultHelp = "$COLLECTSIM_REGISTRY, else ${XDG_DATA_HOME:-~/.local/share}/collectsim/runs.sqlite"

struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, show and compare past runs and experiments recorded in the run registry.",
        subcommands: [List.self, Show.self, Diff.self, Experiment.self], defaultSubcommand: List.self)

    struct Options: ParsableArguments {
        @Option(help: "Registry database (default: \(registryDefaultHelp)).")
        var registry: String?

        func open() throws -> RunRegistry {
            let path = registryPath(registry)
            guard FileManager.default.fileExists(atPath: path) else {
                FileHandle.standardError.write(Data("\(path): error: no run registry here yet; `collectsim run` creates it\n".utf8))
                throw ExitCode(66)
            }
            return try RunRegistry(path: path)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One line per recorded run, then one per experiment.")
        @OptionGroup var options: Options

        func run() throws {
            let registry = try options.open()
            for r in try registry.runs() {
                print("#\(r.id)  \(r.createdAt)  \(r.scenario) [\(r.scenarioHash.prefix(12))]  seed \(r.seed)  \(r.replications)×\(r.population)×\(r.horizonDays)\(r.partial ? "  PARTIAL" : "")  \(r.folder)")
                print("      \(r.headline)")
            }
            for e in try registry.experiments() {
                print("experiment #\(e.id)  \(e.createdAt)  \(e.kind) of \(e.scenario) [\(e.scenarioHash.prefix(12))]  seed \(e.seed)  \(e.evaluations)/\(e.budget) evaluations\(e.partial ? "  PARTIAL" : "")  \(e.folder)")
                print("      \(e.headline)")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A run's record and its metrics (all accounts) with 95% CIs.")
        @OptionGroup var options: Options
        @Argument(help: "Run id (from `collectsim runs list`).") var id: Int64

        func run() throws {
            let registry = try options.open()
            guard let r = try registry.run(id) else {
                FileHandle.standardError.write(Data("error: no run #\(id) in the registry\n".utf8))
                throw ExitCode(66)
            }
            print("run #\(r.id) — \(r.scenario)\(r.partial ? " (partial)" : "")")
            print("  recorded     \(r.createdAt)")
            print("  scenario     sha256 \(r.scenarioHash)")
            print("  seed         \(r.seed); \(counted(r.replications, "replication")) × \(r.population) accounts × \(r.horizonDays) days")
            print("  version      \(r.version)")
            print("  baseline     \(r.baseline)")
            print("  folder       \(r.folder)")
            print("  command      \(r.commandLine)")
            var strategy = ""
            for m in try registry.metrics(id) {
                if m.strategy != strategy { strategy = m.strategy; print("\n  \(strategy)") }
                print("    \(m.metric.padding(toLength: 28, withPad: " ", startingAt: 0)) \(fmt(m.mean))  [\(fmt(m.low)), \(fmt(m.high))]")
            }
        }
    }

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "What changed in the scenario between two runs, and which metrics moved, by how much, and whether beyond their CIs.")
        @OptionGroup var options: Options
        @Argument(help: "The earlier run's id.") var first: Int64
        @Argument(help: "The later run's id.") var second: Int64
        @Flag(help: "Show every shared metric, not only those that moved beyond their CIs.") var all = false

        func run() throws {
            let registry = try options.open()
            for id in [first, second] where try registry.run(id) == nil {
                FileHandle.standardError.write(Data("error: no run #\(id) in the registry\n".utf8))
                throw ExitCode(66)
            }
            printScenarioDiff(try registry.run(first)!, try registry.run(second)!)
            let changes = try registry.diff(first, second)
            let shown = changes.filter { all || $0.beyondCIs }
            print("run #\(first) → run #\(second): \(changes.filter(\.beyondCIs).count) of \(changes.count) metrics moved beyond their 95% CIs")
            for c in shown {
                let tag = c.beyondCIs ? "beyond CIs" : "within CIs"
                print("  \(c.strategy.padding(toLength: 20, withPad: " ", startingAt: 0)) \(c.metric.padding(toLength: 28, withPad: " ", startingAt: 0)) \(fmt(c.before.mean)) → \(fmt(c.after.mean))  (\(c.difference >= 0 ? "+" : "")\(fmt(c.difference)))  \(tag)")
            }
        }
    }
}

extension Runs.Diff {
    /// The scenario's changes between the two runs, from their folders' resolved scenarios (the
    /// registry keeps their hashes, the folders their text).
    func printScenarioDiff(_ a: RunRegistry.RunRecord, _ b: RunRegistry.RunRecord) {
        if a.scenarioHash == b.scenarioHash {
            print("Scenario: the same (\(a.scenario), sha256 \(a.scenarioHash.prefix(12))…); seeds \(a.seed) and \(b.seed)")
            return
        }
        func resolved(_ r: RunRegistry.RunRecord) -> String? {
            try? String(contentsOfFile: (r.folder as NSString).appendingPathComponent("scenario.resolved.yaml"), encoding: .utf8)
        }
        let old = resolved(a), new = resolved(b)
        guard let old, let new else {
            let gone = old == nil ? a.folder : b.folder
            print("Scenario: changed (sha256 \(a.scenarioHash.prefix(12))… → \(b.scenarioHash.prefix(12))…); no line diff: \(gone)/scenario.resolved.yaml is gone")
            return
        }
        let diff = ResolvedDiff.unified(old: old, new: new)
        print("Scenario: changed (sha256 \(a.scenarioHash.prefix(12))… → \(b.scenarioHash.prefix(12))…)" + (diff.isEmpty ? "; only comments differ" : ":"))
        print(diff, terminator: "")
    }
}

extension Runs {
    struct Experiment: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An experiment's record and its results with 95% CIs.")
        @OptionGroup var options: Options
        @Argument(help: "Experiment id (from `collectsim runs list`).") var id: Int64

        func run() throws {
            guard let e = try options.open().experiment(id) else {
                FileHandle.standardError.write(Data("error: no experiment #\(id) in the registry\n".utf8))
                throw ExitCode(66)
            }
            print("experiment #\(e.id) — \(e.kind) of \(e.scenario)\(e.partial ? " (partial)" : "")")
            print("  recorded     \(e.createdAt)")
            print("  scenario     sha256 \(e.scenarioHash); seed \(e.seed)")
            print("  evaluations  \(e.evaluations) of \(e.budget)")
            print("  version      \(e.version)")
            print("  folder       \(e.folder)")
            print("  command      \(e.commandLine)")
            var item = ""
            for r in e.rows {
                if r.item != item { item = r.item; print("\n  \(item)") }
                print("    \(r.strategy.padding(toLength: 16, withPad: " ", startingAt: 0)) \(r.metric.padding(toLength: 28, withPad: " ", startingAt: 0)) \(fmt(r.value))  [\(fmt(r.low)), \(fmt(r.high))]")
            }
        }
    }
}

func fmt(_ v: Double) -> String { v.isFinite ? String(format: "%.6g", v) : "–" }
