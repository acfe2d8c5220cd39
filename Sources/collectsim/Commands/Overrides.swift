import ArgumentParser
import Foundation
import Scenario

/// The command-line overrides `run` and every experiment command take, so a study can be shrunk
/// or varied without editing its YAML. The scenario saved in the output folder records the values
/// the work ran with, so `--resume` and a re-run of that file need no flags.
struct OverrideOptions: ParsableArguments {
    @Option(name: .customLong("set"),
            help: ArgumentHelp("Set a numeric field of the scenario, in the experiments' path syntax (model.capacity.macro_stress=1.2, strategies.graded.rules[2].every_days=5, population.segments.low_income.weight=0.4); repeatable.",
                               valueName: "PATH=VALUE"))
    var assignments: [String] = []

    @Option(help: "Seed (overrides the scenario's).")
    var seed: UInt64?

    @Option(help: "Replications (overrides the scenario's; for an experiment, its replications per evaluation).")
    var replications: Int?

    @Option(help: "Population size (overrides the scenario's; for an experiment, its accounts per evaluation).")
    var population: Int?

    var isEmpty: Bool { assignments.isEmpty && seed == nil && replications == nil && population == nil }

    func validate() throws {
        if let r = replications, r < 1 { throw ValidationError("--replications must be at least 1.") }
        if let p = population, p < 1 || p > ScenarioLoader.maxPopulation {
            throw ValidationError("--population must be between 1 and \(ScenarioLoader.maxPopulation).")
        }
        _ = try parsedAssignments()
    }

    /// The `--set` arguments parsed; a malformed one is a usage error naming it.
    func parsedAssignments() throws -> [ScenarioOverride] {
        try assignments.map { text in
            do {
                return try ScenarioOverride(argument: text)
            } catch let e as ScenarioPath.PathError {
                throw ValidationError("--set \(text.prefix(300)): \(e.message)")
            }
        }
    }

    /// The scenario with the overrides applied: `--set` first, then the seed and sizes (the
    /// scenario's own for `run`, the experiment's per-evaluation sizes for an experiment). What
    /// results is checked as the file that will be saved; a refusal names the flag and exits 64.
    func apply(to scenario: Scenario, experiment: Bool) throws -> Scenario {
        guard !isEmpty else { return scenario }
        var s: Scenario
        do {
            s = try ScenarioOverride.apply(parsedAssignments(), to: scenario)
        } catch let e as ScenarioError {
            let given = assignments.first { $0.hasPrefix(e.field + "=") || $0.hasPrefix(e.field + " ") } ?? e.field
            FileHandle.standardError.write(Data("error: --set \(given.prefix(300)): \(e.message)\n".utf8))
            throw ExitCode(64)
        }
        if let seed { s.seed = seed }
        if experiment, s.experiment != nil {
            if let replications { s.experiment!.replications = replications }
            if let population { s.experiment!.population = population }
        } else {
            if let replications { s.replications = replications }
            if let population { s.population.size = population }
        }
        try refuseUnloadable(s)
        return s
    }
}
