import Scenario
import XCTest

/// The did-you-mean of every error: a typo, or a name given without its last words.
final class SuggestTests: XCTestCase {
    let metrics = ["recovery_rate", "net_recovery_rate", "npv_recovery_rate", "complaints_per_1000", "complaints_per_1000_calls"]

    func testATypoSuggestsTheNearestName() {
        XCTAssertEqual(Suggest.closest(to: "recovery_rat", in: metrics), "recovery_rate")
        XCTAssertEqual(Suggest.closest(to: "net_recovry_rate", in: metrics), "net_recovery_rate")
    }

    func testANameWithoutItsLastWordSuggestsTheOneNameThatExtendsIt() {
        XCTAssertEqual(Suggest.closest(to: "net_recovery", in: metrics), "net_recovery_rate")
        XCTAssertEqual(Suggest.closest(to: "npv_recovery", in: metrics), "npv_recovery_rate")
        // Two names extend "complaints_per": no guess.
        XCTAssertNil(Suggest.closest(to: "complaints", in: metrics))
        XCTAssertNil(Suggest.closest(to: "satisfaction_score", in: metrics))
    }
}
