import Analysis
import XCTest

/// The verdict's probability of being best comes from a paired bootstrap over replications.
final class StrategyVerdictTests: XCTestCase {
    func verdict(_ objective: [String: [Double]], complaints: [String: [Double]] = [:], cap: Double? = nil,
                 higherIsBetter: Bool = true) -> StrategyVerdict {
        let strategies = objective.keys.sorted()
        var c = complaints
        for s in strategies where c[s] == nil { c[s] = Array(repeating: 0, count: objective[s]!.count) }
        return StrategyVerdict.compute(strategies: strategies, objective: "net_recovery_rate", higherIsBetter: higherIsBetter,
                                       objective: objective, complaints: c, cap: cap, seed: 11)
    }

    func testAStrategyBetterInEveryReplicationIsBestWithProbabilityOne() {
        let v = verdict(["a": [0.60, 0.61, 0.59, 0.62], "b": [0.55, 0.57, 0.54, 0.58]])
        XCTAssertEqual(v.best, "a")
        XCTAssertEqual(v.resamples, StrategyVerdict.defaultResamples)
        XCTAssertEqual(v.standings.first { $0.strategy == "a" }?.probabilityBest, 1)
        XCTAssertEqual(v.standings.first { $0.strategy == "b" }?.probabilityBest, 0)
        let lower = verdict(["a": [0.60, 0.61, 0.59, 0.62], "b": [0.55, 0.57, 0.54, 0.58]], higherIsBetter: false)
        XCTAssertEqual(lower.best, "b")
    }

    func testProbabilitiesSumToOneAndTiesAreShared() {
        let v = verdict(["a": [1, 3, 2, 5, 4], "b": [2, 2, 3, 4, 4], "c": [1, 3, 2, 5, 4]])
        XCTAssertEqual(v.standings.map(\.probabilityBest).reduce(0, +), 1, accuracy: 1e-12)
        let a = v.standings[0].probabilityBest, c = v.standings[2].probabilityBest
        XCTAssertEqual(a, c, "identical strategies share their wins")
        XCTAssertGreaterThan(a, 0)
        XCTAssertLessThan(a, 0.5)
    }

    func testTheCapExcludesStrategiesWithTooManyComplaints() {
        let v = verdict(["a": [0.60, 0.61, 0.59], "b": [0.55, 0.57, 0.54]], complaints: ["a": [12, 14, 13], "b": [2, 3, 2]], cap: 5)
        XCTAssertEqual(v.best, "b")
        XCTAssertEqual(v.standings.first { $0.strategy == "a" }?.meetsCap, false)
        XCTAssertEqual(v.standings.first { $0.strategy == "b" }?.probabilityBest, 1)
        let none = verdict(["a": [0.60, 0.61, 0.59]], complaints: ["a": [12, 14, 13]], cap: 5)
        XCTAssertNil(none.best)
        XCTAssertEqual(none.probabilityNoneMeetsCap, 1)
    }

    func testTheSameInputsGiveTheSameProbabilitiesAndOneReplicationGivesNone() {
        let values = ["a": [0.50, 0.58, 0.52, 0.61, 0.49, 0.55], "b": [0.53, 0.54, 0.55, 0.56, 0.52, 0.54]]
        XCTAssertEqual(verdict(values).standings.map(\.probabilityBest), verdict(values).standings.map(\.probabilityBest))
        let p = verdict(values).standings[0].probabilityBest
        XCTAssertTrue(p > 0.05 && p < 0.95, "close strategies leave real doubt: \(p)")
        let one = verdict(["a": [0.6], "b": [0.5]])
        XCTAssertEqual(one.resamples, 0)
        XCTAssertTrue(one.standings[0].probabilityBest.isNaN)
        XCTAssertEqual(one.best, "a")
    }

    func testTheEfficientSetIsOnNetRecoveryAgainstComplaints() {
        let efficient = StrategyVerdict.paretoEfficient([("strict", 0.60, 15), ("gentle", 0.66, 0.4), ("graded", 0.645, 0.5)])
        XCTAssertEqual(efficient, ["gentle"])
        XCTAssertEqual(Set(StrategyVerdict.paretoEfficient([("a", 0.6, 1), ("b", 0.7, 2)])), ["a", "b"])
    }
}
