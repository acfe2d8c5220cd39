import ArgumentParser
import Scenario

struct Strategies: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the built-in strategies.")

    @Flag(help: "Print each strategy's rules as YAML.")
    var rules = false

    func run() throws {
        for s in ScenarioLoader.builtinStrategies() {
            print("\(s.name)\n  \(s.description)")
            if rules {
                print(ScenarioWriter.rules(s.rules, indent: "    "), terminator: "")
            }
            print()
        }
    }
}
