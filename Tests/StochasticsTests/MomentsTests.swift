import Stochastics
import XCTest

final class MomentsTests: XCTestCase {
    func testMergingTwoAccumulatorsEqualsFeedingOne() {
        let xs = (0..<1000).map { sin(Double($0)) * 10 + Double($0 % 7) }
        var whole = Moments()
        xs.forEach { whole.add($0) }
        var left = Moments(), right = Moments()
        xs[..<377].forEach { left.add($0) }
        xs[377...].forEach { right.add($0) }
        left.merge(right)
        XCTAssertEqual(left.count, whole.count)
        XCTAssertEqual(left.mean, whole.mean, accuracy: 1e-12)
        XCTAssertEqual(left.variance, whole.variance, accuracy: 1e-9)
    }

    func testMomentsMatchTheTextbookFormulas() {
        var m = Moments()
        [2.0, 4, 4, 4, 5, 5, 7, 9].forEach { m.add($0) }
        XCTAssertEqual(m.mean, 5)
        XCTAssertEqual(m.variance, 32.0 / 7, accuracy: 1e-12)
    }

    func testConfidenceIntervalUsesStudentT() {
        var m = Moments()
        (1...10).forEach { m.add(Double($0)) }
        let ci = ConfidenceInterval(m)
        let half = 2.2621571627 * (m.variance / 10).squareRoot()
        XCTAssertEqual(ci.mean, 5.5)
        XCTAssertEqual(ci.low, 5.5 - half, accuracy: 1e-9)
        XCTAssertEqual(ci.high, 5.5 + half, accuracy: 1e-9)
        XCTAssertEqual(ci.n, 10)
    }

    func testConfidenceIntervalOfConstantDataHasZeroWidth() {
        var m = Moments()
        for _ in 0..<5 { m.add(0.25) }
        let ci = ConfidenceInterval(m)
        XCTAssertEqual(ci.low, 0.25)
        XCTAssertEqual(ci.high, 0.25)
    }

    /// One observation shows no spread: its interval is undefined, not a zero-width one.
    func testConfidenceIntervalOfOneObservationIsUndefined() {
        var m = Moments()
        m.add(0.25)
        let ci = ConfidenceInterval(m)
        XCTAssertEqual(ci.mean, 0.25)
        XCTAssertTrue(ci.low.isNaN && ci.high.isNaN && ci.halfWidth.isNaN)
        XCTAssertFalse(ci.excludes(0), "an undefined interval excludes nothing")
    }
}
