import ArgumentParser
import Foundation
import Registry

/// Where the registry lives: --registry, else $COLLECTSIM_REGISTRY, else notebooks-out/runs.sqlite.
func registryPath(_ option: String?, outputDirectory: String = "notebooks-out") -> String {
    option ?? ProcessInfo.processInfo.environment["COLLECTSIM_REGISTRY"] ?? (outputDirectory as NSString).appendingPathComponent("runs.sqlite")
}

struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, show and compare past runs recorded in the run registry.",
        subcommands: [List.self, Show.self, Diff.self], defaultSubcommand: List.self)

    struct Options: ParsableArguments {
        @Option(help: "Registry database (default: $COLLECTSIM_REGISTRY or notebooks-out/runs.sqlite).")
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
        static let configuration = CommandConfiguration(abstract: "One line per recorded run.")
        @OptionGroup var options: Options

        func run() throws {
            for r in try options.open().runs() {
                print("#\(r.id)  \(r.createdAt)  \(r.scenario) [\(r.scenarioHash.prefix(12))]  seed \(r.seed)  \(r.replications)×\(r.population)×\(r.horizonDays)\(r.partial ? "  PARTIAL" : "")  \(r.folder)")
                print("      \(r.headline)")
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
            print("  seed         \(r.seed); \(r.replications) replications × \(r.population) accounts × \(r.horizonDays) days")
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
        static let configuration = CommandConfiguration(abstract: "Which metrics moved between two runs, by how much, and whether beyond their CIs.")
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

func fmt(_ v: Double) -> String { v.isFinite ? String(format: "%.6g", v) : "–" }
