import Dispatch
import Foundation
import Scenario

/// How long a piece of work will take on this machine, estimated before it starts from a short
/// trial: the first blocks of the scenario itself, every strategy, on one thread. A trial of the
/// real scenario measures what a formula would miss (the horizon's shape, the strategies'
/// contact density, the population's delinquency); its set-up (quantile tables) is counted too,
/// so the estimate errs on the long side.
public struct WorkEstimate: Sendable {
    /// Borrower-days the work simulates.
    public let borrowerDays: Double
    /// Seconds per borrower-day on one thread, as the trial measured.
    public let secondsPerBorrowerDay: Double
    /// Seconds the trial took.
    public let trialSeconds: Double
    public let threads: Int

    /// Wall seconds on `threads` threads, taking the work to scale with threads (its blocks are
    /// independent of each other).
    public var seconds: Double { borrowerDays * secondsPerBorrowerDay / Double(max(threads, 1)) }

    public init(borrowerDays: Double, secondsPerBorrowerDay: Double, trialSeconds: Double, threads: Int) {
        self.borrowerDays = borrowerDays; self.secondsPerBorrowerDay = secondsPerBorrowerDay
        self.trialSeconds = trialSeconds; self.threads = threads
    }

    /// Blocks the trial runs: enough to leave one-off costs behind, few enough to take well
    /// under a second on the default scenario.
    public static let trialBlocks = 2

    /// Runs the trial on `scenario` and scales it to `borrowerDays` on `threads` threads.
    public static func measure(_ scenario: Scenario, borrowerDays: Double, threads: Int) -> WorkEstimate {
        let runner = Runner(scenario: scenario, threads: 1)
        let perReplication = (scenario.population.size + runner.blockSize - 1) / runner.blockSize
        let blocks = min(trialBlocks, perReplication)
        let start = DispatchTime.now()
        runner.runBlocks(units: 0..<blocks) { _ in }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        let accounts = min(scenario.population.size, blocks * runner.blockSize)
        let trialDays = Double(accounts) * Double(scenario.horizonDays) * Double(scenario.strategies.count)
        return WorkEstimate(borrowerDays: borrowerDays, secondsPerBorrowerDay: seconds / max(trialDays, 1),
                            trialSeconds: seconds, threads: threads)
    }

    /// "3 h 20 min", "12 min", "40 s", "2.5 days".
    public static func duration(_ seconds: Double) -> String {
        if !seconds.isFinite { return "forever" }
        if seconds < 60 { return "\(Int(seconds.rounded(.up))) s" }
        if seconds < 3600 { return "\(Int((seconds / 60).rounded())) min" }
        if seconds < 48 * 3600 {
            let h = Int(seconds / 3600), m = Int((seconds - Double(h) * 3600) / 60)
            return m == 0 ? "\(h) h" : "\(h) h \(m) min"
        }
        let days = seconds / 86400
        return days < 10 ? "\((days * 10).rounded() / 10) days" : String(format: "%.0f days", days)
    }
}
