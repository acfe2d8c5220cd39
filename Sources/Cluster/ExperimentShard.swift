import Analysis
import Engine
import Experiments
import Foundation
import Storage
import Reports
import Scenario

/// `collectsim sweep|sensitivity FILE --shard K/N`: evaluates the K-th of N shares of a design's
/// points, each point whole, into `evaluations/` of a shard folder — the files an experiment's
/// own folder keeps while it runs, so the merge finishes the experiment from them exactly as a
/// resumed one-machine experiment would, byte for byte.
public enum ExperimentShard {
    public static let folderName = ExperimentSession.folderName

    /// The design's points, in the order the experiment evaluates them.
    public static func points(_ s: Scenario, kind: ShardManifest.Kind) -> [[Double]] {
        kind == .sweep ? SweepExperiment.points(s) : SensitivityExperiment.points(s)
    }

    static func factors(_ s: Scenario, kind: ShardManifest.Kind) -> [ExperimentFactor] {
        (kind == .sweep ? s.experiment?.sweep?.factors : s.experiment?.sensitivity?.factors) ?? []
    }

    public struct Stopped: Error {}

    public static func write(_ scenario: Scenario, kind: ShardManifest.Kind, shard: ShardName, to folder: URL, threads: Int?,
                             stop: (@Sendable () -> Bool)? = nil, progress: ((Int, Int) -> Void)? = nil) throws -> ShardManifest {
        precondition(kind != .run)
        let points = self.points(scenario, kind: kind)
        let range = WorkUnits.split(points.count, part: shard.index, of: shard.count)
        try ShardFolder.prepare(folder)
        try AtomicFile.write(ScenarioWriter.yaml(scenario), to: folder.appendingPathComponent("scenario.resolved.yaml"))
        let hash = ScenarioHash.model(scenario)
        var evaluator = ExperimentEvaluator(base: scenario, factors: factors(scenario, kind: kind), threads: threads)
        evaluator.shouldStop = stop
        var names: [String] = []
        for i in range {
            if stop?() == true { throw Stopped() }
            let e: PointEvaluation
            do { e = try evaluator.evaluate(points[i]) } catch is EvaluationStopped { throw Stopped() }
            // Wall time is for progress lines only; a re-run of the task must write the same bytes.
            let timeless = PointEvaluation(values: e.values, perReplication: e.perReplication, borrowerDays: e.borrowerDays, seconds: 0)
            try ExperimentSession.store(timeless, index: i, hash: hash, in: folder)
            names.append("\(folderName)/" + ExperimentSession.file(index: i, in: folder).lastPathComponent)
            progress?(i - range.lowerBound + 1, range.count)
        }
        let manifest = ShardManifest(kind: kind, scenario: scenario.name, scenarioSHA256: ScenarioHash.resolved(scenario), seed: scenario.seed, shard: shard,
                                     units: range, unitsTotal: points.count, blocksPerReplication: 0,
                                     files: try names.map { try ShardManifest.payload(folder.appendingPathComponent($0), name: $0) })
        try AtomicFile.write(try manifest.encoded(), to: folder.appendingPathComponent(ShardManifest.fileName))
        return manifest
    }
}
