import Analysis
import Dispatch
import Foundation
import Scenario
import Storage

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
///
/// A finished experiment keeps its evaluations in one file, `evaluations.jsonl` (`archive`), so
/// that `collectsim report DIR` can replay the experiment from them and rebuild every output
/// without running the model (`Mode.replay`).
public final class ExperimentSession: @unchecked Sendable {
    public static let folderName = "evaluations"
    /// A finished experiment's evaluations, one stored evaluation per line, in order.
    public static let archiveName = "evaluations.jsonl"

    /// What a session does when the folder does not hold the evaluation asked for: `run` makes
    /// it; `replay` (a finished experiment's folder) refuses, before anything is written;
    /// `replayUntilMissing` (a stopped experiment's) ends the experiment there, as a stop does.
    public enum Mode: Sendable { case run, replay, replayUntilMissing }

    public let evaluator: ExperimentEvaluator
    public let dir: URL
    public let hash: String
    /// Evaluations the experiment plans to make (for progress; searches may stop earlier).
    public let budget: Int
    let stop: StopRequest?
    let mode: Mode
    let progress: ((ExperimentProgress) -> Void)?
    /// The archive's evaluations by index, read on first need.
    private lazy var archived: [Int: Stored] = Self.readArchive(in: dir)

    public private(set) var done = 0
    public private(set) var reused = 0
    private var secondsRun = 0.0

    public init(evaluator: ExperimentEvaluator, dir: URL, budget: Int, stop: StopRequest?, mode: Mode = .run,
                progress: ((ExperimentProgress) -> Void)?) {
        var evaluator = evaluator
        // A stop also ends the evaluation under way, between blocks.
        if let stop { evaluator.shouldStop = { stop.signal != nil } }
        self.evaluator = evaluator
        self.dir = dir
        self.hash = ScenarioHash.model(evaluator.base)
        self.budget = budget
        self.stop = stop
        self.mode = mode
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
        var found: (stored: Stored, file: String, line: Int)?
        if let data = FileManager.default.contents(atPath: file.path) {
            do { found = (try JSONDecoder().decode(Stored.self, from: data), file.path, 1) } catch {
                throw ScenarioError(file: file.path, line: 1, column: 1, field: "",
                                    message: "this evaluation file is damaged; delete it and resume to run that evaluation again")
            }
        } else if let stored = archived[index] {
            found = (stored, dir.appendingPathComponent(Self.archiveName).path, index + 1)
        }
        if let (stored, path, line) = found {
            guard stored.scenarioSHA256 == hash else {
                throw ScenarioError(file: path, line: line, column: 1, field: "",
                                    message: "this evaluation belongs to another scenario or experiment; resume only a folder written for this scenario")
            }
            guard stored.evaluation.values.count == values.count,
                  zip(stored.evaluation.values, values).allSatisfy({ $0 == $1 || ($0.isNaN && $1.isNaN) }) else {
                throw ScenarioError(file: path, line: line, column: 1, field: "",
                                    message: "this evaluation was made at another point than the experiment now asks for (was the folder written by another CollectSim version?)")
            }
            done += 1
            reused += 1
            report()
            return stored.evaluation
        }
        switch mode {
        case .run: if stopRequested { throw Stopped() }
        case .replayUntilMissing: throw Stopped()
        case .replay:
            throw ScenarioError(file: dir.appendingPathComponent(Self.archiveName).path, line: index + 1, column: 1, field: "",
                                message: "the experiment asks for evaluation \(index + 1), which the folder does not hold (it holds \(index)); "
                                    + "was it written by another CollectSim version? Run the experiment again from scenario.resolved.yaml")
        }
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
        try AtomicFile.write(try Stored(scenarioSHA256: hash, index: index, evaluation: evaluation).encoded(), to: file(index: index, in: dir))
    }

    /// A fixed design (a sweep's or a sensitivity analysis's points over `factors`) evaluated
    /// in a session in `dir`, in order, up to a stop request: what is complete is returned, and
    /// a shorter list than `points` means the design was stopped.
    public static func evaluateDesign(_ points: [[Double]], factors: [ExperimentFactor], of scenario: Scenario, in dir: URL,
                                      threads: Int?, stop: StopRequest?, mode: Mode,
                                      progress: ((ExperimentProgress) -> Void)?) throws -> [PointEvaluation] {
        let session = ExperimentSession(evaluator: ExperimentEvaluator(base: scenario, factors: factors, threads: threads),
                                        dir: dir, budget: points.count, stop: stop, mode: mode, progress: progress)
        var evaluations: [PointEvaluation] = []
        do {
            for p in points { evaluations.append(try session.evaluate(p)) }
        } catch is Stopped {}
        return evaluations
    }

    /// Gathers a finished experiment's evaluations into `evaluations.jsonl` and removes their
    /// folder, once its outputs are written and it is recorded in the registry: until then the
    /// folder is not complete, and `--resume` rewrites the same outputs from them and records
    /// the experiment. The archive is written whole before the folder goes, so a kill leaves
    /// one or the other, and a session reads either.
    public static func archive(in dir: URL) throws {
        let folder = dir.appendingPathComponent(folderName)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        // Wall times are dropped (they served the ETAs): the archive, like every output, is
        // the same bytes at any thread count, shard count or machine load.
        var text = Data()
        for index in 0..<names.count {
            guard let data = FileManager.default.contents(atPath: file(index: index, in: dir).path),
                  let stored = try? JSONDecoder().decode(Stored.self, from: data) else { break }
            let e = stored.evaluation
            let timeless = PointEvaluation(values: e.values, perReplication: e.perReplication, borrowerDays: e.borrowerDays, seconds: 0)
            text += try Stored(scenarioSHA256: stored.scenarioSHA256, index: index, evaluation: timeless).encoded()
            text += Data("\n".utf8)
        }
        try AtomicFile.write(text, to: dir.appendingPathComponent(archiveName))
        try? FileManager.default.removeItem(at: folder)
    }

    /// Whether a folder keeps an experiment's evaluations, finished (`evaluations.jsonl`) or not
    /// (`evaluations/`), so that the experiment can be replayed from it.
    public static func holdsEvaluations(in dir: URL) -> Bool {
        let fm = FileManager.default
        return fm.fileExists(atPath: dir.appendingPathComponent(archiveName).path)
            || fm.fileExists(atPath: dir.appendingPathComponent(folderName).path)
    }

    /// The evaluations of `evaluations.jsonl` by index; an unreadable line ends the list there
    /// (the evaluations from it on are made again, or a replay stops there).
    static func readArchive(in dir: URL) -> [Int: Stored] {
        guard let text = try? String(contentsOf: dir.appendingPathComponent(archiveName), encoding: .utf8) else { return [:] }
        var stored: [Int: Stored] = [:]
        for (index, line) in text.split(separator: "\n").enumerated() {
            guard let s = try? JSONDecoder().decode(Stored.self, from: Data(line.utf8)), s.index == index else { break }
            stored[index] = s
        }
        return stored
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

        /// One line of JSON with sorted keys: the same evaluation is the same bytes.
        func encoded() throws -> Data {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return try encoder.encode(self)
        }
    }
}
