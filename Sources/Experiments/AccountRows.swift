import CollectionsModel
import Engine
import Foundation
import Scenario
import Storage

/// One replication's rows of accounts.csv, in the order the runner hands them over (block by
/// block, every strategy of a block in turn), which is the same for any thread count.
public final class AccountRows: @unchecked Sendable {
    public static let header = "strategy,replication,account,segment,grade,entry_stage,entry_balance,default_event,days_to_default,cure_event,days_to_cure,collected,complaints\n"

    private let lock = NSLock()
    private var out = ""
    private var historyOut = ""
    private var historyStream: AtomicFile.Stream?
    private var historyError: Error?
    private let exportsAccounts: Bool
    private var next: [Int]
    private let strategies: [String], segments: [String], horizon: Int
    /// A lender's book's account ids, CSV-quoted, by account number (nil: the number is the id).
    private let ids: [String]?

    /// `ids`: the lender's ids of a book's accounts (`lenderIds`), read once for a whole run.
    public init(_ scenario: Scenario, ids: [String]?) {
        self.ids = ids
        exportsAccounts = scenario.output.exportAccounts
        strategies = scenario.strategies.map { CSVRecords.field($0.name) }
        segments = scenario.population.segments.map { CSVRecords.field($0.name) }
        horizon = scenario.horizonDays
        next = Array(repeating: 0, count: scenario.strategies.count)
    }

    /// Days to an event counted so that day 1 is the first simulated day: 0 when it held at
    /// entry, the horizon (event 0, censored) when it never happened.
    func duration(_ day: Int) -> (Int, Int) {
        if day == Int(Int32.max) { return (0, horizon) }
        return (1, day < 0 ? 0 : day + 1)
    }

    /// The CSV-quoted account ids of the scenario's book, by account number; nil for a generated
    /// population. Throws when the file no longer holds the accounts the scenario read.
    public static func lenderIds(_ scenario: Scenario) throws -> [String]? {
        try scenario.population.book.map { try PortfolioReader.accountIds(of: $0).map(CSVRecords.field) }
    }

    /// The row of account number `account` (its index in the replication's population; for a
    /// lender's book, the row's account id).
    public func line(strategy s: Int, replication: Int, account: Int, _ o: AccountOutcome) -> String {
        let d = duration(o.defaultDay), c = duration(o.cureDay)
        let stage = EntryStage(rawValue: o.entryStage)?.name ?? ""
        let id = ids?[account] ?? String(account)
        return "\(strategies[s]),\(replication),\(id),\(segments[o.segment]),\(Grade.allCases[o.grade].name),\(stage),"
            + "\(CSVRecords.number(o.entryBalance)),\(d.0),\(d.1),\(c.0),\(c.1),\(CSVRecords.number(o.collected)),\(o.complaints)\n"
    }

    /// The history rows (`HistoryWriter`) of account number `account`; empty when its outcome
    /// carries no history (a replication after the first).
    public func historyLines(strategy s: Int, account: Int, _ o: AccountOutcome) -> String {
        o.history.isEmpty ? "" : HistoryWriter.rows(strategy: strategies[s], id: ids?[account] ?? String(account), o.history)
    }

    func add(strategy s: Int, replication: Int, _ o: AccountOutcome) {
        lock.lock(); defer { lock.unlock() }
        if exportsAccounts { out += line(strategy: s, replication: replication, account: next[s], o) }
        historyOut += historyLines(strategy: s, account: next[s], o)
        next[s] += 1
        if let historyStream, historyError == nil, historyOut.utf8.count >= 4 << 20 {
            do { try historyStream.write(Data(historyOut.utf8)) } catch { historyError = error }
            historyOut = ""
        }
    }

    /// Writes history rows to `stream` as they come instead of keeping them.
    func streamHistory(to stream: AtomicFile.Stream) { lock.withLock { historyStream = stream } }

    /// Writes the history rows not yet written; throws what a write met.
    func finishHistory() throws {
        try lock.withLock {
            if let historyError { throw historyError }
            try historyStream?.write(Data(historyOut.utf8))
            historyOut = ""
        }
    }

    func text() -> String { lock.withLock { out } }
}
