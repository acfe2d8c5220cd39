import Foundation
import Scenario
import XCTest

/// Each kind of bad input gives one error naming file, line, column, field and expectation.
final class BadInputTests: XCTestCase {
    func error(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) -> ScenarioError? {
        do {
            _ = try ScenarioLoader.parse(yaml: yaml, file: "bad.yaml")
            XCTFail("expected an error", file: file, line: line)
            return nil
        } catch let e as ScenarioError {
            XCTAssertEqual(e.file, "bad.yaml", file: file, line: line)
            return e
        } catch {
            XCTFail("expected a ScenarioError, got \(error)", file: file, line: line)
            return nil
        }
    }

    func check(_ yaml: String, line: Int, column: Int, field: String, contains: [String], file: StaticString = #filePath, testLine: UInt = #line) {
        guard let e = error(yaml, file: file, line: testLine) else { return }
        XCTAssertEqual(e.line, line, "line of \(e)", file: file, line: testLine)
        XCTAssertEqual(e.column, column, "column of \(e)", file: file, line: testLine)
        XCTAssertEqual(e.field, field, "field of \(e)", file: file, line: testLine)
        for c in contains { XCTAssertTrue(e.message.contains(c), "'\(e.message)' should contain '\(c)'", file: file, line: testLine) }
        XCTAssertTrue(e.description.hasPrefix("bad.yaml:\(line):\(column): error:"), e.description, file: file, line: testLine)
    }

    func testYAMLSyntaxError() {
        check("name: x\nstrategies: [gentle\n", line: 3, column: 1, field: "", contains: ["YAML syntax"])
    }

    func testUnknownTopLevelKeySuggestsTheClosest() {
        check("name: x\nreplicatons: 3\n", line: 2, column: 1, field: "replicatons", contains: ["unknown key 'replicatons'", "did you mean 'replications'?"])
    }

    func testUnknownModelParameterSuggestsTheClosest() {
        check("name: x\nmodel:\n  payment:\n    base_hazrd: {A: 0.1}\n", line: 4, column: 5, field: "model.payment.base_hazrd",
              contains: ["unknown model parameter", "did you mean 'payment.base_hazard.A'?"])
    }

    func testWrongType() {
        check("name: x\nreplications: many\n", line: 2, column: 15, field: "replications", contains: ["expected a number of replications", "found the scalar 'many'"])
    }

    func testProbabilityOutOfRange() {
        check("name: x\npopulation:\n  delinquent_share: 1.5\n", line: 3, column: 21, field: "population.delinquent_share",
              contains: ["expected a probability in [0, 1]", "found 1.5"])
    }

    func testNegativeCount() {
        check("name: x\npopulation: {size: -5}\n", line: 2, column: 20, field: "population.size", contains: ["population size in [1,", "found -5"])
    }

    func testHorizonZero() {
        check("name: x\nhorizon_days: 0\n", line: 2, column: 15, field: "horizon_days", contains: ["in [1, 3650]", "found 0"])
    }

    func testEmptyStrategyList() {
        check("name: x\nstrategies: []\n", line: 2, column: 13, field: "strategies", contains: ["at least one strategy"])
    }

    func testUnknownStrategyName() {
        check("name: x\nstrategies: [gentle, grded]\n", line: 2, column: 22, field: "strategies[1]", contains: ["unknown strategy 'grded'", "did you mean 'graded'?"])
    }

    func testDuplicateStrategyNames() {
        check("name: x\nstrategies: [gentle, gentle]\n", line: 2, column: 22, field: "strategies[1]", contains: ["duplicate strategy name 'gentle'"])
    }

    func testUnknownBaseline() {
        check("name: x\nstrategies: [gentle, strict]\nbaseline: graded\n", line: 3, column: 11, field: "baseline",
              contains: ["unknown baseline strategy 'graded'", "gentle, strict"])
    }

    func testSegmentWeightsMustSumToOne() {
        check("name: x\npopulation:\n  segments:\n    a: {weight: 0.5}\n    b: {weight: 0.3}\n", line: 4, column: 5, field: "population.segments",
              contains: ["sum to 1", "0.8"])
    }

