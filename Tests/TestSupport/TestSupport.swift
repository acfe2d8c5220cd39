import Analysis
import Engine
import Foundation
import Scenario

/// Helpers shared by the test targets: run a scenario written inline, read results.
public enum TestRun {
    /// Parses YAML (failing the test on a scenario error) and runs it.
    public static func analyze(_ yaml: String, threads: Int? = nil, file: String = "<test scenario>") throws -> AnalysisResult {
        let scenario = try ScenarioLoader.parse(yaml: yaml, file: file)
        return Analyzer.analyze(Runner(scenario: scenario, threads: threads).run())
    }

    public static func run(_ yaml: String, threads: Int? = nil) throws -> RunResult {
        Runner(scenario: try ScenarioLoader.parse(yaml: yaml, file: "<test scenario>"), threads: threads).run()
    }

    /// A fresh empty temporary folder.
    public static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("collectsim-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
