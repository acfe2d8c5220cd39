import Analysis
import Foundation
import Scenario
import TestSupport
import XCTest

/// `collectsim schema` and the loader agree: the schema accepts every scenario of the
/// repository and the resolved form the writer gives each (dotted model keys included), and
/// refuses the bad-scenario corpus except where the loader's reason is one no JSON Schema can
/// state. (`ExperimentReportTests` checks optimized.yaml and fitted.yaml the same way.)
final class SchemaAgreementTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func schemaFile() throws -> URL {
        let url = TestRun.temporaryDirectory().appendingPathComponent("scenario.schema.json")
        try ScenarioSchema.json().write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// The scenario files of the repository, and every complete scenario (one with a `name`)
    /// shown in a `yaml` block of the README or the docs.
    func repositoryScenarios() throws -> [URL] {
        var files: [URL] = []
        let scenarios = Self.root.appendingPathComponent("scenarios")
        for case let path as String in FileManager.default.enumerator(atPath: scenarios.path)! where path.hasSuffix(".yaml") {
            files.append(scenarios.appendingPathComponent(path))
        }
        let docs = try ["README.md"] + FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("docs").path)
            .filter { $0.hasSuffix(".md") }.map { "docs/" + $0 }
        let out = TestRun.temporaryDirectory()
        for doc in docs {
            let text = try String(contentsOf: Self.root.appendingPathComponent(doc), encoding: .utf8)
            for (i, block) in text.components(separatedBy: "```yaml\n").dropFirst().enumerated() {
                let yaml = block.components(separatedBy: "```")[0]
                guard yaml.hasPrefix("name:") || yaml.contains("\nname:") else { continue }
                let file = out.appendingPathComponent("\(doc.replacingOccurrences(of: "/", with: "_"))-\(i).yaml")
                try yaml.write(to: file, atomically: true, encoding: .utf8)
                files.append(file)
            }
        }
        return files
    }

    func testTheSchemaAcceptsEveryScenarioOfTheRepositoryAndTheResolvedFormOfEach() throws {
        let sources = try repositoryScenarios()
        XCTAssertGreaterThan(sources.count, 15)
        let dir = TestRun.temporaryDirectory()
        var files = sources
        for (i, source) in sources.enumerated() {
            // A documented portfolio scenario names a book the docs do not ship.
            if try String(contentsOf: source, encoding: .utf8).contains("portfolio: book.csv") { continue }
            let scenario = try ScenarioLoader.load(path: source.path)
            let resolved = dir.appendingPathComponent("\(i)-\(source.deletingPathExtension().lastPathComponent).resolved.yaml")
            try ScenarioWriter.yaml(scenario).write(to: resolved, atomically: true, encoding: .utf8)
            files.append(resolved)
        }
        let results = try SchemaValidation.validate(files, schema: try schemaFile())
        XCTAssertEqual(results.count, files.count)
        for file in files { XCTAssertEqual(results[file.path], "OK", file.lastPathComponent) }
    }

    /// Bad scenarios the schema cannot refuse, and why: the loader's reason needs more than one
    /// field, the names of other things, the model's semantics, or Unicode rules.
    static let beyondASchema: [String: String] = [
        "contradictory-rule-overdue-before-due": "rule semantics", "extends-cycle": "strategy graph",
        "holiday-beyond-horizon": "depends on horizon_days", "name-escape-sequence": "Unicode rules",
        "name-lookalike": "Unicode rules", "name-mixed-scripts": "Unicode rules", "name-null-strategy": "YAML null as a key",
        "name-right-to-left-override": "Unicode rules", "name-segment-tab": "Unicode rules", "name-zero-width": "Unicode rules",
        "non-utf8-bom-utf16": "encoding (PyYAML reads UTF-16)", "precision-unknown-metric": "metric names",
        "range-dpd-reversed": "order of two items", "rule-charged-off-before-due": "rule semantics",
        "rule-charged-off-below-overridden-chargeoff": "rule semantics", "rule-not-charged-off-beyond-chargeoff": "rule semantics",
        "rules-after-unreachable": "rule semantics", "segment-weights-not-one": "a sum over segments",
        "unknown-baseline": "strategy names", "unknown-extends": "strategy names", "unknown-segment-in-rule": "segment names",
        "unreachable-rule": "rule semantics",
    ]

    func testTheSchemaRefusesTheBadScenarioCorpusWhereverASchemaCan() throws {
        let folder = BadScenarioCorpusTests.folder
        // Files whose YAML itself is bad (syntax, aliases, encoding) never reach a schema; PyYAML
        // would expand the alias bombs.
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".yaml") && !$0.hasPrefix("yaml-") && !$0.hasPrefix("non-utf8-bytes") }.sorted()
            .map { folder.appendingPathComponent($0) }
        let results = try SchemaValidation.validate(files, schema: try schemaFile())
        let accepted = Set(files.filter { results[$0.path] == "OK" }.map { $0.deletingPathExtension().lastPathComponent })
        XCTAssertEqual(accepted.subtracting(Self.beyondASchema.keys).sorted(), [], "the schema accepts what the loader refuses")
        XCTAssertEqual(Set(Self.beyondASchema.keys).subtracting(accepted).sorted(), [], "the schema now refuses these: take them off the list")
        // The loader refuses every one of them (BadScenarioCorpusTests checks the exact error).
        for file in files { XCTAssertThrowsError(try PrecisionRun.validate(ScenarioLoader.load(path: file.path)), file.lastPathComponent) }
    }

    func testTheSchemaRefusesWhatTheLoaderRefusesOnTypeAndRange() throws {
        // The issue's cases: a fractional term and a negative balance passed the schema.
        let dir = TestRun.temporaryDirectory()
        let cases = ["term_months_min: 6.5", "balance_median: -5", "weight: 1.5", "complaint_multiplier: -1"]
        var files: [URL] = []
        for (i, line) in cases.enumerated() {
            let file = dir.appendingPathComponent("case-\(i).yaml")
            // A segment the defaults name needs its weight; the case under test may be that weight.
            let fields = line.hasPrefix("weight") ? [line] : [line, "weight: 1"]
            try ("name: x\npopulation:\n  segments:\n    salaried:\n" + fields.map { "      \($0)\n" }.joined())
                .write(to: file, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try ScenarioLoader.load(path: file.path), line)
            files.append(file)
        }
        let results = try SchemaValidation.validate(files, schema: try schemaFile())
        for (file, line) in zip(files, cases) {
            XCTAssertTrue(results[file.path]?.hasPrefix("population/segments/salaried/") == true, "\(line): \(results[file.path] ?? "nil")")
        }
    }

    func testEveryFieldOutsideStrategiesAndExperimentsHasADescription() throws {
        let schema = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(ScenarioSchema.json().utf8)) as? [String: Any])
        var undescribed: [String] = []
        func walk(_ node: [String: Any], _ path: String) {
            let properties = node["properties"] as? [String: Any]
            let entries = node["additionalProperties"] as? [String: Any]
            if properties == nil && entries == nil && node["description"] == nil { undescribed.append(path) }
            for (key, child) in properties ?? [:] { if let child = child as? [String: Any] { walk(child, path.isEmpty ? key : path + "." + key) } }
            if let entries { walk(entries, path + ".*") }
        }
        for (key, child) in schema["properties"] as! [String: Any] where !["strategies", "experiment"].contains(key) {
            walk(child as! [String: Any], key)
        }
        // Rules, conditions and experiments are described in docs/ and by their parents.
        XCTAssertEqual(undescribed.sorted(), [])
    }
}
