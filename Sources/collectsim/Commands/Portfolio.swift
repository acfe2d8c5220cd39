import ArgumentParser
import CollectionsModel
import Engine
import Foundation
import Storage
import Reports
import Scenario

struct Portfolio: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a synthetic portfolio file: the scenario's generated accounts as a lender's book.",
        discussion: """
        The accounts of the scenario's population (the default scenario's when none is given), one row each, in the \
        format `population: {portfolio: FILE}` reads (docs/portfolio.md): a book to test with, and a template to fill \
        with real data.
        """)

    @Argument(help: "Scenario file (default: the built-in default scenario).")
    var scenario: String?

    @Option(help: "Number of accounts (default: the scenario's population size).")
    var size: Int?

    @Option(help: "Seed of the draws (default: the scenario's).")
    var seed: UInt64?

    @Option(help: "The CSV file to write.")
    var out: String

    @Flag(help: "Replace an existing file.")
    var force = false

    func validate() throws {
        if let size, !(1...ScenarioLoader.maxPopulation).contains(size) {
            throw ValidationError("--size must be from 1 to \(ScenarioLoader.maxPopulation).")
        }
    }

    func run() throws {
        var s = try loadScenario(scenario)
        guard s.population.book == nil else {
            FileHandle.standardError.write(Data("error: \(scenario ?? "the scenario") already takes its accounts from \(s.population.book!.path); give a scenario with a generated population\n".utf8))
            throw ExitCode(64)
        }
        if let size { s.population.size = size }
        if let seed { s.seed = seed }
        let url = URL(fileURLWithPath: out)
        if FileManager.default.fileExists(atPath: url.path) && !force {
            FileHandle.standardError.write(Data("error: \(out) exists; choose another --out, or add --force to replace it\n".utf8))
            throw ExitCode(73)
        }
        let model = Runner(scenario: s).compiledModel()
        let segments = s.population.segments.map(\.name)
        let file = try AtomicFile.Stream(url)
        do {
            try file.write(Data(PortfolioWriter.header.utf8))
            let block = 65_536
            for first in stride(from: 0, to: s.population.size, by: block) {
                let accounts = SyntheticBook.accounts(model: model, seed: s.seed, first: first, count: min(block, s.population.size - first))
                try file.write(Data(PortfolioWriter.rows(accounts, segments: segments).utf8))
            }
            try file.commit()
        } catch {
            file.abandon()
            throw error
        }
        print("Wrote \(s.population.size) accounts of '\(s.name)' (seed \(s.seed)) to \(url.path).")
    }
}
