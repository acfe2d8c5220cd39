import Analysis
import ArgumentParser
import Engine
import Experiments
import Foundation
import Reports
import Scenario

struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Run a scenario on a lender's book as it stood at a history's month 0 and compare it with what happened.",
        discussion: """
        The scenario's population must be the book (`population: {portfolio: book.csv}`) whose accounts the history \
        follows, month 0 equal to the book. The run lasts the history's months; its roll rates, cures, defaults and \
        recovery at month ends are set beside the history's, with 95% intervals and a χ² per family, in backtest.csv, \
        fit.csv and report.html (docs/portfolio.md, "Backtests").
        """)

    @Argument(help: "Scenario file whose population is the book at month 0.")
    var scenario: String

    @Option(help: "The account history (CSV).")
    var history: String

    @Option(help: "The strategy the book was collected with (needed when the scenario has several and the history no strategy column).")
    var strategy: String?

    @Option(help: "Replications (overrides the scenario's).")
    var replications: Int?

    @Option(help: "Output folder (default: <output.dir>/<name>-backtest).")
    var out: String?

    @Option(parsing: .upToNextOption, help: "Columns of the history to skip.")
    var ignoreColumns: [String] = []

    @Option(help: "Worker threads (default: all cores). Results are identical for any value.")
    var threads: Int?

    @Flag(help: "Replace the contents of an --out folder that holds a backtest.")
    var force = false

    @Flag(help: "Do not print the progress bar.")
    var quiet = false

    func validate() throws {
        try validateThreads(threads)
        if let r = replications, r < 2 { throw ValidationError("--replications must be at least 2 (the simulated side needs an error).") }
    }

    func run() throws {
        var base = try loadScenario(scenario)
        if let replications { base.replications = replications }
        let read = try readHistory(history, ignore: ignoreColumns)
        let s: Scenario, books: [(book: Int, strategy: String)]
        do {
            (s, books) = try Backtest.prepare(base, history: read, strategy: strategy)
        } catch let e as ScenarioError {
            FileHandle.standardError.write(Data("\(e)\n".utf8))
            throw ExitCode(65)
        }
        try refuseBeyondMemory(s)
        let folder = try claim {
            try OutputFolder.claimNew(explicit: out, defaultPath: "\(s.output.directory)/\(s.name)-backtest", workFolder: "backtest.csv",
                                      force: force, command: "collectsim backtest")
        }
        let bar = ProgressBar(enabled: !quiet && isatty(STDERR_FILENO) != 0)
        let outcome = Backtest.run(s, books: books, history: read, threads: threads, progress: { bar.update($0) })
        bar.finish()
        try BacktestReport.write(outcome, to: folder.url)
        let total = outcome.total
        print(String(format: "Backtest of %d months: χ² %.1f on %d degrees of freedom (p = %.3g).", outcome.months, total.chiSquare,
                     total.degreesOfFreedom, total.pValue))
        for block in outcome.books.flatMap(\.blocks) where block.degreesOfFreedom > 0 && block.pValue < 0.001 {
            print("  \(block.strategy): \(block.name) differs from the book (p < 0.001).")
        }
        print("Results written to \(folder.url.path)")
    }
}
