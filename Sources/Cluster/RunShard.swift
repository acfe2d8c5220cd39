import Analysis
import CollectionsModel
import Engine
import Experiments
import Foundation
import Storage
import Reports
import Scenario
import Synchronization

/// `collectsim run FILE --shard K/N`: simulates the K-th of N shares of a run's work units and
/// writes them to a shard folder that `ShardMerge` turns, with the other shards, into the run
/// folder a one-machine run writes.
///
/// A shard folder holds `scenario.resolved.yaml`, `tallies.bin` (see `TallyRecords`), when
/// accounts are exported one `accounts-rNNNNNN.csv` per replication it touches (rows only,
/// in the one-machine order), and last `shard.json`. Nothing in it depends on time, host or
/// thread count, so a re-run of the task writes the same bytes.
public enum RunShard {
    /// Work units of a scenario: every replication it may need (`max_replications` under a
    /// precision rule, so that the merge can stop where a sequential run stops).
    public static func units(_ s: Scenario) -> WorkUnits {
        WorkUnits(replications: PrecisionRun.replicationsNeeded(s), population: s.population.size)
    }

    public static func accountsFileName(replication: Int) -> String { String(format: "accounts-r%06d.csv", replication) }
    /// With `export_history`: the shard's history rows of replication 1.
    public static let historyFileName = "history-r000000.csv"

    public struct Stopped: Error {}

    /// Runs shard `shard` of `scenario` into `folder` (made if needed). Throws `Stopped` when
    /// `stop` asks to end first (nothing of the shard looks complete then).
    public static func write(_ scenario: Scenario, shard: ShardName, to folder: URL, threads: Int?,
                             stop: (@Sendable () -> Bool)? = nil, progress: (@Sendable (RunProgress) -> Void)? = nil) throws -> ShardManifest {
        let units = Self.units(scenario)
        let range = units.shard(shard.index, of: shard.count)
        if let book = scenario.population.book { try checkBook(book, units: units, range: range) }
        try ShardFolder.prepare(folder)
        try AtomicFile.write(ScenarioWriter.yaml(scenario), to: folder.appendingPathComponent("scenario.resolved.yaml"))

        let writer = try Writer(scenario: scenario, units: units, range: range, folder: folder)
        let runner = Runner(scenario: scenario, threads: threads)
        runner.runBlocks(units: range, withAccounts: scenario.output.exportAccounts, withHistory: scenario.output.exportHistory,
                         shouldStop: { writer.failed || stop?() == true }, progress: progress) { writer.add($0) }
        let stopped = stop?() == true
        let files = try writer.finish(complete: !stopped)
        guard !stopped else { throw Stopped() }
        let manifest = ShardManifest(kind: .run, scenario: scenario.name, scenarioSHA256: ScenarioHash.resolved(scenario),
                                     seed: scenario.seed, shard: shard, units: range, unitsTotal: units.count,
                                     blocksPerReplication: units.blocksPerReplication,
                                     files: try files.map { try ShardManifest.payload(folder.appendingPathComponent($0)) })
        try AtomicFile.write(try manifest.encoded(), to: folder.appendingPathComponent(ShardManifest.fileName))
        return manifest
    }

    /// Checks, before anything is written, the accounts of the book that units `range` read
    /// against the checksums the job's records file was written with: a shard reads only its
    /// own accounts, so it checks only those.
    static func checkBook(_ book: AccountBook, units: WorkUnits, range: Range<Int>) throws {
        let perBlock = Runner.defaultBlockSize, blocks = units.blocksPerReplication
        func accounts(_ b: Range<Int>) -> Range<Int> { (b.lowerBound * perBlock)..<min(book.count, b.upperBound * perBlock) }
        guard !range.isEmpty else { return }
        if range.count >= blocks { return try book.verify(0..<book.count) }
        let first = units.block(of: range.lowerBound), last = units.block(of: range.upperBound - 1)
        if first <= last {
            try book.verify(accounts(first..<(last + 1)))
        } else {
            try book.verify(accounts(first..<blocks))
            try book.verify(accounts(0..<(last + 1)))
        }
    }

    /// Turns blocks, handed over in unit order, into tally records and account rows.
    final class Writer: @unchecked Sendable {
        let units: WorkUnits
        let range: Range<Int>
        let folder: URL
        let strategies: Int, segmentCount: Int, horizon: Int
        let rows: AccountRows?
        let exportsAccounts: Bool
        /// Replication 1's history rows of this shard's blocks.
        var history: AtomicFile.Stream?
        let tallies: AtomicFile.Stream
        var buffer = Data()
        var chunk: ReplicationFold.ChunkSum?
        var accounts: (replication: Int, stream: AtomicFile.Stream)?
        var written: [String] = [TallyRecords.fileName]
        var error: Error?
        let lock = NSLock()

