@testable import CollectionsModel
import Scenario
import Stochastics
import XCTest

final class PopulationTests: XCTestCase {
    func testRiskScoreHasTheConfiguredConcordanceWithTheLatentPropensity() throws {
        // Concordance P(s_i > s_j | z_i > z_j) for σ = noiseSD(auc), by simulation of pairs.
        for auc in [0.65, 0.75, 0.9] {
            let sigma = RiskScore.noiseSD(forAUC: auc)
            var concordant = 0
            let pairs = 100_000
            for i in 0..<pairs {
                let k1 = StreamKey(seed: 1, replication: 0, borrower: 2 * i), k2 = StreamKey(seed: 1, replication: 0, borrower: 2 * i + 1)
                let z1 = StandardNormal.quantile(k1.uniform(day: -1, purpose: .latentPropensity))
                let z2 = StandardNormal.quantile(k2.uniform(day: -1, purpose: .latentPropensity))
                let s1 = z1 + sigma * StandardNormal.quantile(k1.uniform(day: -1, purpose: .scoreNoise))
                let s2 = z2 + sigma * StandardNormal.quantile(k2.uniform(day: -1, purpose: .scoreNoise))
                if (z1 > z2) == (s1 > s2) { concordant += 1 }
            }
            let c = Double(concordant) / Double(pairs)
            XCTAssertEqual(c, auc, accuracy: 3.2905 * (auc * (1 - auc) / Double(pairs)).squareRoot(), "AUC \(auc)")
        }
    }

    func testPopulationFollowsSegmentWeightsAndStartMix() throws {
        let scenario = try ScenarioLoader.parse(yaml: "name: p\npopulation: {size: 40000, delinquent_share: 0.3}", file: "t")
        let model = ModelParameters(table: scenario.parameters, population: scenario.population, compliance: scenario.compliance,
                                    calendar: scenario.calendar, horizonDays: 30)
        let store = AccountStore(capacity: 40000)
        let draws = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        draws.initialize(to: 0)
        defer { draws.deallocate() }
        PopulationGenerator(model: model, drawCounter: draws).fill(store, seed: 3, replication: 0, first: 0, count: 40000)
        var perSegment = [Int](repeating: 0, count: scenario.population.segments.count)
        var delinquent = 0
        for j in 0..<40000 {
            perSegment[Int(store.u(.segment)[j])] += 1
            if store.i(.dpd)[j] > 0 { delinquent += 1 }
            XCTAssertGreaterThan(store.d(.balance)[j], 0)
            XCTAssertLessThanOrEqual(store.d(.arrears)[j], store.d(.balance)[j])
        }
        let n = 40000.0
        for (k, seg) in scenario.population.segments.enumerated() {
            XCTAssertEqual(Double(perSegment[k]) / n, seg.weight, accuracy: 3.2905 * (seg.weight * (1 - seg.weight) / n).squareRoot(), seg.name)
        }
        XCTAssertEqual(Double(delinquent) / n, 0.3, accuracy: 3.2905 * (0.3 * 0.7 / n).squareRoot())
    }

    func testRegimeClockHasGeometricWaitingTimes() {
        // Mean waiting time of a geometric with success probability p is 1/p.
        let p = 0.02
        var m = Moments()
        for i in 0..<100_000 {
            let u = StreamKey(seed: 2, replication: 0, borrower: i).uniform(day: 0, purpose: .capacitySwitch)
            m.add(Double(RegimeClock.nextSwitch(after: 0, probability: p, uniform: u)))
        }
        let sd = (1 - p).squareRoot() / p
        XCTAssertEqual(m.mean, 1 / p, accuracy: 3.2905 * sd / Double(m.count).squareRoot())
        XCTAssertEqual(RegimeClock.nextSwitch(after: 5, probability: 0, uniform: 0.5), Int32.max)
        XCTAssertEqual(RegimeClock.nextSwitch(after: 5, probability: 1, uniform: 0.5), 6)
    }
}
