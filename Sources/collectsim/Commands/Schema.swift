import ArgumentParser
import Scenario

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a JSON Schema of the scenario format, for editors.")

    func run() throws {
        print(ScenarioSchema.json())
    }
}
