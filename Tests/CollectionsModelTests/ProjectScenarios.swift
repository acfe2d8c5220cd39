import CollectionsModel
import Engine
import Scenario
import XCTest

/// The project's scenario files (`scenarios/`, at least one per seed system), each with its
/// model compiled as a run compiles it: the engine tests that must hold for every scenario a
/// researcher starts from run over these.
enum ProjectScenarios {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scenarios")

    /// The file names, sorted; fails the test when fewer than the nine the project ships.
    static func files() throws -> [String] {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 9)
        return files
    }

    static func load(_ file: String) throws -> (scenario: Scenario, model: ModelParameters) {
        let scenario = try ScenarioLoader.load(path: folder.appendingPathComponent(file).path)
        return (scenario, Runner(scenario: scenario).compiledModel())
    }

    /// A simulator holding the first block (1,024 accounts) of a scenario's population, seed 11;
    /// `configure` sets its switches before the population is drawn.
    static func simulator(_ model: ModelParameters, _ configure: (BlockSimulator) -> Void = { _ in }) -> BlockSimulator {
        let simulator = BlockSimulator(model: model, blockSize: 1024)
        configure(simulator)
        simulator.preparePopulation(seed: 11, replication: 0, first: 0, count: 1024)
        return simulator
    }
}