    func testBadActionCadence() {
        check("""
        name: x
        strategies:
          mine:
            rules:
              - when: {dpd: [1, 30]}
                do: [{action: sms, every_days: 0}]
        """, line: 6, column: 40, field: "strategies.mine.rules[0].do[0].every_days", contains: ["cadence in days in [1, 3650]", "found 0"])
    }

    func testUnknownActionSuggestsTheClosest() {
        check("""
        name: x
        strategies:
          mine:
            rules:
              - when: {dpd: [1, 30]}
                do: [{action: smss}]
        """, line: 6, column: 23, field: "strategies.mine.rules[0].do[0].action", contains: ["unknown action 'smss'", "did you mean 'sms'?"])
    }

    func testEmptyDPDRange() {
        check("""
        name: x
        strategies:
          mine:
            rules:
              - when: {dpd: [30, 1]}
                do: sms
        """, line: 5, column: 21, field: "strategies.mine.rules[0].when.dpd", contains: ["empty range"])
    }

    func testMissingName() {
        check("seed: 1\n", line: 1, column: 1, field: "name", contains: ["missing required key 'name'"])
    }

    func testNonUTF8FileNamesTheByte() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).yaml")
        try Data("name: x\ndescription: caf".utf8 + [0xE9, 0x0A]).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertThrowsError(try ScenarioLoader.load(path: url.path)) { error in
            guard let e = error as? ScenarioError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.file, url.path)
            XCTAssertEqual(e.line, 2)
            XCTAssertEqual(e.column, 17)
            XCTAssertTrue(e.message.contains("UTF-8"))
        }
    }

    func testMissingFile() {
        XCTAssertThrowsError(try ScenarioLoader.load(path: "/nonexistent/x.yaml")) { error in
            XCTAssertEqual("\(error)", "/nonexistent/x.yaml: error: there is no such scenario file")
        }
    }

    /// Whatever is at the path that is not a regular file is named for what it is, at once (a
    /// pipe is never read: reading it would wait for a writer).
    func testAFolderAPipeAndADeviceAreNamedForWhatTheyAre() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kinds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("pipe.yaml").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        for (path, expected) in [(dir.path, "this is a folder, not a scenario file"),
                                 (fifo, "this is a pipe (FIFO), not a scenario file; save what it carries to a file and give that"),
                                 ("/dev/null", "this is a device, not a scenario file"),
                                 ("/dev/null/x.yaml", "a part of the path that should be a folder is a file")] {
            XCTAssertThrowsError(try ScenarioLoader.load(path: path)) { error in
                XCTAssertEqual("\(error)", "\(path): error: \(expected)")
            }
        }
    }

    /// A control character is refused by YAML's reader at its own line and column.
    func testAReaderErrorNamesItsColumn() {
        check("name: x\ndescription: \u{1}abc\n", line: 2, column: 14, field: "", contains: ["YAML reader", "control characters"])
        check("name: x\ndescription: \"ééé\u{1}\"\n", line: 2, column: 17, field: "", contains: ["YAML reader"])
    }

    /// An unknown key of 5 MB is refused with an error that quotes only its start (before, the
    /// message was 10 MB and the did-you-mean search over the key took 43 s).
    func testAHugeUnknownKeyGetsAShortMessage() {
        let key = String(repeating: "k", count: 5_000_000)
        // An explicit key (`? key`): a plain one is limited to 1024 characters by YAML itself.
        guard let e = error("name: x\nmodel:\n  ? \(key)\n  : 1\n") else { return }
        XCTAssertEqual(e.line, 3)
        XCTAssertTrue(e.message.hasPrefix("unknown model parameter 'kkk"), String(e.message.prefix(100)))
        XCTAssertTrue(e.message.hasSuffix("characters in all)"), String(e.message.suffix(80)))
        XCTAssertLessThanOrEqual(e.description.count, ScenarioError.maxFieldLength + ScenarioError.maxMessageLength + 200)
    }

    /// A large document without a single alias is not blamed on aliases.
    func testALargeDocumentWithoutAliasesIsNotCalledAnAliasBomb() {
        let items = (0..<200_001).map { "  - \($0)" }.joined(separator: "\n")
        guard let e = error("name: x\nlots:\n\(items)\n") else { return }
        XCTAssertTrue(e.message.hasPrefix("the document holds more than 200000 values"), e.message)
        XCTAssertFalse(e.message.contains("alias"), e.message)
    }
}
