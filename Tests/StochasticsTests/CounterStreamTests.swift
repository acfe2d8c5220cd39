import Stochastics
import XCTest

final class CounterStreamTests: XCTestCase {
    /// z for a two-sided 99.9% interval: statistical checks below fail when an estimate falls
    /// outside its own 99.9% sampling interval around the exact value.
    let z = 3.2905

    func testUniformDrawsHaveTheMomentsOfUniform01() {
        let key = StreamKey(seed: 1, replication: 0, borrower: 7)
        var m = Moments()
        var minimum = 1.0, maximum = 0.0
        for day in 0..<200_000 {
            let u = key.uniform(day: day, purpose: .payment)
            m.add(u)
            minimum = min(minimum, u)
            maximum = max(maximum, u)
        }
        XCTAssertGreaterThan(minimum, 0)
        XCTAssertLessThan(maximum, 1)
        // Mean 1/2, variance 1/12.
        XCTAssertEqual(m.mean, 0.5, accuracy: z * (1.0 / 12).squareRoot() / Double(m.count).squareRoot())
        // Var of the sample variance of U(0,1): (μ4 − σ⁴)/n with μ4 = 1/80.
        let varSE = ((1.0 / 80 - 1.0 / 144) / Double(m.count)).squareRoot()
        XCTAssertEqual(m.variance, 1.0 / 12, accuracy: z * varSE)
    }

    func testADrawDependsOnlyOnItsKeyDayAndPurpose() {
        let a = StreamKey(seed: 42, replication: 3, borrower: 1000)
        let b = StreamKey(seed: 42, replication: 3, borrower: 1000)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.uniform(day: 17, purpose: .payment), b.uniform(day: 17, purpose: .payment))
        // Drawing other things in between changes nothing (no hidden state).
        _ = a.uniform(day: 5, purpose: .complaint)
        XCTAssertEqual(a.uniform(day: 17, purpose: .payment), b.uniform(day: 17, purpose: .payment))
    }

    func testDifferentSeedsReplicationsBorrowersDaysAndPurposesGiveDifferentDraws() {
        let base = StreamKey(seed: 42, replication: 3, borrower: 1000).uniform(day: 17, purpose: .payment)
        XCTAssertNotEqual(base, StreamKey(seed: 43, replication: 3, borrower: 1000).uniform(day: 17, purpose: .payment))
        XCTAssertNotEqual(base, StreamKey(seed: 42, replication: 4, borrower: 1000).uniform(day: 17, purpose: .payment))
        XCTAssertNotEqual(base, StreamKey(seed: 42, replication: 3, borrower: 1001).uniform(day: 17, purpose: .payment))
        XCTAssertNotEqual(base, StreamKey(seed: 42, replication: 3, borrower: 1000).uniform(day: 18, purpose: .payment))
        XCTAssertNotEqual(base, StreamKey(seed: 42, replication: 3, borrower: 1000).uniform(day: 17, purpose: .complaint))
    }

    func testNeighbouringBorrowersStreamsAreUncorrelated() {
        // Correlation of draws of borrowers b and b+1 on the same day and purpose.
        let n = 100_000
        var sx = 0.0, sy = 0.0, sxy = 0.0, sxx = 0.0, syy = 0.0
        for b in 0..<n {
            let x = StreamKey(seed: 9, replication: 0, borrower: b).uniform(day: 0, purpose: .payment)
            let y = StreamKey(seed: 9, replication: 0, borrower: b + 1).uniform(day: 0, purpose: .payment)
            sx += x; sy += y; sxy += x * y; sxx += x * x; syy += y * y
        }
        let nn = Double(n)
        let r = (sxy / nn - sx / nn * sy / nn) / ((sxx / nn - (sx / nn) * (sx / nn)) * (syy / nn - (sy / nn) * (sy / nn))).squareRoot()
        // Under independence r is approximately N(0, 1/n).
        XCTAssertEqual(r, 0, accuracy: z / nn.squareRoot())
    }
}