        var failed: Bool { lock.withLock { error != nil } }

        init(scenario: Scenario, units: WorkUnits, range: Range<Int>, folder: URL) throws {
            self.units = units
            self.range = range
            self.folder = folder
            strategies = scenario.strategies.count
            segmentCount = scenario.population.segments.count
            horizon = scenario.horizonDays
            exportsAccounts = scenario.output.exportAccounts
            let exportsRows = scenario.output.exportAccounts || scenario.output.exportHistory
            rows = exportsRows ? AccountRows(scenario, ids: try AccountRows.lenderIds(scenario)) : nil
            tallies = try AtomicFile.Stream(folder.appendingPathComponent(TallyRecords.fileName))
            let values = Tally(segmentCount: segmentCount, horizonDays: horizon).encoded().count
            buffer = TallyRecords.header(strategies: strategies, valuesPerTally: values)
        }

        func add(_ b: BlockResult) {
            lock.withLock {
                guard error == nil else { return }
                do { try record(b) } catch { self.error = error }
            }
        }

        private func record(_ b: BlockResult) throws {
            let chunkBlocks = ReplicationFold.blocks(ofChunk: b.block / ReplicationFold.blocksPerChunk,
                                                     blocksPerReplication: units.blocksPerReplication)
            let first = units.unit(replication: b.replication, block: chunkBlocks.lowerBound)
            let last = units.unit(replication: b.replication, block: chunkBlocks.upperBound - 1)
            if range.contains(first) && range.contains(last) {
                var sum = chunk ?? ReplicationFold.ChunkSum(strategies: strategies, segmentCount: segmentCount, horizonDays: horizon)
                sum.add(b.tallies)
                chunk = sum
                if b.unit == last {
                    buffer.append(TallyRecords.encode(.init(kind: .chunk, replication: b.replication, firstBlock: chunkBlocks.lowerBound, tallies: sum.result)))
                    chunk = nil
                }
            } else {
                buffer.append(TallyRecords.encode(.init(kind: .block, replication: b.replication, firstBlock: b.block, tallies: b.tallies)))
            }
            if buffer.count >= 1 << 22 { try tallies.write(buffer); buffer.removeAll(keepingCapacity: true) }
            if let rows, exportsAccounts { try addAccounts(b, rows) }
            if let rows, b.replication == 0, b.outcomes.contains(where: { $0.first?.history.isEmpty == false }) { try addHistory(b, rows) }
        }

        private func addAccounts(_ b: BlockResult, _ rows: AccountRows) throws {
            if accounts?.replication != b.replication {
                try accounts?.stream.commit()
                let name = RunShard.accountsFileName(replication: b.replication)
                accounts = (b.replication, try AtomicFile.Stream(folder.appendingPathComponent(name)))
                written.append(name)
            }
            try accounts!.stream.write(text(b) { rows.line(strategy: $0, replication: b.replication, account: $1, $2) })
        }

        private func addHistory(_ b: BlockResult, _ rows: AccountRows) throws {
            if history == nil {
                history = try AtomicFile.Stream(folder.appendingPathComponent(RunShard.historyFileName))
                written.append(RunShard.historyFileName)
            }
            try history!.write(text(b) { rows.historyLines(strategy: $0, account: $1, $2) })
        }

        /// The rows of a block's accounts, every strategy in turn, as the one-machine run orders
        /// them: `row(strategy, account number, outcome)`.
        private func text(_ b: BlockResult, _ row: (Int, Int, AccountOutcome) -> String) -> Data {
            var text = ""
            let firstAccount = b.block * Runner.defaultBlockSize
            for (k, list) in b.outcomes.enumerated() {
                for (i, o) in list.enumerated() { text += row(k, firstAccount + i, o) }
            }
            return Data(text.utf8)
        }

        /// Puts the files in place (when `complete`) or removes them; returns their names.
        func finish(complete: Bool) throws -> [String] {
            try lock.withLock {
                if let error { tallies.abandon(); accounts?.stream.abandon(); history?.abandon(); throw error }
                guard complete else { tallies.abandon(); accounts?.stream.abandon(); history?.abandon(); return [] }
                try tallies.write(buffer)
                try tallies.commit()
                try accounts?.stream.commit()
                try history?.commit()
                return written
            }
        }
    }
}
