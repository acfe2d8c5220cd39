import ArgumentParser
import Foundation
import Reports

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Rebuild report.html, report.md and analysis.ipynb of a run folder from its files.")

    @Argument(help: "Run folder (written by `collectsim run`).")
    var runFolder: String

    func run() throws {
        let dir = URL(fileURLWithPath: runFolder)
        let data: ReportData
        do {
            data = try ReportData.load(from: dir)
        } catch {
            FileHandle.standardError.write(Data("\(runFolder): error: not a complete run folder (summary.json, metrics.csv, comparison.csv and curves.csv are needed): \(error.localizedDescription)\n".utf8))
            throw ExitCode(66)
        }
        try RunWriter.writeReports(data, to: dir)
        print("Wrote report.html, report.md and analysis.ipynb in \(dir.path)")
    }
}
