import Analysis
import CollectionsModel
import Engine
import Experiments
import Foundation
import Storage
import Reports
import Scenario

/// Turns a checked `ShardSet` into the folder the one-machine command writes, byte for byte.
///
/// A run's tallies are read shard by shard, record by record, and added up by the same
/// `ReplicationFold` the local runner uses, so memory holds the result (replications ×
/// strategies tallies) and one record, whatever the shard count. A precision rule is applied
/// to the replications the shards computed, stopping where a sequential run stops. An
/// experiment's evaluations are placed where a resumed experiment finds them, and the
/// experiment finishes from them without running the model.
public enum ShardMerge {
    public struct RunOutcome: Sendable {
        public let analysis: AnalysisResult
        public let targetsMet: Bool
        public let data: ReportData
    }

    /// The run's tallies from its shards, in the canonical order.
    public static func tallies(_ set: ShardSet) throws -> RunResult {
        let s = set.scenario
        let units = RunShard.units(s)
        let strategies = s.strategies.count, segments = s.population.segments.count, horizon = s.horizonDays
        func newFold() -> ReplicationFold {
            ReplicationFold(strategies: strategies, segmentCount: segments, horizonDays: horizon, blocksPerReplication: units.blocksPerReplication)
        }
        var tallies = [[Tally]](repeating: [], count: strategies)
        var fold = newFold()
        var nextUnit = 0
        for (folder, manifest) in zip(set.folders, set.manifests) {
            let file = folder.appendingPathComponent(TallyRecords.fileName)
            let reader = try TallyRecords.Reader(file, strategies: strategies, segmentCount: segments, horizonDays: horizon)
            func damaged(_ what: String) -> TallyRecords.Reader.Damaged { .init(description: "\(file.path): \(what)") }
            while let record = try reader.next() {
                // The replication and block are checked before they are combined: a damaged
                // record's values could overflow the unit number.
                guard record.replication == tallies[0].count, record.firstBlock == fold.nextBlock,
                      units.unit(replication: record.replication, block: record.firstBlock) == nextUnit else {
                    throw damaged("records out of order: replication \(record.replication) block \(record.firstBlock) where unit \(nextUnit) was due")
                }
                switch record.kind {
                case .block:
                    fold.addBlock(record.tallies)
                case .chunk:
                    guard record.firstBlock % ReplicationFold.blocksPerChunk == 0 else { throw damaged("a chunk record does not start a chunk") }
                    fold.addChunk(record.tallies)
                }
                nextUnit = units.unit(replication: record.replication, block: fold.nextBlock)
                if fold.isComplete {
                    for (k, t) in fold.result.enumerated() { tallies[k].append(t) }
                    fold = newFold()
                    nextUnit = units.unit(replication: tallies[0].count, block: 0)
                }
            }
            guard nextUnit == manifest.endUnit else { throw damaged("ends at unit \(nextUnit); shard.json says \(manifest.endUnit)") }
        }
        let replications = tallies[0].count
        return RunResult(scenario: s, tallies: tallies, replicationsCompleted: replications,
                         borrowerDays: Double(s.population.size) * Double(horizon) * Double(strategies) * Double(replications), elapsedSeconds: 0)
    }

    /// Writes the run folder into `dir`: accounts.csv and history.csv when exported, then what `RunWriter` writes.
    public static func writeRun(_ set: ShardSet, to dir: URL, identity: RunIdentity) throws -> RunOutcome {
        let full = try tallies(set)
        let (replications, met) = PrecisionRun.stoppingPoint(full)
        let result = full.prefix(replications)
        if set.scenario.output.exportAccounts {
            try AtomicFile.concatenate((0..<replications).flatMap { r in set.folders.map { $0.appendingPathComponent(RunShard.accountsFileName(replication: r)) } },
                                       header: AccountRows.header, to: dir.appendingPathComponent("accounts.csv"), skippingMissing: true)
        }
        if set.scenario.output.exportHistory {
            try AtomicFile.concatenate(set.folders.map { $0.appendingPathComponent(RunShard.historyFileName) }, header: HistoryColumns.header,
                                       to: dir.appendingPathComponent("history.csv"), skippingMissing: true)
        }
        let analysis = Analyzer.analyze(result)
        let data = try RunWriter.write(analysis, to: dir, identity: identity)
        return RunOutcome(analysis: analysis, targetsMet: met, data: data)
    }

    /// Places the shards' evaluations in `dir/evaluations/` and finishes the experiment there:
    /// its driver reads them back, and its files are written.
    public static func writeExperiment(_ set: ShardSet, to dir: URL) throws -> any ReportedExperiment {
        let fm = FileManager.default
        for (folder, manifest) in zip(set.folders, set.manifests) {
            for file in manifest.files {
                let target = dir.appendingPathComponent(file.name)
                try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try AtomicFile.write(try Data(contentsOf: folder.appendingPathComponent(file.name)), to: target)
            }
        }
        try AtomicFile.write(ScenarioWriter.yaml(set.scenario), to: dir.appendingPathComponent("scenario.resolved.yaml"))
        let outcome: any ReportedExperiment
        switch set.kind {
        case .sweep: outcome = try SweepExperiment.run(set.scenario, in: dir, threads: 1, stop: nil, progress: nil)
        case .sensitivity: outcome = try SensitivityExperiment.run(set.scenario, in: dir, threads: 1, stop: nil, progress: nil)
        case .run: preconditionFailure("a run is merged by writeRun")
        }
        try outcome.write(to: dir)
        return outcome
    }
}
