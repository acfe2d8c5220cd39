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

    /// YAML for a `segments:` block with one segment of one grade and no capacity shocks, for
    /// analytic cases where every borrower must be alike. `indent` is the block's indentation.
    public static func neutralSegment(grade: Int, indent: String = "    ") -> String {
        let weights = (0..<5).map { $0 == grade ? "1" : "0" }.joined(separator: ", ")
        return """
        \(indent)segments:
        \(indent)  only:
        \(indent)    weight: 1
        \(indent)    grade_weights: [\(weights)]
        \(indent)    propensity_shift: 0
        \(indent)    hardship_rate: 0
        \(indent)    recovery_rate: 0
        \(indent)    initial_hardship_current: 0
        \(indent)    initial_hardship_delinquent: 0
        """
    }

    /// The `collectsim` executable built beside the test bundle.
    public static var collectsimBinary: URL {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [dir, dir.deletingLastPathComponent()].map { $0.appendingPathComponent("collectsim") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    /// A fresh empty temporary folder.
    public static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("collectsim-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
