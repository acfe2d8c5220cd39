import Analysis
import CollectionsModel
import Engine
import Foundation
import Scenario
import Storage

/// Runs a scenario one replication at a time into a run folder, keeping each finished
/// replication's tallies in `checkpoint/` so that a run stopped by a signal, or killed, can be
/// finished later with exactly the bytes an uninterrupted run would have written. A signal
/// stops the run between blocks (within about a second); the replication it interrupts is
/// dropped and simulated again on resume.
///
/// A replication's result depends only on its index, and the precision rule is evaluated at the
/// same replication counts whether or not the run was interrupted, so resuming changes nothing.
public enum CheckpointedRun {
    public struct Outcome: Sendable {
        public let run: RunResult
        public let analysis: AnalysisResult
        public let targetsMet: Bool
        /// True when a stop request ended the run before its last replication.
        public let partial: Bool
        /// Replications read back from checkpoints rather than simulated by this process.
        public let resumed: Int
    }

    public static let folderName = "checkpoint"

    public static func run(_ scenario: Scenario, in dir: URL, threads: Int?, stop: StopRequest? = nil,
                           progress: (@Sendable (RunProgress) -> Void)? = nil) throws -> Outcome {
        try PrecisionRun.validate(scenario)
        let folder = dir.appendingPathComponent(folderName)
        removeStaleTemporaryFiles(in: [dir, folder])
        let hash = ScenarioHash.model(scenario)
        let runner = Runner(scenario: scenario, threads: threads)
        var result = try load(folder, scenario: scenario, hash: hash)
        let resumed = result.replicationsCompleted
        let blocksPerReplication = (scenario.population.size + runner.blockSize - 1) / runner.blockSize
        // A book's account ids, read once for every replication's accounts.csv and history.csv.
        let exportsRows = scenario.output.exportAccounts || scenario.output.exportHistory
        let ids = exportsRows ? try AccountRows.lenderIds(scenario) : nil

        var stopRequested: (@Sendable () -> Bool)?
        if let stop { stopRequested = { stop.signal != nil } }

        /// Runs replications until `target` are done; false when stopped first.
        func runUntil(_ target: Int) throws -> Bool {
            while result.replicationsCompleted < target {
                if stop?.signal != nil { return false }
                let r = result.replicationsCompleted
                var overall: (@Sendable (RunProgress) -> Void)?
                if let progress {
                    overall = { p in
                        progress(RunProgress(blocksDone: r * blocksPerReplication + p.blocksDone, blocksTotal: target * blocksPerReplication,
                                             replicationsDone: r + p.replicationsDone, replicationsTotal: target))
                    }
                }
                let rows = exportsRows ? AccountRows(scenario, ids: ids) : nil
                // Replication 1's history goes to its file as it comes, a few MiB at a time.
                let history = scenario.output.exportHistory && r == 0 ? try AtomicFile.Stream(folder.appendingPathComponent(historyFileName)) : nil
                if let history { rows?.streamHistory(to: history) }
                var collect: (@Sendable (Int, Int, AccountOutcome) -> Void)?
                if let rows { collect = { s, replication, o in rows.add(strategy: s, replication: replication, o) } }
                // A stop request ends the replication between blocks; nothing of it is kept.
                guard let one = runner.runUnlessStopped(replications: r..<(r + 1), progress: overall, accounts: collect,
                                                        withHistory: scenario.output.exportHistory,
                                                        shouldStop: stopRequested) else {
                    history?.abandon()
                    return false
                }
                if let rows, scenario.output.exportAccounts { try AtomicFile.write(rows.text(), to: folder.appendingPathComponent(accountsFileName(r))) }
                if let rows, let history {
                    do {
                        try rows.finishHistory()
                        try history.commit()
                    } catch {
                        history.abandon()
                        throw error
                    }
                }
                try save(one, replication: r, to: folder, hash: hash)
                result = result.appending(one)
            }
            return true
        }

        let stopped = try PrecisionRun.stop(scenario) { boundary in try runUntil(boundary) ? result.prefix(boundary) : nil }
        let completed = stopped != nil
        let targetsMet = stopped?.targetsMet ?? (scenario.precision == nil)
        if let boundary = stopped?.replications {
            result = result.prefix(boundary)
            if scenario.output.exportAccounts {
                try AtomicFile.concatenate((0..<boundary).map { folder.appendingPathComponent(accountsFileName($0)) },
                                header: AccountRows.header, to: dir.appendingPathComponent("accounts.csv"))
            }
            if scenario.output.exportHistory {
                try AtomicFile.concatenate([folder.appendingPathComponent(historyFileName)], header: HistoryColumns.header,
                                to: dir.appendingPathComponent("history.csv"))
            }
        }
        return Outcome(run: result, analysis: Analyzer.analyze(result), targetsMet: targetsMet, partial: !completed, resumed: resumed)
    }

