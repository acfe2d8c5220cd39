import CollectionsModel
import Dispatch
import Foundation
import Scenario
import Stochastics
import Synchronization

/// The raw results of a run: for each strategy and replication, the merged tally.
public struct RunResult: Sendable {
    public let scenario: Scenario
    /// `tallies[strategy][replication]`.
    public let tallies: [[Tally]]
    public let replicationsCompleted: Int
    public let borrowerDays: Double
    public let elapsedSeconds: Double
    /// Random draws made, population set-up included (a deterministic count, printed by
    /// `collectsim run` and read by `benchmarks/compare`).
    public let randomDraws: Double

    public var strategyNames: [String] { scenario.strategies.map(\.name) }

    public init(scenario: Scenario, tallies: [[Tally]], replicationsCompleted: Int, borrowerDays: Double, elapsedSeconds: Double,
                randomDraws: Double = 0) {
        self.randomDraws = randomDraws
        self.scenario = scenario
        self.tallies = tallies
        self.replicationsCompleted = replicationsCompleted
        self.borrowerDays = borrowerDays
        self.elapsedSeconds = elapsedSeconds
    }

    /// The first `n` replications of this run.
    public func prefix(_ n: Int) -> RunResult {
        guard n < replicationsCompleted else { return self }
        let share = Double(n) / Double(max(replicationsCompleted, 1))
        return RunResult(scenario: scenario, tallies: tallies.map { Array($0.prefix(n)) }, replicationsCompleted: n,
                         borrowerDays: borrowerDays * share, elapsedSeconds: elapsedSeconds * share, randomDraws: randomDraws * share)
    }

    /// This run followed by `more` (later replications of the same scenario).
    public func appending(_ more: RunResult) -> RunResult {
        RunResult(scenario: scenario, tallies: zip(tallies, more.tallies).map { $0 + $1 },
                  replicationsCompleted: replicationsCompleted + more.replicationsCompleted,
                  borrowerDays: borrowerDays + more.borrowerDays, elapsedSeconds: elapsedSeconds + more.elapsedSeconds,
                  randomDraws: randomDraws + more.randomDraws)
    }
}

/// Progress of a run, reported after each finished block.
public struct RunProgress: Sendable {
    public let blocksDone: Int
    public let blocksTotal: Int
    public let replicationsDone: Int
    public let replicationsTotal: Int

    public init(blocksDone: Int, blocksTotal: Int, replicationsDone: Int, replicationsTotal: Int) {
        self.blocksDone = blocksDone; self.blocksTotal = blocksTotal
        self.replicationsDone = replicationsDone; self.replicationsTotal = replicationsTotal
    }
}

/// Runs a scenario: replications × borrower blocks on worker threads, all strategies per block.
///
/// Work is cut into fixed blocks of borrowers whatever the thread count. Each (replication,
/// block) draws its population once and runs every strategy on a copy of it (common random
/// numbers). Block tallies are merged in block order by whichever thread completes the next
/// one, so the result is bit-identical for any number of threads, and memory stays bounded by
/// the few blocks that finish out of order.
public struct Runner: Sendable {
    public let scenario: Scenario
    public let threads: Int
    public let blockSize: Int
    /// Quantile tables shared with other runs (an experiment's points).
    public let tables: QuantileTableCache

    /// - Parameters:
    ///   - threads: worker threads (default: active processors).
    ///   - blockSize: borrowers per block; part of the model (collector capacity is shared out
    ///     per block), so it is fixed by the engine, not by the thread count.
    ///   - tables: quantile tables shared with other runs (default: a new cache, which builds
    ///     its tables on `threads` threads).
    public init(scenario: Scenario, threads: Int? = nil, blockSize: Int = Runner.defaultBlockSize,
                tables: QuantileTableCache? = nil) {
        self.scenario = scenario
        self.threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        self.tables = tables ?? QuantileTableCache(threads: self.threads)
        self.blockSize = blockSize
    }

    public static let defaultBlockSize = 1024

    /// The compiled model shared by all workers.
    public func compiledModel() -> ModelParameters {
        ModelParameters(table: scenario.parameters, population: scenario.population, compliance: scenario.compliance,
                        calendar: scenario.calendar, horizonDays: scenario.horizonDays, tables: tables)
    }

