import Analysis
import Dispatch
import Foundation
import Scenario

/// Progress of an experiment, reported after each evaluation.
public struct ExperimentProgress: Sendable {
    public let done: Int
    public let total: Int
    /// Evaluations read back from the folder rather than run by this process.
    public let reused: Int
    /// Mean wall time of the evaluations this process ran.
    public let secondsPerEvaluation: Double
    /// Estimated seconds left (NaN before the first evaluation this process runs).
    public var etaSeconds: Double {
        let ran = done - reused
        return ran > 0 ? Double(total - done) * secondsPerEvaluation : .nan
    }
}

/// Runs an experiment's evaluations in its folder, one file per finished evaluation in
/// `evaluations/`, so that an experiment stopped by a signal, or killed, continues where it
/// stopped and ends with the same bytes.
///
/// Evaluations are numbered in the order the experiment asks for them. Designs (sweep,
/// sensitivity) ask for a fixed list; searches (optimize, calibrate) are deterministic given the
/// results they have seen, so on resume they ask for the same points again and get them from
/// the folder. A stored evaluation whose point differs from the one asked for means the
/// folder belongs to something else, and is an error.
public final class ExperimentSession: @unchecked Sendable {
    public static let folderName = "evaluations"

    public let evaluator: ExperimentEvaluator
    public let dir: URL
    public let hash: String
    /// Evaluations the experiment plans to make (for progress; searches may stop earlier).
    public let budget: Int
    let stop: StopRequest?
    let progress: ((ExperimentProgress) -> Void)?

    public private(set) var done = 0
    public private(set) var reused = 0
    private var secondsRun = 0.0

    public init(evaluator: ExperimentEvaluator, dir: URL, budget: Int, stop: StopRequest?,
                progress: ((ExperimentProgress) -> Void)?) {
        var evaluator = evaluator
        // A stop also ends the evaluation under way, between blocks.
        if let stop { evaluator.shouldStop = { stop.signal != nil } }
        self.evaluator = evaluator
        self.dir = dir
        self.hash = RunWriter.scenarioHash(evaluator.base)
        self.budget = budget
        self.stop = stop
        self.progress = progress
        CheckpointedRun.removeStaleTemporaryFiles(in: [dir, dir.appendingPathComponent(Self.folderName)])
    }

    /// Thrown when a stop was requested; what is complete stays in the folder.
    public struct Stopped: Error {}

    /// True once a stop has been requested.
    public var stopRequested: Bool { stop?.signal != nil }

    /// The next evaluation, from the folder when it was made before, else by running the model.
    public func evaluate(_ values: [Double], replications: Range<Int>? = nil) throws -> PointEvaluation {
        let index = done
        let file = Self.file(index: index, in: dir)
        if let data = FileManager.default.contents(atPath: file.path) {
            let stored: Stored
            do { stored = try JSONDecoder().decode(Stored.self, from: data) } catch {
                throw ScenarioError(file: file.path, line: 1, column: 1, field: "",
                                    message: "this evaluation file is damaged; delete it and resume to run that evaluation again")
            }
            guard stored.scenarioSHA256 == hash else {
                throw ScenarioError(file: file.path, line: 1, column: 1, field: "",
                                    message: "this evaluation belongs to another scenario or experiment; resume only a folder written for this scenario")
            }
            guard stored.evaluation.values.count == values.count,
                  zip(stored.evaluation.values, values).allSatisfy({ $0 == $1 || ($0.isNaN && $1.isNaN) }) else {
                throw ScenarioError(file: file.path, line: 1, column: 1, field: "",
                                    message: "this evaluation was made at another point than the experiment now asks for (was the folder written by another CollectSim version?)")
            }
            done += 1
            reused += 1
            report()
            return stored.evaluation
        }
        if stopRequested { throw Stopped() }
        let evaluation: PointEvaluation
        do { evaluation = try evaluator.evaluate(values, replications: replications) } catch is EvaluationStopped { throw Stopped() }
        try Self.store(evaluation, index: index, hash: hash, in: dir)
        done += 1
        secondsRun += evaluation.seconds
        report()
        return evaluation
    }

    /// The file of evaluation `index` in an experiment (or shard) folder.
    public static func file(index: Int, in dir: URL) -> URL {
        dir.appendingPathComponent(folderName).appendingPathComponent(String(format: "%06d.json", index))
    }

    /// Stores evaluation `index` of the experiment whose scenario has SHA-256 `hash`, where a
    /// session in `dir` will find it (a resumed experiment, or the merge of a sharded one).
    public static func store(_ evaluation: PointEvaluation, index: Int, hash: String, in dir: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(try encoder.encode(Stored(scenarioSHA256: hash, index: index, evaluation: evaluation)), to: file(index: index, in: dir))
    }

    /// Evaluates a design's points in order, up to a stop request: what is complete is returned,
    /// and a shorter list than `points` means the design was stopped.
    public func evaluateUntilStopped(_ points: [[Double]]) throws -> [PointEvaluation] {
        var evaluations: [PointEvaluation] = []
        do {
            for p in points { evaluations.append(try evaluate(p)) }
        } catch is Stopped {}
        return evaluations
    }

    /// Removes the stored evaluations of a finished experiment, once its outputs are written
    /// and it is recorded in the registry: until then the folder is not complete, and
    /// `--resume` rewrites the same outputs from them and records the experiment.
    public static func discard(in dir: URL) {
        try? FileManager.default.removeItem(at: dir.appendingPathComponent(folderName))
    }

    func report() {
        let ran = done - reused
        progress?(ExperimentProgress(done: done, total: max(budget, done), reused: reused,
                                     secondsPerEvaluation: ran > 0 ? secondsRun / Double(ran) : .nan))
    }

    struct Stored: Codable {
        let scenarioSHA256: String
        let index: Int
        let evaluation: PointEvaluation
        enum CodingKeys: String, CodingKey { case scenarioSHA256 = "scenario_sha256", index, evaluation }
    }
}
