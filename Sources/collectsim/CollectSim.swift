import ArgumentParser
import Foundation
import Storage
import Reports

@main
struct CollectSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collectsim",
        abstract: "Monte Carlo workbench for debt-collection strategies.",
        discussion: """
        Runs YAML scenarios of borrower populations under collection strategies and compares them \
        with common random numbers and confidence intervals. `collectsim run` with no file runs the \
        built-in default scenario.
        """,
        version: "0.1.0",
        subcommands: [Run.self, Sweep.self, Sensitivity.self, Optimize.self, Calibrate.self, Observe.self, BacktestCommand.self, Merge.self, Slurm.self, Portfolio.self, Report.self, Runs.self, Validate.self, Strategies.self, Schema.self, Parameters.self]
    )

    /// As ArgumentParser's `main`, except that a file that could not be written (a full disk, a
    /// read-only folder, a name too long) is said in words naming the file, with exit status 74
    /// (EX_IOERR), instead of Foundation's `NSCocoaErrorDomain Code=640` and status 1.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if FileWriteError.isWriteFailure(error) {
                FileHandle.standardError.write(Data("error: \(FileWriteError.from(error, path: "a file"))\n".utf8))
                Foundation.exit(74)
            }
            exit(withError: error)
        }
    }
}