    /// Runs every replication. `progress` is called from worker threads; `accounts`, when given,
    /// receives each account's outcome (strategy, replication, outcome) in block order.
    ///
    /// `replications` selects which replications to run (default: all of the scenario's). A
    /// replication's result depends only on its index, so running 0..<8 and then 8..<16 gives
    /// exactly what running 0..<16 gives.
    public func run(replications range: Range<Int>? = nil,
                    progress: (@Sendable (RunProgress) -> Void)? = nil,
                    accounts: (@Sendable (Int, Int, AccountOutcome) -> Void)? = nil, withHistory: Bool = false) -> RunResult {
        runUnlessStopped(replications: range, progress: progress, accounts: accounts, withHistory: withHistory)!
    }

    /// `run`, stopped between blocks when `shouldStop` says so: nil then, since the
    /// replications under way are not complete (and nothing of them is kept).
    public func runUnlessStopped(replications range: Range<Int>? = nil,
                                 progress: (@Sendable (RunProgress) -> Void)? = nil,
                                 accounts: (@Sendable (Int, Int, AccountOutcome) -> Void)? = nil, withHistory: Bool = false,
                                 shouldStop: (@Sendable () -> Bool)? = nil) -> RunResult? {
        let start = DispatchTime.now()
        let range = range ?? 0..<scenario.replications
        let units = WorkUnits(replications: range.upperBound, population: scenario.population.size, blockSize: blockSize)
        let fold = FoldingConsumer(scenario: scenario, blocksPerReplication: units.blocksPerReplication)
        let draws = runBlocks(units: units.unit(replication: range.lowerBound, block: 0)..<units.count, withAccounts: accounts != nil,
                              withHistory: withHistory, shouldStop: shouldStop,
                              progress: progress) { block in
            fold.add(block)
            if let accounts {
                for (k, list) in block.outcomes.enumerated() { for outcome in list { accounts(k, block.replication, outcome) } }
            }
        }
        let tallies = fold.result()
        // Stopped before every replication was complete.
        guard tallies.allSatisfy({ $0.count == range.count }) else { return nil }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        let n = scenario.population.size, horizon = scenario.horizonDays, strategies = scenario.strategies.count
        return RunResult(scenario: scenario, tallies: tallies, replicationsCompleted: range.count,
                         borrowerDays: Double(n) * Double(horizon) * Double(strategies) * Double(range.count),
                         elapsedSeconds: elapsed, randomDraws: Double(draws))
    }

