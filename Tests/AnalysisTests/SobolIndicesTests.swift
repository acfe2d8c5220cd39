import Analysis
import Foundation
import Scenario
import Stochastics
import XCTest

/// Sobol indices from Saltelli's design agree with closed forms.
final class SobolIndicesTests: XCTestCase {
    /// The Ishigami function on [−π, π]³ (Ishigami & Homma 1990), a = 7, b = 0.1.
    static func ishigami(_ x: [Double]) -> Double {
        sin(x[0]) + 7 * pow(sin(x[1]), 2) + 0.1 * pow(x[2], 4) * sin(x[0])
    }

    /// Its indices in closed form (Sobol' & Levitan 1999).
    static let ishigamiExact: (first: [Double], total: [Double]) = {
        let a = 7.0, b = 0.1, pi4 = pow(Double.pi, 4), pi8 = pow(Double.pi, 8)
        let v1 = 0.5 * pow(1 + b * pi4 / 5, 2), v2 = a * a / 8, v13 = 8 * b * b * pi8 / 225
        let v = v1 + v2 + v13
        return ([v1 / v, v2 / v, 0], [(v1 + v13) / v, v2 / v, v13 / v])
    }()

    static func outputs(samples: Int) -> [Double] {
        ExperimentDesign.saltelliUnit(dimension: 3, samples: samples).map { u in ishigami(u.map { -Double.pi + 2 * Double.pi * $0 }) }
    }

    func testIshigamiIndicesMatchTheClosedFormWithinTheirIntervals() {
        let y = Self.outputs(samples: 4096)
        let s = SobolAnalysis.indices(outputs: y, factors: 3, resamples: 500, confidence: 0.99, seed: 1)
        let exact = Self.ishigamiExact
        for i in 0..<3 {
            XCTAssertEqual(s.first[i], exact.first[i], accuracy: s.firstHalfWidth[i], "S1[\(i)]")
            XCTAssertEqual(s.total[i], exact.total[i], accuracy: s.totalHalfWidth[i], "ST[\(i)]")
            // The intervals are tight enough for the check to mean something.
            XCTAssertLessThan(s.firstHalfWidth[i], 0.08, "S1[\(i)] half-width")
            XCTAssertLessThan(s.totalHalfWidth[i], 0.08, "ST[\(i)] half-width")
        }
    }

    func testALinearModelSplitsVarianceByTheSquaredCoefficients() {
        // f = 1·x₁ + 2·x₂ + 3·x₃ on the unit cube: Sᵢ = Sₜᵢ = cᵢ² / Σc².
        let c = [1.0, 2.0, 3.0]
        let y = ExperimentDesign.saltelliUnit(dimension: 3, samples: 2048).map { u in zip(c, u).reduce(0) { $0 + $1.0 * $1.1 } }
        let s = SobolAnalysis.indices(outputs: y, factors: 3, resamples: 300, confidence: 0.99, seed: 2)
        for i in 0..<3 {
            let exact = c[i] * c[i] / 14
            XCTAssertEqual(s.first[i], exact, accuracy: s.firstHalfWidth[i], "S1[\(i)]")
            XCTAssertEqual(s.total[i], exact, accuracy: s.totalHalfWidth[i], "ST[\(i)]")
        }
    }

    func testBootstrapIntervalsAreReproducibleAndDependOnTheSeed() {
        let y = Self.outputs(samples: 64)
        let a = SobolAnalysis.indices(outputs: y, factors: 3, resamples: 200, confidence: 0.95, seed: 5)
        let b = SobolAnalysis.indices(outputs: y, factors: 3, resamples: 200, confidence: 0.95, seed: 5)
        let c = SobolAnalysis.indices(outputs: y, factors: 3, resamples: 200, confidence: 0.95, seed: 6)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.first, c.first, "point estimates do not depend on the bootstrap")
        XCTAssertNotEqual(a.firstHalfWidth, c.firstHalfWidth)
    }

    func testSaltelliRowsDifferFromTheirBaseRowInOneColumn() {
        let k = 4, n = 16
        let rows = ExperimentDesign.saltelliUnit(dimension: k, samples: n)
        XCTAssertEqual(rows.count, n * (k + 2))
        for j in 0..<n {
            let a = rows[j * (k + 2)], b = rows[j * (k + 2) + k + 1]
            for i in 0..<k {
                let ab = rows[j * (k + 2) + 1 + i]
                for c in 0..<k { XCTAssertEqual(ab[c], c == i ? b[c] : a[c]) }
            }
        }
        XCTAssertTrue(rows.allSatisfy { $0.allSatisfy { (0..<1).contains($0) } })
    }
}
