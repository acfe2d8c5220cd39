import Analysis
import CollectionsModel
import Engine
import Foundation
import Scenario
import Stochastics

/// A backtest: the scenario run on the book as it stood at a history's month 0, its monthly
/// aggregates set beside what the history shows happened, and a χ² summary of where they
/// agree and where not.
///
/// Both sides are measured the same way (`BookObservation`, `Tally.rolls`, `Tally.monthEnds`):
/// roll rates between the model's buckets at month ends, the shares of accounts first seen
/// cured and defaulted at month ends, recovery at each month's end.
public enum Backtest {
    /// One aggregate: observed (one book: its sampling error) and simulated (the mean over
    /// replications, its standard error, and the spread of one simulated book).
    public struct Row: Sendable {
        public let target: ObservedTarget
        public let simulated: Double
        public let simulatedError: Double
        public let simulatedSpread: Double
        /// (simulated − observed) / √(observed error² + simulated error²).
        public var z: Double {
            let s = (target.standardError * target.standardError + simulatedError * simulatedError).squareRoot()
            return s > 0 ? (simulated - target.value) / s : 0
        }
    }

    /// A χ² over one family of aggregates.
    public struct Block: Sendable {
        public let name: String
        public let strategy: String
        public let chiSquare: Double
        public let degreesOfFreedom: Int
        public var pValue: Double { degreesOfFreedom > 0 ? ChiSquare.upperTail(chiSquare, degreesOfFreedom: Double(degreesOfFreedom)) : .nan }
    }

    /// One book of the history against the strategy it was collected with.
    public struct BookResult: Sendable {
        public let strategy: String
        public let observation: BookObservation
        public let rows: [Row]
        public let blocks: [Block]
        /// Per roll month (1-based) and cell: the simulated roll rate (mean over replications).
        public let simulatedRolls: [[Double]]
    }

    public struct Outcome: Sendable {
        public let scenario: Scenario
        public let historyFile: String
        public let months: Int
        public let replications: Int
        public let books: [BookResult]
        public var total: Block {
            Block(name: "all", strategy: "", chiSquare: books.flatMap(\.blocks).reduce(0) { $0 + $1.chiSquare },
                  degreesOfFreedom: books.flatMap(\.blocks).reduce(0) { $0 + $1.degreesOfFreedom })
        }
    }

    /// The scenario to run for `history`: its book checked against the history's month 0, its
    /// horizon the history's months, its strategies those the history's books were collected
    /// with (`strategy`, or the scenario's only one, for a history without a strategy column).
    /// Returns the scenario and, per book compared, its index in `history.books` and its strategy.
    public static func prepare(_ scenario: Scenario, history: AccountHistory, strategy: String?) throws -> (Scenario, [(book: Int, strategy: String)]) {
        let fail = { (field: String, message: String) in ScenarioError(file: scenario.sourceFile, line: 0, column: 0, field: field, message: message) }
        guard let book = scenario.population.book else {
            throw fail("population.portfolio", "a backtest runs the scenario on the lender's book: set population.portfolio to the book as it stood at the history's month 0")
        }
        guard book.sample == nil else {
            throw fail("population.sample", "a backtest compares the whole book with its history; remove population.sample")
        }
        let names = scenario.strategies.map(\.name)
        if let strategy, !names.contains(strategy) {
            throw fail("strategies", "--strategy \(strategy) is not one of the scenario's strategies (\(names.joined(separator: ", ")))")
        }
        guard 30 * history.months <= ScenarioLoader.maxHorizonDays else {
            throw ScenarioError(file: history.file, line: 1, column: 1, field: "month",
                                message: "the history runs \(history.months) months; a run lasts at most \(ScenarioLoader.maxHorizonDays) days (\(ScenarioLoader.maxHorizonDays / 30) months)")
        }
        var chosen: [(book: Int, strategy: String)] = []
        for (index, b) in history.books.enumerated() {
            let name = b.strategy.isEmpty ? (strategy ?? (names.count == 1 ? names[0] : "")) : b.strategy
            guard !name.isEmpty else {
                throw fail("strategies", "the scenario runs \(names.joined(separator: ", ")); say which one the book was collected with: --strategy NAME")
            }
            guard names.contains(name) else {
                throw ScenarioError(file: history.file, line: b.firstLines.first ?? 1, column: 1, field: "strategy",
                                    message: "strategy '\(name)' is not one of the scenario's (\(names.joined(separator: ", ")))")
            }
            if strategy == nil || b.strategy.isEmpty || b.strategy == strategy { chosen.append((index, name)) }
        }
        guard !chosen.isEmpty else { throw fail("strategies", "the history holds no book collected with '\(strategy ?? "")'") }
        try checkMonthZero(history, book: book)
        var s = scenario
        s.strategies = scenario.strategies.filter { st in chosen.contains { $0.strategy == st.name } }
        s.baseline = chosen[0].strategy
        s.horizonDays = 30 * history.months
        return (s, chosen)
    }