    /// Simulates the work units `units` (see `WorkUnits`) on worker threads and hands each
    /// finished block to `deliver` strictly in unit order, one at a time, whichever thread
    /// finished it; memory stays bounded by the few blocks that finish out of order.
    ///
    /// `withAccounts` hands each block's account outcomes over with it; `withHistory` does too,
    /// and those of replication 0 then carry each account's monthly history (one simulated
    /// world, as a lender's history is one).
    ///
    /// `shouldStop`, polled before each block is started, ends the work early: the blocks
    /// delivered by then are a prefix of `units`. Returns the random draws made.
    @discardableResult
    public func runBlocks(units range: Range<Int>, withAccounts: Bool = false, withHistory: Bool = false,
                          shouldStop: (@Sendable () -> Bool)? = nil,
                          progress: (@Sendable (RunProgress) -> Void)? = nil,
                          deliver: @escaping @Sendable (BlockResult) -> Void) -> Int {
        let model = compiledModel()
        let strategies = scenario.strategies.map { CompiledStrategy($0, model: model) }
        let n = scenario.population.size
        // Unit numbers map to (replication, block) whatever the replication count.
        let blocksPerReplication = WorkUnits(replications: 1, population: n, blockSize: blockSize).blocksPerReplication
        let units = WorkUnits(replications: (range.upperBound + blocksPerReplication - 1) / blocksPerReplication,
                              blocksPerReplication: blocksPerReplication)
        let totalTasks = range.count
        let horizon = scenario.horizonDays
        let segmentCount = scenario.population.segments.count
        let seed = scenario.seed
        let blockSize = self.blockSize
        let replicationsTotal = (range.count + blocksPerReplication - 1) / blocksPerReplication

        let order = InOrderDelivery(first: range.lowerBound, deliver: deliver)
        let next = Atomic<Int>(0)
        let draws = Atomic<Int>(0)
        let workerCount = min(threads, max(totalTasks, 1))
        DispatchQueue.concurrentPerform(iterations: workerCount) { _ in
            let simulator = BlockSimulator(model: model, blockSize: blockSize)
            while true {
                if shouldStop?() == true { break }
                let task = next.add(1, ordering: .relaxed).oldValue
                if task >= totalTasks { break }
                let unit = range.lowerBound + task
                let replication = units.replication(of: unit)
                let block = units.block(of: unit)
                let first = block * blockSize
                let count = min(blockSize, n - first)
                simulator.preparePopulation(seed: seed, replication: replication, first: first, count: count)
                simulator.recordsHistory = withHistory && replication == 0
                var tallies: [Tally] = []
                var outcomes: [[AccountOutcome]] = []
                for strategy in strategies {
                    var tally = Tally(segmentCount: segmentCount, horizonDays: horizon)
                    if withAccounts || withHistory {
                        var list: [AccountOutcome] = []
                        list.reserveCapacity(count)
                        simulator.run(strategy, into: &tally) { list.append($0) }
                        outcomes.append(list)
                    } else {
                        simulator.run(strategy, into: &tally)
                    }
                    tallies.append(tally)
                }
                let done = order.submit(BlockResult(unit: unit, replication: replication, block: block, tallies: tallies, outcomes: outcomes))
                progress?(RunProgress(blocksDone: done, blocksTotal: totalTasks, replicationsDone: done / blocksPerReplication,
                                      replicationsTotal: replicationsTotal))
            }
            draws.add(simulator.drawsMade, ordering: .relaxed)
        }
        return draws.load(ordering: .relaxed)
    }
}

/// One finished work unit: a block of one replication, every strategy's tally of it and, when
/// asked for, its accounts' outcomes (per strategy, in account order).
public struct BlockResult: Sendable {
    public let unit: Int
    public let replication: Int
    public let block: Int
    public let tallies: [Tally]
    public let outcomes: [[AccountOutcome]]
}

/// Hands finished units to a consumer strictly in unit order, one at a time.
final class InOrderDelivery: Sendable {
    private struct State {
        var pending: [Int: BlockResult] = [:]
        var next: Int
        var done = 0
    }
    private let state: Mutex<State>
    private let deliver: @Sendable (BlockResult) -> Void

    init(first: Int, deliver: @escaping @Sendable (BlockResult) -> Void) {
        state = Mutex(State(next: first))
        self.deliver = deliver
    }

    /// Hands in one finished unit; delivers every unit that is now next in order. Returns the
    /// number of units finished so far.
    func submit(_ block: BlockResult) -> Int {
        state.withLock { s in
            s.pending[block.unit] = block
            s.done += 1
            while let b = s.pending.removeValue(forKey: s.next) {
                deliver(b)
                s.next += 1
            }
            return s.done
        }
    }
}

/// Adds delivered blocks into their replications' tallies in the canonical order
/// (`ReplicationFold`). Blocks arrive in unit order, so one replication is open at a time.
final class FoldingConsumer: Sendable {
    private struct State {
        var tallies: [[Tally]]
        var open: ReplicationFold
    }
    private let state: Mutex<State>
    private let make: @Sendable () -> ReplicationFold

    init(scenario: Scenario, blocksPerReplication: Int) {
        let strategies = scenario.strategies.count, segments = scenario.population.segments.count, horizon = scenario.horizonDays
        let make: @Sendable () -> ReplicationFold = {
            ReplicationFold(strategies: strategies, segmentCount: segments, horizonDays: horizon, blocksPerReplication: blocksPerReplication)
        }
        self.make = make
        state = Mutex(State(tallies: Array(repeating: [], count: strategies), open: make()))
    }

    func add(_ block: BlockResult) {
        state.withLock { s in
            s.open.addBlock(block.tallies)
            if s.open.isComplete {
                for (k, t) in s.open.result.enumerated() { s.tallies[k].append(t) }
                s.open = make()
            }
        }
    }

    func result() -> [[Tally]] { state.withLock { $0.tallies } }
}
