import ArgumentParser
import Scenario

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check a scenario file and print what it resolves to.")

    @Argument(help: "Scenario file (YAML).")
    var scenario: String

    @Flag(help: "Print the resolved scenario (every default filled in).")
    var resolved = false

    func run() throws {
        let s = try loadScenario(scenario)
        printWarnings(s)
        if resolved {
            print(ScenarioWriter.yaml(s), terminator: "")
        } else {
            print("\(scenario): OK — '\(s.name)': \(counted(s.strategies.count, "strategy", "strategies")) (\(s.strategies.map(\.name).joined(separator: ", "))), baseline \(s.baseline), \(counted(s.replications, "replication")) × \(counted(s.population.size, "account")) × \(counted(s.horizonDays, "day"))")
        }
    }
}
