import Analysis
import ArgumentParser
import Cluster
import Engine
import Experiments
import Foundation
import Reports
import Scenario

extension ShardName: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

/// `--shard K/N` of `run`, `sweep` and `sensitivity`: runs one share of the work into
/// `<out>/shard-K-of-N/`, which `collectsim merge` combines with the others.
///
/// A shard that is already complete, for this scenario, seed, version and split, is left as it
/// is (a requeued Slurm task finds its work done); a folder of another scenario is refused
/// untouched unless `force`. SIGINT or SIGTERM (Slurm's warning before the time limit) stops
/// the task between blocks or design points with nothing of the shard looking complete.
func runShardTask(_ kind: ShardManifest.Kind, scenario s: Scenario, shard: ShardName, out: String?, threads: Int?, force: Bool, quiet: Bool) throws {
    let total = kind == .run ? RunShard.units(s).count : ExperimentShard.points(s, kind: kind).count
    guard shard.count <= total else {
        let what = kind == .run
            ? "this run has \(total) work units (\(RunShard.units(s).blocksPerReplication) blocks of \(Runner.defaultBlockSize) accounts × \(PrecisionRun.replicationsNeeded(s)) replications)"
            : "this \(kind.rawValue) has \(total) design points"
        FileHandle.standardError.write(Data("error: --shard \(shard): \(shard.count) shards is more than the work can be cut into: \(what); use at most \(total) shards\n".utf8))
        throw ExitCode(64)
    }
    let holder = URL(fileURLWithPath: out ?? timelessFolder(s, suffix: kind == .run ? "-shards" : "-\(kind.rawValue)-shards"))
    let folder = holder.appendingPathComponent(shard.folderName)
    let lock: ShardFolder.Lock
    do { lock = try ShardFolder.Lock(folder) } catch let e as ShardFolder.Lock.Held {
        FileHandle.standardError.write(Data("error: \(e)\n".utf8))
        throw ExitCode(73)
    }
    defer { withExtendedLifetime(lock) {} }

    let hash = ScenarioHash.resolved(s)
    if let data = FileManager.default.contents(atPath: folder.appendingPathComponent(ShardManifest.fileName).path),
       let old = try? JSONDecoder().decode(ShardManifest.self, from: data) {
        let same = old.kind == kind && old.scenarioSHA256 == hash && old.seed == s.seed && old.version == RunWriter.version && old.name == shard
        if same && ShardSet.check(old, in: folder, scenario: s).isEmpty {
            print("Shard \(shard) in \(folder.path) is already complete; nothing to do.")
            return
        }
        if !same && !force {
            FileHandle.standardError.write(Data("error: \(folder.path) holds shard \(old.name) of scenario '\(old.scenario)' (seed \(old.seed), CollectSim \(old.version)), not this one; choose another --out, or add --force to replace it\n".utf8))
            throw ExitCode(73)
        }
    }

    let stop = StopRequest()
    let sources = stopOnSignals(stop)
    defer { sources.forEach { $0.cancel() } }
    let shouldStop: @Sendable () -> Bool = { stop.signal != nil }
    let started = DispatchTime.now()
    let manifest: ShardManifest
    do {
        if kind == .run {
            let bar = ProgressBar(enabled: !quiet && isatty(STDERR_FILENO) != 0)
            defer { bar.finish() }
            manifest = try RunShard.write(s, shard: shard, to: folder, threads: threads, stop: shouldStop, progress: { bar.update($0) })
        } else {
            manifest = try ExperimentShard.write(s, kind: kind, shard: shard, to: folder, threads: threads, stop: shouldStop)
        }
    } catch is RunShard.Stopped {
        return try stopped(stop, shard: shard, folder: folder)
    } catch is ExperimentShard.Stopped {
        return try stopped(stop, shard: shard, folder: folder)
    } catch let e as ScenarioError {
        FileHandle.standardError.write(Data("\(e)\n".utf8))
        throw ExitCode(65)
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
    print(String(format: "Shard %@ of '%@' (seed %llu): %@ %d..<%d of %d written to %@ in %.2f s.", shard.description, s.name, s.seed,
                 kind.unitName + "s", manifest.firstUnit, manifest.endUnit, manifest.unitsTotal, folder.path, seconds))
}

private func stopped(_ stop: StopRequest, shard: ShardName, folder: URL) throws {
    let number = stop.signal ?? SIGTERM
    FileHandle.standardError.write(Data("Stopped by signal \(number): shard \(shard) in \(folder.path) is not complete; run the task again to redo it.\n".utf8))
    throw ExitCode(128 + number)
}

/// `<output.dir>/<name><suffix>`: a name every task of one cluster run computes alike.
func timelessFolder(_ s: Scenario, suffix: String) -> String {
    (s.output.directory as NSString).appendingPathComponent(folderSafeName(s, fallback: "run") + suffix)
}
