import Analysis
import ArgumentParser
import Foundation
import Storage
import Reports
import Scenario

struct Observe: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Turn an account-level monthly history into the observed aggregates `collectsim calibrate` fits.",
        discussion: """
        The history (docs/portfolio.md, "Account histories") gives each account's days past due, balance and \
        payments at month 0 and at the end of each 30-day month after it. Written: every roll rate between the \
        model's buckets, month by month, with its standard error; the shares of accounts first seen cured and \
        defaulted at month ends; and the recovery curve at each month's end, in the observed-file format of \
        `collectsim calibrate --observed` (docs/experiments.md).
        """)

    @Argument(help: "The history file (CSV).")
    var history: String

    @Option(help: "The observed file to write.")
    var out: String

    @Option(parsing: .upToNextOption, help: "Columns of the history to skip.")
    var ignoreColumns: [String] = []

    @Flag(help: "Replace an existing file.")
    var force = false

    func run() throws {
        let url = URL(fileURLWithPath: out)
        if FileManager.default.fileExists(atPath: url.path) && !force {
            FileHandle.standardError.write(Data("error: \(out) exists; choose another --out, or add --force to replace it\n".utf8))
            throw ExitCode(73)
        }
        let read = try readHistory(history, ignore: ignoreColumns)
        let observations = read.books.map { BookObservation($0, months: read.months) }
        let targets = observations.flatMap { $0.targets() }
        try AtomicFile.write(ObservedData.csv(targets), to: url)
        let books = observations.map { o in (o.strategy.isEmpty ? "" : "\(o.strategy): ") + "\(o.accounts) accounts" }.joined(separator: "; ")
        print("Observed \(books) over \(read.months) months of \(history): \(targets.count) aggregates written to \(url.path).")
    }
}

/// Reads a history file; its errors are printed as `file:line:column: error: …` and exit with
/// status 65 (data error).
func readHistory(_ path: String, ignore: [String]) throws -> AccountHistory {
    do {
        return try HistoryReader.read(URL(fileURLWithPath: path), name: path, ignore: ignore)
    } catch let e as ScenarioError {
        FileHandle.standardError.write(Data("\(e)\n".utf8))
        throw ExitCode(65)
    }
}