    /// Every account of the book is in each of the history's books and the other way round,
    /// with the same days past due and balance at month 0.
    static func checkMonthZero(_ history: AccountHistory, book: AccountBook) throws {
        let ids = try PortfolioReader.accountIds(of: book)
        var row: [String: Int] = [:]
        row.reserveCapacity(ids.count)
        for (i, id) in ids.enumerated() { row[id] = i }
        let dpd = book.column(\.dpd), balance = book.column(\.balance)
        var problems = InputProblems(file: history.file)
        for b in history.books {
            var seen = 0
            for (a, id) in b.ids.enumerated() {
                let line = b.firstLines[a], p = b.points[a][0]
                guard let i = row[id] else {
                    problems.add(line: line, column: 1, field: "account_id", "account '\(id)' is not in the book \(book.path)")
                    continue
                }
                seen += 1
                if p.dpd != dpd[i] {
                    problems.add(line: line, column: 1, field: "days_past_due", "account '\(id)': month 0 has \(p.dpd) days past due, the book \(dpd[i]); month 0 must be the book the backtest runs")
                }
                if abs(p.balance - balance[i]) > Money.settled {
                    problems.add(line: line, column: 1, field: "balance", "account '\(id)': month 0 has a balance of \(p.balance), the book \(balance[i]); month 0 must be the book the backtest runs")
                }
            }
            if seen < ids.count {
                problems.add(line: 1, column: 1, field: "account_id", "\(ids.count - seen) of the book's \(ids.count) accounts have no history\(b.strategy.isEmpty ? "" : " under '\(b.strategy)'")")
            }
        }
        try problems.throwIfAny()
    }

    /// Runs `scenario` (from `prepare`) and compares it with the history's books.
    public static func run(_ scenario: Scenario, books chosen: [(book: Int, strategy: String)], history: AccountHistory, threads: Int?,
                           progress: (@Sendable (RunProgress) -> Void)? = nil) -> Outcome {
        let result = Runner(scenario: scenario, threads: threads).run(progress: progress)
        var books: [BookResult] = []
        for (b, name) in chosen {
            let k = scenario.strategies.firstIndex { $0.name == name }!
            books.append(compare(BookObservation(history.books[b], months: history.months), strategy: name, tallies: result.tallies[k],
                                 horizon: scenario.horizonDays))
        }
        return Outcome(scenario: scenario, historyFile: history.file, months: history.months, replications: scenario.replications, books: books)
    }

