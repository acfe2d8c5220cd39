import Scenario
import XCTest

/// `runs diff` shows what changed between two resolved scenarios as a line diff.
final class ResolvedDiffTests: XCTestCase {
    func testChangedLinesAreShownWithTheirContextAndNothingElse() {
        let old = "# written by a\nname: x\nseed: 1\nreplications: 8\nhorizon_days: 360\npopulation:\n  size: 1000\n  delinquent_share: 0.3\nstrategies: [a]\n"
        let new = "# written by b\nname: x\nseed: 2\nreplications: 8\nhorizon_days: 360\npopulation:\n  size: 1000\n  delinquent_share: 0.4\nstrategies: [a]\n"
        XCTAssertEqual(ResolvedDiff.unified(old: old, new: new, context: 1), """
          name: x
        - seed: 1
        + seed: 2
          replications: 8
          …
            size: 1000
        -   delinquent_share: 0.3
        +   delinquent_share: 0.4
          strategies: [a]

        """)
        XCTAssertEqual(ResolvedDiff.unified(old: old, new: old.replacingOccurrences(of: "by a", with: "by c")), "", "comments are not the scenario")
    }

    func testInsertionsAndRemovalsAlignOnTheLinesTheTextsShare() {
        let script = ResolvedDiff.lines(old: "a\nb\nc\nd", new: "a\nc\nx\nd\ne")
        XCTAssertEqual(script, [.same("a"), .removed("b"), .same("c"), .added("x"), .same("d"), .added("e")])
        let long = (0..<500).map { "line \($0)" }
        let changed = long.map { $0 + " changed" }
        let text = ResolvedDiff.unified(old: long.joined(separator: "\n"), new: changed.joined(separator: "\n"), limit: 10)
        XCTAssertTrue(text.hasSuffix("… and 990 more changed lines\n"), String(text.suffix(200)))
    }
}
