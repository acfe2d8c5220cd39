import ArgumentParser

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
}
