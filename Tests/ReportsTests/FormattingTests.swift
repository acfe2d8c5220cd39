import Foundation
@testable import Reports
import Stochastics
import XCTest

/// Chart coordinates are formatted without Foundation; the bytes must be printf's.
final class FormattingTests: XCTestCase {
    func printf(_ v: Double) -> String { String(format: "%.1f", v) }

    func testScoresAreShownOnTheirOwnScaleAndRatesAsPercentages() {
        // A satisfaction of 0.73 read as "73.0%" looks like a share of satisfied borrowers.
        for metric in ["satisfaction", "retention", "willingness", "literacy"] {
            XCTAssertEqual(Format.human(0.7302, metric: metric), "0.730", metric)
            XCTAssertFalse(Format.human(0.0004, metric: metric).contains("%"), metric)
        }
        XCTAssertEqual(Format.human(0.7302, metric: "recovery_rate"), "73.0%")
        XCTAssertEqual(Format.human(0.7302, metric: "overdue_recovery_rate"), "73.0%")
    }

    /// An interval's bounds take the mean's decimals, and a rounded zero has no minus sign.
    func testIntervalBoundsFollowTheMeansDecimalsAndZeroIsUnsigned() {
        let f = Format.human(ConfidenceInterval(mean: 10, low: 0, high: 27.8, n: 2), metric: "complaints_per_1000")
        XCTAssertEqual([f.mean, f.low, f.high], ["10.0", "0.0", "27.8"])
        let small = Format.human(ConfidenceInterval(mean: 0.0042, low: 0.00012, high: 0.0083, n: 5), metric: "cost_per_account")
        XCTAssertEqual([small.mean, small.low, small.high], ["0.0042", "0.0001", "0.0083"])
        XCTAssertEqual(Format.human(-0.0, metric: "cost_per_account"), "0.000")
        XCTAssertEqual(Format.human(-0.0001, metric: "default_rate"), "0.0%")
        XCTAssertEqual(Format.human(-0.04, metric: "complaints_per_1000", scale: 12), "0.0")
        XCTAssertEqual(Format.human(-0.4, metric: "net_recovery_rate"), "-40.0%")
        XCTAssertEqual(Format.human(-3, metric: "cost_per_account"), "-3.000")
    }

    func testOneDecimalMatchesPrintfAtTiesAndTheirNeighbours() {
        var values: [Double] = [0, -0.0, 0.04, -0.04, 0.05, -0.05, 0.25, 0.75, 1.25, -0.25, -2.75, 0.35, 0.45, 2.5, 9.95,
                                99.95, 1e13 + 0.25, 123_456.65, 1e14, -1e14, 3e20, .nan, .infinity, -.infinity,
                                .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .ulpOfOne]
        // Every hundredth ending in 5 up to 100 (some are exact ties, most lie just off one),
        // with the doubles on either side.
        for m in stride(from: -10_000, through: 10_000, by: 1) where abs(m) % 10 == 5 {
            let v = Double(m) / 100
            values += [v, v.nextUp, v.nextDown]
        }
        for v in values { XCTAssertEqual(Format.oneDecimal(v), printf(v), "\(v)") }
    }

    func testOneDecimalMatchesPrintfOnRandomValuesOfEveryMagnitude() {
        var state: UInt64 = 0x5EED_0F_C0_11EC
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var mismatches: [Double] = []
        for i in 0..<200_000 {
            let unit = Double(next() >> 11) / Double(1 << 53) * 2 - 1
            let v = unit * pow(10, Double(i % 18 - 4))  // 1e-4 … 1e13
            if Format.oneDecimal(v) != printf(v) { mismatches.append(v) }
        }
        XCTAssertEqual(mismatches, [])
    }
}
