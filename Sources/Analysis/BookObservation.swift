import CollectionsModel
import Foundation
import Scenario

/// What a monthly account history shows of one book, as the counts and sums its aggregates
/// come from: roll-rate matrices between the model's buckets month by month, when accounts are
/// first seen cured or defaulted at a month end, and what they paid.
///
/// These are measured as the model measures them (`Tally.rolls`, `Tally.monthEnds`, the
/// recovery curve), so `targets()` can be fitted by `collectsim calibrate` and compared by
/// `collectsim backtest` without a difference of definition.
public struct BookObservation: Sendable {
    public let strategy: String
    public let accounts: Int
    /// Months after month 0.
    public let months: Int
    /// Σ balance at month 0.
    public let outstanding: Double
    /// Accounts per [month][from][to], month 0-based (the file's month m + 1 is its end).
    public private(set) var rolls: [Double]
    /// Per `MonthEndKind`: accounts first seen in it at month 0, 1, …, `months`.
    public private(set) var firstSeen: [[Double]]
    /// Per month 1…`months` (index m − 1): Σ paid in the month, Σ paid², Σ paid × balance₀.
    public private(set) var paid: [Double], paidSquares: [Double], paidTimesBalance: [Double]
    /// Per month: the same for the amount paid since month 0.
    public private(set) var cumulativeSquares: [Double], cumulativeTimesBalance: [Double]
    /// Σ balance₀².
    public let balanceSquares: Double

    static let buckets = Tally.rollBuckets.count

    public init(_ book: AccountHistory.Book, months: Int) {
        strategy = book.strategy
        accounts = book.points.count
        self.months = months
        let b = Self.buckets
        rolls = Array(repeating: 0, count: months * b * b)
        var seen = Array(repeating: Array(repeating: 0.0, count: months + 1), count: MonthEndKind.allCases.count)
        paid = Array(repeating: 0, count: months); paidSquares = paid; paidTimesBalance = paid
        cumulativeSquares = paid; cumulativeTimesBalance = paid
        var outstanding = 0.0, balanceSquares = 0.0
        for points in book.points {
            let b0 = points[0].balance
            outstanding += b0
            balanceSquares += b0 * b0
            var state: UInt8 = 0
            Tally.seeMonthEnd(&state, bucket: UInt8(points[0].bucket)) { seen[$0.rawValue][0] += 1 }
            var cumulative = 0.0
            for m in 1...max(months, 1) where m <= months {
                let from = points[m - 1].bucket, to = points[m].bucket
                rolls[((m - 1) * b + from) * b + to] += 1
                Tally.seeMonthEnd(&state, bucket: UInt8(to)) { seen[$0.rawValue][m] += 1 }
                let p = points[m].paid
                cumulative += p
                paid[m - 1] += p; paidSquares[m - 1] += p * p; paidTimesBalance[m - 1] += p * b0
                cumulativeSquares[m - 1] += cumulative * cumulative; cumulativeTimesBalance[m - 1] += cumulative * b0
            }
        }
        firstSeen = seen
        self.outstanding = outstanding
        self.balanceSquares = balanceSquares
    }

    /// Accounts in bucket `from` at the start of month `month` (1-based) and in `to` at its end.
    public func roll(month: Int, from: Int, to: Int) -> Double { rolls[((month - 1) * Self.buckets + from) * Self.buckets + to] }
    /// Accounts in bucket `from` at the start of month `month` (1-based).
    public func rollRow(month: Int, from: Int) -> Double { (0..<Self.buckets).reduce(0) { $0 + roll(month: month, from: from, to: $1) } }

    /// Share of accounts first seen in `kind` by the end of month `month` (0: at the start).
    public func seenShare(_ kind: MonthEndKind, by month: Int) -> Double {
        firstSeen[kind.rawValue].prefix(month + 1).reduce(0, +) / Double(accounts)
    }

    /// Recovery by the end of month `month`: paid since month 0 over the balance at month 0,
    /// with the ratio estimator's standard error, √Σ(cᵢ − R bᵢ)² / Σbᵢ.
    public func recovery(by month: Int) -> (value: Double, standardError: Double) {
        let c = paid.prefix(month).reduce(0, +)
        let r = c / outstanding
        let ss = cumulativeSquares[month - 1] - 2 * r * cumulativeTimesBalance[month - 1] + r * r * balanceSquares
        return (r, max(ss, 0).squareRoot() / outstanding)
    }

    /// Recovery during month `month` alone, with its standard error, as `recovery(by:)`.
    public func recovery(in month: Int) -> (value: Double, standardError: Double) {
        let r = paid[month - 1] / outstanding
        let ss = paidSquares[month - 1] - 2 * r * paidTimesBalance[month - 1] + r * r * balanceSquares
        return (r, max(ss, 0).squareRoot() / outstanding)
    }

    /// A share k/n's standard error √(p̃(1 − p̃)/n), with p̃ = (k + ½)/(n + 1) so that a share
    /// of 0 or 1, common for rare moves in small buckets, still has an error to weight it by.
    public static func shareError(_ k: Double, of n: Double) -> Double {
        let p = (k + 0.5) / (n + 1)
        return (p * (1 - p) / n).squareRoot()
    }

    /// The aggregates as `collectsim calibrate` reads them (`ObservedData`): every roll rate of
    /// every month from each bucket that held accounts at its start (settled excepted: it
    /// stays settled), the shares first seen cured and defaulted at month ends, and the
    /// recovery curve at each month's end (day 30·m).
    public func targets() -> [ObservedTarget] {
        var out: [ObservedTarget] = []
        func add(_ kind: ObservedTarget.Kind, _ name: String, _ period: Int, _ value: Double, _ se: Double) {
            out.append(ObservedTarget(kind: kind, name: name, period: period, value: value, standardError: se, strategy: strategy,
                                      group: ReportGroups.all, groupIndex: 0, source: "", line: 0))
        }
        let names = Tally.rollBuckets
        for m in 1...max(months, 1) where m <= months {
            for from in 0..<(Self.buckets - 1) {
                let n = rollRow(month: m, from: from)
                guard n > 0 else { continue }
                for to in 0..<Self.buckets {
                    let k = roll(month: m, from: from, to: to)
                    add(.roll, "\(names[from])>\(names[to])", m, k / n, Self.shareError(k, of: n))
                }
            }
        }
        for kind in MonthEndKind.allCases {
            for m in 1...max(months, 1) where m <= months {
                let p = seenShare(kind, by: m)
                add(.monthEnd, kind.name, m, p, Self.shareError(p * Double(accounts), of: Double(accounts)))
            }
        }
        for m in 1...max(months, 1) where m <= months {
            let r = recovery(by: m)
            if r.standardError > 0 { add(.curve, CurveKind.collected.name, 30 * m, r.value, r.standardError) }
        }
        return out
    }
}
