import Stochastics
import XCTest

final class DistributionTests: XCTestCase {
    let z = 3.2905

    /// Draws `n` values by inversion of CRN uniforms.
    func draws(_ n: Int, seed: UInt64, _ quantile: (Double) -> Double) -> Moments {
        var m = Moments()
        for i in 0..<n {
            m.add(quantile(StreamKey(seed: seed, replication: 0, borrower: i).uniform(day: -1, purpose: .willingness)))
        }
        return m
    }

    func testBetaQuantileTableDrawsMatchGSLMoments() {
        GSLRuntime.prepare()
        for (alpha, beta) in [(2.0, 5.0), (0.8, 0.8), (5.1, 0.9)] {
            let d = BetaDistribution(alpha: alpha, beta: beta)
            let table = QuantileTable { d.quantile($0) }
            let m = draws(200_000, seed: 3, { table($0) })
            let se = (d.variance / Double(m.count)).squareRoot()
            XCTAssertEqual(m.mean, d.mean, accuracy: z * se, "Beta(\(alpha), \(beta)) mean")
            // SE of a sample variance, bounded using the fourth moment of a [0,1] variable (≤ variance).
            XCTAssertEqual(m.variance, d.variance, accuracy: z * (d.variance / Double(m.count)).squareRoot(), "Beta(\(alpha), \(beta)) variance")
        }
    }

    func testQuantileTableIsCloseToTheExactQuantile() {
        let d = BetaDistribution(mean: 0.62, concentration: 6)
        let table = QuantileTable { d.quantile($0) }
        var worst = 0.0
        for i in 1..<1000 {
            let p = Double(i) / 1000
            worst = max(worst, abs(table(p) - d.quantile(p)))
        }
        XCTAssertLessThan(worst, 1e-4)
    }

    func testAQuantileTableIsTheSameOnAnyNumberOfThreads() {
        GSLRuntime.prepare()
        let d = BetaDistribution(mean: 0.62, concentration: 6)
        let one = QuantileTable(threads: 1) { d.quantile($0) }
        for threads in [2, 3, 8] {
            let many = QuantileTable(threads: threads) { d.quantile($0) }
            XCTAssertEqual(many.knots.map(\.bitPattern), one.knots.map(\.bitPattern), "\(threads) threads")
        }
        XCTAssertTrue(zip(one.knots, one.knots.dropFirst()).allSatisfy { $0 < $1 }, "every knot is written, in order")
        XCTAssertEqual(QuantileTableCache(threads: 2).beta(mean: 0.62, concentration: 6).knots, one.knots)
    }

    func testLogNormalDrawsMatchTheirMoments() {
        let d = LogNormalDistribution(median: 20_000, sigma: 0.5)
        let m = draws(200_000, seed: 5, d.quantile)
        XCTAssertEqual(m.mean, d.mean, accuracy: z * (d.variance / Double(m.count)).squareRoot())
        // Median by inversion is exact.
        XCTAssertEqual(d.quantile(0.5), 20_000, accuracy: 1e-8)
    }

    func testStandardNormalQuantileInvertsTheCDF() {
        for p in [0.001, 0.025, 0.5, 0.8, 0.999] {
            XCTAssertEqual(StandardNormal.cdf(StandardNormal.quantile(p)), p, accuracy: 1e-12)
        }
        XCTAssertEqual(StandardNormal.quantile(0.975), 1.959963984540054, accuracy: 1e-12)
    }

    func testStudentTQuantilesAndPValuesMatchTables() {
        // t_{0.975} for 9 and 29 degrees of freedom (standard tables).
        XCTAssertEqual(StudentT.quantile(0.975, degreesOfFreedom: 9), 2.2621571627, accuracy: 1e-8)
        XCTAssertEqual(StudentT.quantile(0.975, degreesOfFreedom: 29), 2.0452296421, accuracy: 1e-8)
        XCTAssertEqual(StudentT.twoSidedPValue(2.2621571627, degreesOfFreedom: 9), 0.05, accuracy: 1e-8)
        XCTAssertEqual(StudentT.twoSidedPValue(0, degreesOfFreedom: 9), 1, accuracy: 1e-12)
    }
}
