import Analysis
import Foundation
import Reports
import TestSupport
import XCTest

/// The terminal's comparison table says which way each metric is better, and colours a
/// significant difference by whether it is an improvement only when asked to.
final class TerminalTableTests: XCTestCase {
    func analysis() throws -> AnalysisResult {
        try TestRun.analyze("""
        name: table
        seed: 3
        replications: 4
        horizon_days: 90
        population: {size: 3000}
        strategies: [gentle, strict, graded]
        baseline: graded
        """)
    }

    func testTheRowUnderTheHeadersSaysWhichWayEachMetricIsBetter() throws {
        let lines = RunWriter.table(try analysis()).split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[0].hasPrefix("strategy"))
        let headers = lines[0].split(separator: " ").map(String.init)
        let directions = lines[1]
        // Each direction sits under its header.
        for (metric, direction) in [("recovery_rate", "↑ higher is better"), ("default_rate", "↓ lower is better"), ("complaints_per_1000", "↓ lower is better")] {
            XCTAssertTrue(headers.contains(metric))
            let column = try XCTUnwrap(lines[0].range(of: metric + " ")).lowerBound.utf16Offset(in: lines[0])
            XCTAssertEqual(String(directions.dropFirst(column).prefix(direction.count)), direction, metric)
        }
        XCTAssertFalse(RunWriter.table(try analysis()).contains("\u{1B}["), "no colour unless asked")
    }

    func testColourMarksImprovementsGreenAndDeteriorationsRed() throws {
        let a = try analysis()
        let text = RunWriter.table(a, colour: true)
        // strict against graded: more complaints (a significant rise is worse, so red).
        let strictComplaints = try XCTUnwrap(a.comparison("complaints_per_1000", strategy: "strict"))
        XCTAssertTrue(strictComplaints.isSignificant && strictComplaints.difference.mean > 0, "the scenario must give strict significantly more complaints")
        let plain = RunWriter.table(a)
        let plainRow = try XCTUnwrap(plain.split(separator: "\n").first { $0.hasPrefix("strict") })
        let cells = plainRow.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let header = try XCTUnwrap(plain.split(separator: "\n").first).split(separator: " ").map(String.init)
        let complaints = cells[try XCTUnwrap(header.firstIndex(of: "complaints_per_1000"))]
        XCTAssertTrue(complaints.hasSuffix("▲"), complaints)
        XCTAssertTrue(text.contains("\u{1B}[31m" + complaints), "a rise in complaints is red: \(text)")
        // Colour codes wrap the padded cells: without them the table is the plain one.
        XCTAssertEqual(text.replacingOccurrences(of: "\u{1B}[31m", with: "").replacingOccurrences(of: "\u{1B}[32m", with: "")
                           .replacingOccurrences(of: "\u{1B}[0m", with: "").replacingOccurrences(of: ", green where it is an improvement, red where it is not", with: ""),
                       plain)
        XCTAssertTrue(text.contains("\u{1B}[32m"), "some difference is an improvement in this scenario")
        XCTAssertTrue(text.contains("green where it is an improvement"))
    }
}