    /// Removes the checkpoints once the run's outputs are written.
    public static func discard(in dir: URL) {
        try? FileManager.default.removeItem(at: dir.appendingPathComponent(folderName))
    }

    // MARK: Files

    /// Temporary files a killed writer left behind (see `AtomicFile`); never outputs, and never
    /// a user's file that merely looks alike.
    static func removeStaleTemporaryFiles(in folders: [URL]) {
        for folder in folders {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            where AtomicFile.isStaleTemporary(name) {
                try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
            }
        }
    }

    static let magic = "CollectSim checkpoint 3\n"

    static func fileName(_ replication: Int) -> String { String(format: "replication-%06d.bin", replication) }
    static func accountsFileName(_ replication: Int) -> String { String(format: "accounts-%06d.csv", replication) }
    /// Replication 1's history rows, kept until the run is complete.
    static let historyFileName = "history-rows.csv"

    /// One replication: magic, scenario hash, strategy count, then per strategy the tally's
    /// value count and its values as IEEE-754 bit patterns (little endian).
    static func save(_ one: RunResult, replication: Int, to folder: URL, hash: String) throws {
        var data = Data((magic + hash + "\n").utf8)
        func append(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        append(UInt64(one.tallies.count))
        for strategy in one.tallies {
            let values = strategy[0].encoded()
            append(UInt64(values.count))
            for v in values { append(v.bitPattern) }
        }
        try AtomicFile.write(data, to: folder.appendingPathComponent(fileName(replication)))
    }

    /// The replications saved so far (0, 1, 2, … without gaps), as one result.
    static func load(_ folder: URL, scenario: Scenario, hash: String) throws -> RunResult {
        let strategies = scenario.strategies.count
        var tallies = [[Tally]](repeating: [], count: strategies)
        var r = 0
        while let data = FileManager.default.contents(atPath: folder.appendingPathComponent(fileName(r)).path) {
            let bytes = [UInt8](data)
            let header = Array((magic + hash + "\n").utf8)
            guard bytes.count >= header.count, Array(bytes[0..<header.count]) == header else {
                throw ScenarioError(file: folder.appendingPathComponent(fileName(r)).path, line: 1, column: 1, field: "",
                                    message: "this checkpoint belongs to another scenario or version; resume only a run folder written for this scenario")
            }
            var offset = header.count
            func next() -> UInt64? {
                guard offset + 8 <= bytes.count else { return nil }
                var v: UInt64 = 0
                for k in 0..<8 { v |= UInt64(bytes[offset + k]) << (8 * UInt64(k)) }
                offset += 8
                return v
            }
            var ok = next() == UInt64(strategies)
            var perStrategy: [Tally] = []
            for _ in 0..<strategies where ok {
                guard let n = next(), n < 100_000_000 else { ok = false; break }
                var values = [Double](); values.reserveCapacity(Int(n))
                for _ in 0..<n { guard let v = next() else { ok = false; break }; values.append(Double(bitPattern: v)) }
                guard ok, let t = Tally(encoded: values, segmentCount: scenario.population.segments.count,
                                        horizonDays: scenario.horizonDays) else { ok = false; break }
                perStrategy.append(t)
            }
            guard ok, offset == bytes.count else {
                throw ScenarioError(file: folder.appendingPathComponent(fileName(r)).path, line: 1, column: 1, field: "",
                                    message: "this checkpoint is damaged; delete it and resume to simulate that replication again")
            }
            for s in 0..<strategies { tallies[s].append(perStrategy[s]) }
            r += 1
        }
        let perReplication = Double(scenario.population.size) * Double(scenario.horizonDays) * Double(strategies)
        return RunResult(scenario: scenario, tallies: tallies, replicationsCompleted: r,
                         borrowerDays: perReplication * Double(r), elapsedSeconds: 0)
    }
}
