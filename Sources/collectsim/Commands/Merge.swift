import Analysis
import ArgumentParser
import Cluster
import Experiments
import Foundation
import Reports
import Scenario

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Combine the shards of a run, sweep or sensitivity study into the folder one machine would have written.",
        discussion: """
        Give the shard folders (shard-K-of-N), folders holding them, or a cluster run folder (collectsim slurm --out DIR). \
        Every shard 1…N must be there once, complete, and of the same scenario, seed, version and N; otherwise nothing \
        is written and each problem is listed with its file. The merged folder is byte-identical to the unsharded run's, \
        and the merge (never a shard) records it in the run registry.
        """)

    @Argument(help: "Shard folders, or folders that hold them.")
    var shards: [String]

    @Option(help: "Folder to write the run or experiment into (default, for a single cluster run folder: that folder).")
    var out: String?

    @Option(help: "Run registry to record the merged run in (default: \(registryDefaultHelp)).")
    var registry: String?

    @Flag(help: "Replace a run or experiment already in --out.")
    var force = false

    func validate() throws {
        if shards.isEmpty { throw ValidationError("give the shard folders, or a folder that holds them.") }
    }

    /// The default output: a cluster run folder given alone is its own merged run's folder.
    func outputFolder() throws -> String {
        if let out { return out }
        if shards.count == 1, FileManager.default.fileExists(atPath: (shards[0] as NSString).appendingPathComponent(ShardSet.clusterSubfolder)) {
            return shards[0]
        }
        throw ValidationError("give --out DIR: the folder the merged run or experiment goes to.")
    }

    func run() throws {
        let set: ShardSet
        do { set = try ShardSet.open(shards) } catch let r as ShardSet.Refusal {
            FileHandle.standardError.write(Data("error: \(r)\n".utf8))
            throw ExitCode(65)
        }
        let s = set.scenario
        let workFolder = set.kind == .run ? CheckpointedRun.folderName : ExperimentSession.folderName
        let folder = try claim {
            try OutputFolder.claimNew(explicit: try outputFolder(), defaultPath: "", workFolder: workFolder, force: force, command: "collectsim merge")
        }
        let dir = folder.url
        let started = DispatchTime.now()
        if set.kind == .run {
            let identity = RunIdentity(version: RunWriter.version, commandLine: CommandLine.arguments.joined(separator: " "), threads: 1)
            let outcome = try ShardMerge.writeRun(set, to: dir, identity: identity)
            let id = recordRunInRegistry(outcome.data, in: dir, registry: registry)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            print("CollectSim \(RunWriter.version) — scenario '\(s.name)', seed \(s.seed), \(counted(outcome.analysis.replications, "replication")) × \(s.population.size) accounts × \(s.horizonDays) days, merged from \(set.folders.count) shards")
            print()
            print(RunWriter.table(outcome.analysis, colour: terminalShowsColour()), terminator: "")
            print()
            if let p = s.precision {
                print(outcome.targetsMet
                      ? "Precision targets met after \(counted(outcome.analysis.replications, "replication"))."
                      : "Precision targets NOT met: stopped at max_replications = \(p.maxReplications).")
            }
            print(String(format: "Merged in %.2f s. ", seconds) + "Results written to \(dir.path)" + (id.map { " (run #\($0) in the registry)" } ?? ""))
        } else {
            let outcome: any ReportedExperiment
            do { outcome = try ShardMerge.writeExperiment(set, to: dir) } catch let e as ScenarioError {
                FileHandle.standardError.write(Data("\(e)\n".utf8))
                throw ExitCode(65)
            }
            let id = recordExperiment(outcome, in: dir, registry: registry, scenario: s)
            try ExperimentSession.archive(in: dir)
            print("CollectSim \(RunWriter.version) — \(set.kind.rawValue) of '\(s.name)', seed \(s.seed), merged from \(set.folders.count) shards")
            print()
            print(outcome.consoleSummary, terminator: "")
            print()
            print("Results written to \(dir.path)" + (id.map { " (experiment #\($0) in the registry)" } ?? ""))
        }
    }
}
