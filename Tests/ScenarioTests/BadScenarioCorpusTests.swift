import Analysis
import Foundation
import Scenario
import XCTest

/// The corpus of bad scenario files in `BadScenarios/`: each `NAME.yaml` must be refused with
/// exactly the error in `NAME.expected` (file written as FILE; `{any}` stands for a part that
/// depends on the machine, such as its memory).
final class BadScenarioCorpusTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("BadScenarios")

    func testEveryBadScenarioGivesItsExactError() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 50)
        for name in names {
            let path = Self.folder.appendingPathComponent(name).path
            let expectedPath = String(path.dropLast(5)) + ".expected"
            let expected = try String(contentsOfFile: expectedPath, encoding: .utf8).trimmingCharacters(in: .newlines)
            do {
                let scenario = try ScenarioLoader.load(path: path)
                try PrecisionRun.validate(scenario)
                XCTFail("\(name) loaded; expected \(expected)")
            } catch let e as ScenarioError {
                XCTAssertEqual(e.file, path, name)
                let got = e.description.replacingOccurrences(of: path, with: "FILE")
                XCTAssertTrue(Self.matches(got, expected), "\(name):\n  got      \(got)\n  expected \(expected)")
            }
        }
    }

    /// Whether `text` equals `pattern`, where each `{any}` in the pattern matches any text.
    static func matches(_ text: String, _ pattern: String) -> Bool {
        let parts = pattern.components(separatedBy: "{any}")
        guard parts.count > 1 else { return text == pattern }
        guard text.hasPrefix(parts[0]), text.hasSuffix(parts[parts.count - 1]) else { return false }
        var rest = text.dropFirst(parts[0].count)
        for part in parts.dropFirst().dropLast() {
            guard let r = rest.range(of: part) else { return false }
            rest = rest[r.upperBound...]
        }
        return rest.count >= parts[parts.count - 1].count
    }

    func testAnyPlaceholderMatching() {
        XCTAssertTrue(Self.matches("machine's 24.0 GiB; use", "machine's {any}; use"))
        XCTAssertFalse(Self.matches("machine's 24.0 GiB; use", "machine's {any}; used"))
        XCTAssertFalse(Self.matches("a b", "a c"))
    }
}
