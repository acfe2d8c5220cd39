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
    /// Random draws made, population set-up included (a deterministic count; see the limit
    /// kernel in `benchmarks/`).
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
                    accounts: (@Sendable (Int, Int, AccountOutcome) -> Void)? = nil) -> RunResult {
        let start = DispatchTime.now()
        let model = compiledModel()
        let strategies = scenario.strategies.map { CompiledStrategy($0, model: model) }
        let n = scenario.population.size
        let blocksPerReplication = (n + blockSize - 1) / blockSize
        let range = range ?? 0..<scenario.replications
        let replications = range.count
        let firstReplication = range.lowerBound
        let totalTasks = blocksPerReplication * replications
        let horizon = scenario.horizonDays
        let segmentCount = scenario.population.segments.count
        let seed = scenario.seed
        let blockSize = self.blockSize

        let merger = Merger(strategies: strategies.count, replications: replications, segmentCount: segmentCount,
                            horizon: horizon, blocksPerReplication: blocksPerReplication)
        let next = Atomic<Int>(0)
        let draws = Atomic<Int>(0)
        let workerCount = min(threads, max(totalTasks, 1))
        DispatchQueue.concurrentPerform(iterations: workerCount) { _ in
            let simulator = BlockSimulator(model: model, blockSize: blockSize)
            while true {
                let task = next.add(1, ordering: .relaxed).oldValue
                if task >= totalTasks { break }
                let replication = firstReplication + task / blocksPerReplication
                let block = task % blocksPerReplication
                let first = block * blockSize
                let count = min(blockSize, n - first)
                simulator.preparePopulation(seed: seed, replication: replication, first: first, count: count)
                var tallies: [Tally] = []
                var outcomes: [[AccountOutcome]] = []
                for strategy in strategies {
                    var tally = Tally(segmentCount: segmentCount, horizonDays: horizon)
                    if accounts != nil {
                        var list: [AccountOutcome] = []
                        list.reserveCapacity(count)
                        simulator.run(strategy, into: &tally) { list.append($0) }
                        outcomes.append(list)
                    } else {
                        simulator.run(strategy, into: &tally)
                    }
                    tallies.append(tally)
                }
                let done = merger.submit(task: task, tallies: tallies, outcomes: outcomes) { s, r, o in accounts?(s, firstReplication + r, o) }
                progress?(RunProgress(blocksDone: done, blocksTotal: totalTasks, replicationsDone: done / blocksPerReplication,
                                      replicationsTotal: replications))
            }
            draws.add(simulator.drawsMade, ordering: .relaxed)
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return RunResult(scenario: scenario, tallies: merger.result(), replicationsCompleted: replications,
                         borrowerDays: Double(n) * Double(horizon) * Double(strategies.count) * Double(replications),
                         elapsedSeconds: elapsed, randomDraws: Double(draws.load(ordering: .relaxed)))
    }
}

/// Merges block results strictly in task order (replication-major, then block).
final class Merger: Sendable {
    private struct State {
        var tallies: [[Tally]]
        var pending: [Int: ([Tally], [[AccountOutcome]])] = [:]
        var nextTask = 0
        var done = 0
    }
    private let state: Mutex<State>
    private let blocksPerReplication: Int

    init(strategies: Int, replications: Int, segmentCount: Int, horizon: Int, blocksPerReplication: Int) {
        let empty = Tally(segmentCount: segmentCount, horizonDays: horizon)
        state = Mutex(State(tallies: Array(repeating: Array(repeating: empty, count: replications), count: strategies)))
        self.blocksPerReplication = blocksPerReplication
    }

    /// Hands in one finished task; merges every task that is now next in order. Returns the
    /// number of tasks finished so far.
    func submit(task: Int, tallies: [Tally], outcomes: [[AccountOutcome]], emit: (Int, Int, AccountOutcome) -> Void) -> Int {
        state.withLock { s in
            s.pending[task] = (tallies, outcomes)
            s.done += 1
            while let (t, o) = s.pending.removeValue(forKey: s.nextTask) {
                let replication = s.nextTask / blocksPerReplication
                for (k, tally) in t.enumerated() {
                    s.tallies[k][replication].merge(tally)
                }
                for (k, list) in o.enumerated() {
                    for outcome in list { emit(k, replication, outcome) }
                }
                s.nextTask += 1
            }
            return s.done
        }
    }

    func result() -> [[Tally]] { state.withLock { $0.tallies } }
}
