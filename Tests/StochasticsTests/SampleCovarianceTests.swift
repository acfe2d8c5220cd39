import Stochastics
import XCTest

/// The small matrix algebra behind calibration's error model.
final class SampleCovarianceTests: XCTestCase {
    func testSampleCovarianceMatchesTheTextbookFormulaAndSkipsIncompleteRows() {
        let rows: [[Double]] = [[1, 2], [2, 4], [3, 7], [.nan, 1]]
        let c = SampleCovariance.matrix(rows)
        // x: 1, 2, 3 (mean 2); y: 2, 4, 7 (mean 13/3).
        XCTAssertEqual(c[0][0], 1, accuracy: 1e-12)
        XCTAssertEqual(c[1][1], ((2 - 13.0 / 3) * (2 - 13.0 / 3) + (4 - 13.0 / 3) * (4 - 13.0 / 3) + (7 - 13.0 / 3) * (7 - 13.0 / 3)) / 2, accuracy: 1e-12)
        XCTAssertEqual(c[0][1], ((-1) * (2 - 13.0 / 3) + 0 + 1 * (7 - 13.0 / 3)) / 2, accuracy: 1e-12)
        XCTAssertEqual(c[0][1], c[1][0])
        XCTAssertTrue(SampleCovariance.matrix([[1, 2]]).allSatisfy { $0.allSatisfy(\.isNaN) }, "one row has no covariance")
        let r = SampleCovariance.correlation([[4, 2], [2, 0]])
        XCTAssertEqual(r, [[1, 0], [0, 1]], "no variance: uncorrelated, not NaN")
    }

    func testMahalanobisSquareSolvesThroughTheMatrix() {
        let a: [[Double]] = [[4, 2], [2, 3]]
        // A⁻¹ = [[3, −2], [−2, 4]] / 8, so xᵀA⁻¹x for x = (1, 2) is (3 − 8 + 16) / 8.
        XCTAssertEqual(SampleCovariance.mahalanobisSquare([1, 2], a), 11.0 / 8, accuracy: 1e-12)
        XCTAssertEqual(SampleCovariance.mahalanobisSquare([1, 2], [[1, 0], [0, 1]]), 5, accuracy: 1e-12)
        XCTAssertTrue(SampleCovariance.mahalanobisSquare([1, 1], [[1, 1], [1, 1]]).isNaN, "singular: no χ²")
    }

    func testTheSandwichIsTheLeastSquaresCovarianceWhenResidualsAreIndependentAndScaledWhenNot() {
        let j: [[Double]] = [[1, 0], [0, 2], [1, 1]]
        let bread = LeastSquares.covariance(jacobian: j)
        let identity = (0..<3).map { i in (0..<3).map { i == $0 ? 1.0 : 0 } }
        let same = LeastSquares.sandwichCovariance(jacobian: j, residualCovariance: identity)
        let doubled = LeastSquares.sandwichCovariance(jacobian: j, residualCovariance: identity.map { $0.map { 2 * $0 } })
        for a in 0..<2 {
            for b in 0..<2 {
                XCTAssertEqual(same[a][b], bread[a][b], accuracy: 1e-12)
                XCTAssertEqual(doubled[a][b], 2 * bread[a][b], accuracy: 1e-12)
            }
        }
        // Residuals correlated across targets widen the errors of a parameter they all inform.
        let correlated = (0..<3).map { i in (0..<3).map { i == $0 ? 1.0 : 0.8 } }
        let sandwich = LeastSquares.sandwichCovariance(jacobian: [[1], [1], [1]], residualCovariance: correlated)
        XCTAssertEqual(sandwich[0][0], (3 + 6 * 0.8) / 9, accuracy: 1e-12)
    }

    func testAParameterTheJacobianCannotSeeHasNoVarianceRatherThanZero() {
        let c = LeastSquares.covariance(jacobian: [[1, 0], [2, 0], [1, 0]])
        XCTAssertTrue(c[1][1].isNaN && c[0][1].isNaN)
        XCTAssertEqual(c[0][0], 1.0 / 6, accuracy: 1e-12)
    }
}
