import Analysis
import Foundation
import Stochastics
import XCTest

/// The Monte Carlo noise of an experiment's points is estimated without the part its
/// replications share (common random numbers), and Sobol intervals include it.
final class SimulationNoiseTests: XCTestCase {
    /// A standard normal draw keyed by (seed, stream, index).
    static func normal(seed: UInt64, stream: Int, _ index: Int) -> Double {
        StandardNormal.quantile(StreamKey(seed: seed, replication: stream, borrower: 0).uniform(day: index, purpose: .simulationNoise))
    }

    /// Outputs yⱼᵣ = f(xⱼ) + βᵣ + σ·εⱼᵣ: a replication shift βᵣ shared by every point, as common
    /// random numbers give, and noise that differs between points.
    static func replicated(_ f: [Double], replications: Int, shared: Double, sigma: Double, seed: UInt64) -> [[Double]] {
        let shifts = (0..<replications).map { shared * normal(seed: seed, stream: 1_000_000, $0) }
        return f.enumerated().map { j, value in
            (0..<replications).map { r in value + shifts[r] + sigma * normal(seed: seed, stream: r, j) }
        }
    }

    func testTheNoiseEstimateLeavesOutTheShiftEveryPointShares() throws {
        let points = 2000, replications = 3, sigma = 0.5
        let f = (0..<points).map { Double($0 % 17) }
        let y = Self.replicated(f, replications: replications, shared: 10, sigma: sigma, seed: 3)
        let v = try XCTUnwrap(ReplicationNoise.varianceOfMeans(y))
        let estimate = v.reduce(0, +) / Double(points)
        // σ̂² on (J − 1)(R − 1) degrees of freedom has relative SD √(2 / df) ≈ 2.2%; 4 SD.
        let df = Double((points - 1) * (replications - 1))
        XCTAssertEqual(estimate / (sigma * sigma / Double(replications)), 1, accuracy: 4 * (2 / df).squareRoot())
        // The shared shift (SD 10) would dominate a per-point variance over replications.
        var naive = 0.0
        for row in y {
            var m = Moments()
            row.forEach { m.add($0) }
            naive += m.variance / Double(replications) / Double(points)
        }
        XCTAssertGreaterThan(naive, 50 * estimate)
    }

    func testNoiseCannotBeEstimatedFromOneReplicationOrUndefinedValues() {
        XCTAssertNil(ReplicationNoise.varianceOfMeans([[1], [2], [3]]))
        XCTAssertNil(ReplicationNoise.varianceOfMeans([[1, 2], [2, .nan]]))
        XCTAssertNil(ReplicationNoise.varianceOfMeans([[1, 2]]))
    }

    /// Ishigami outputs with a fourth factor that does nothing, plus noise of known variance.
    static func noisyDesign(samples: Int, sigma: Double, noiseSeed: UInt64) -> (y: [Double], noise: [Double], exactVariance: Double) {
        let rows = ExperimentDesign.saltelliUnit(dimension: 4, samples: samples)
        let y = rows.enumerated().map { o, u in
            SobolIndicesTests.ishigami(u.prefix(3).map { -Double.pi + 2 * Double.pi * $0 }) + sigma * normal(seed: noiseSeed, stream: 0, o)
        }
        // Var of Ishigami with a = 7, b = 0.1 (Sobol' & Levitan 1999).
        let b = 0.1, pi4 = pow(Double.pi, 4), pi8 = pow(Double.pi, 8)
        let variance = 0.5 * pow(1 + b * pi4 / 5, 2) + 49.0 / 8 + 8 * b * b * pi8 / 225
        return (y, [Double](repeating: sigma * sigma, count: y.count), variance)
    }

    func testIndicesReportTheNoiseShareAndFlagWhatNoiseCouldExplain() throws {
        let sigma = 2.0
        let d = Self.noisyDesign(samples: 1024, sigma: sigma, noiseSeed: 9)
        let s = SobolAnalysis.indices(outputs: d.y, noiseVariances: d.noise, factors: 4, resamples: 300, confidence: 0.95, seed: 4)
        let share = try XCTUnwrap(s.noiseShare)
        // η = σ² / (V_f + σ²); the sample variance of 6,144 outputs is known to a few per cent.
        XCTAssertEqual(share, sigma * sigma / (d.exactVariance + sigma * sigma), accuracy: 0.03)
        // The factor that does nothing shows about η as its total index, and is flagged.
        XCTAssertTrue(s.totalWithinNoise(3), "ST of the idle factor \(s.total[3]) against η \(share)")
        XCTAssertEqual(s.total[3], share, accuracy: s.totalHalfWidth[3])
        // x₂ explains 44% of f's variance: far above the noise.
        XCTAssertFalse(s.totalWithinNoise(1))
        XCTAssertNil(SobolAnalysis.indices(outputs: d.y, factors: 4, resamples: 10, confidence: 0.95, seed: 4).noiseShare)
    }

    func testIntervalsWithTheNoiseHoldAnotherRealisationOfIt() {
        // Few base samples and large noise: the regime where a second seed moves the indices.
        let sigma = 3.0, samples = 64
        let first = Self.noisyDesign(samples: samples, sigma: sigma, noiseSeed: 1)
        let second = Self.noisyDesign(samples: samples, sigma: sigma, noiseSeed: 2)
        let a = SobolAnalysis.indices(outputs: first.y, noiseVariances: first.noise, factors: 4, resamples: 1000, confidence: 0.95, seed: 5)
        let b = SobolAnalysis.indices(outputs: second.y, noiseVariances: second.noise, factors: 4, resamples: 1000, confidence: 0.95, seed: 5)
        let blind = SobolAnalysis.indices(outputs: first.y, factors: 4, resamples: 1000, confidence: 0.95, seed: 5)
        for i in 0..<4 {
            // Independent estimates: their difference has half-width √(h_a² + h_b²) at 95%.
            XCTAssertEqual(a.total[i], b.total[i], accuracy: (pow(a.totalHalfWidth[i], 2) + pow(b.totalHalfWidth[i], 2)).squareRoot(), "ST[\(i)]")
            XCTAssertEqual(a.first[i], b.first[i], accuracy: (pow(a.firstHalfWidth[i], 2) + pow(b.firstHalfWidth[i], 2)).squareRoot(), "S1[\(i)]")
            // The noise widens what the base samples alone would say.
            XCTAssertGreaterThan(a.totalHalfWidth[i], blind.totalHalfWidth[i], "ST[\(i)]")
            XCTAssertEqual(a.total[i], blind.total[i], "the point estimates do not change")
        }
    }
}