    /// One book's aggregates against the simulated replications `tallies`.
    static func compare(_ o: BookObservation, strategy: String, tallies: [Tally], horizon: Int) -> BookResult {
        let r = Double(tallies.count)
        let rows = o.targets().map { target -> Row in
            let statistic = target.statistic(horizon: horizon)
            var m = Moments()
            for t in tallies { let v = statistic.value(t); if v.isFinite { m.add(v) } }
            let sd = m.count > 1 ? m.standardDeviation : 0
            return Row(target: target, simulated: m.mean, simulatedError: m.count > 1 ? m.standardError : 0, simulatedSpread: sd)
        }
        let b = Tally.rollBuckets.count
        // The simulated roll rates: per replication, then averaged.
        var simulatedRolls: [[Double]] = []
        for month in 1...o.months {
            var cells = Array(repeating: 0.0, count: b * b)
            for from in 0..<b {
                for t in tallies {
                    let n = (0..<b).reduce(0) { $0 + t.roll(month: month - 1, from: from, to: $1) }
                    guard n > 0 else { continue }
                    for to in 0..<b { cells[from * b + to] += t.roll(month: month - 1, from: from, to: to) / n / r }
                }
            }
            simulatedRolls.append(cells)
        }
        var blocks: [Block] = []
        // Roll rates: per month, Pearson's χ² of each bucket's observed moves against the
        // simulated rates, inflated by 1 + 1/R for the simulated rates' own error.
        for month in 1...o.months {
            var chi = 0.0, dof = 0
            for from in 0..<(b - 1) {
                let n = o.rollRow(month: month, from: from)
                guard n > 0 else { continue }
                let (c, d) = pearson(observed: (0..<b).map { o.roll(month: month, from: from, to: $0) },
                                     expected: (0..<b).map { simulatedRolls[month - 1][from * b + $0] }, replications: r)
                chi += c; dof += d
            }
            blocks.append(Block(name: "roll rates, month \(month)", strategy: strategy, chiSquare: chi, degreesOfFreedom: dof))
        }
        // When accounts are first seen cured or defaulted: a multinomial over months 1…M and
        // never, among the accounts not seen so at month 0 (the same book on both sides).
        for kind in MonthEndKind.allCases {
            let atStart = o.firstSeen[kind.rawValue][0]
            let at = Double(o.accounts) - atStart
            guard at > 0 else { continue }
            var observed = (1...o.months).map { o.firstSeen[kind.rawValue][$0] }
            observed.append(at - observed.reduce(0, +))
            var expected = Array(repeating: 0.0, count: o.months + 1)
            for t in tallies {
                let base = t.value(.accounts) - t.monthEnd(kind, month: 0)
                guard base > 0 else { continue }
                var sum = 0.0
                for m in 1...o.months { let p = t.monthEnd(kind, month: m) / base; expected[m - 1] += p / r; sum += p }
                expected[o.months] += (1 - sum) / r
            }
            let (c, d) = pearson(observed: observed, expected: expected, replications: r)
            blocks.append(Block(name: "\(kind.name) by month end", strategy: strategy, chiSquare: c, degreesOfFreedom: d))
        }
        // Recovery month by month: z² of each month's collections.
        var chi = 0.0
        var dof = 0
        for month in 1...o.months {
            let observed = o.recovery(in: month)
            var m = Moments()
            for t in tallies {
                let curve = t.curve(.collected), first = curve.startIndex + 30 * (month - 1)
                m.add(curve[first..<(first + 30)].reduce(0, +) / t.value(.outstanding))
            }
            let variance = observed.standardError * observed.standardError + (m.count > 1 ? m.standardError * m.standardError : 0)
            guard variance > 0 else { continue }
            chi += (m.mean - observed.value) * (m.mean - observed.value) / variance
            dof += 1
        }
        blocks.append(Block(name: "recovery by month", strategy: strategy, chiSquare: chi, degreesOfFreedom: dof))
        return BookResult(strategy: strategy, observation: o, rows: rows, blocks: blocks, simulatedRolls: simulatedRolls)
    }

    /// Pearson's χ² of counts `observed` (total n) against shares `expected` estimated from
    /// `replications` simulated books of about the same size: Σ (k − n p)² / (n p (1 + 1/R)),
    /// over the cells either side reaches; a cell the model never reaches but the book does
    /// is given half an account in all the simulated books. Degrees of freedom: cells − 1.
    static func pearson(observed: [Double], expected: [Double], replications r: Double) -> (Double, Int) {
        let n = observed.reduce(0, +)
        guard n > 0 else { return (0, 0) }
        var chi = 0.0, cells = 0
        for (k, p) in zip(observed, expected) where k > 0 || p > 0 {
            let q = max(p, 0.5 / (n * r))
            chi += (k - n * q) * (k - n * q) / (n * q * (1 + 1 / r))
            cells += 1
        }
        return (chi, max(cells - 1, 0))
    }
}
