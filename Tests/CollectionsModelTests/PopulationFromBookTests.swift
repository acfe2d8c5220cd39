@testable import CollectionsModel
import Scenario
import Stochastics
import XCTest

/// A lender's book as the population: draws keyed by account id, and what the file cannot
/// know drawn given what it says, by the generator's own rules.
final class PopulationFromBookTests: XCTestCase {
    func scenario(_ yaml: String = "name: p") throws -> Scenario { try ScenarioLoader.parse(yaml: yaml, file: "t") }

    func model(_ s: Scenario, book: AccountBook?) -> ModelParameters {
        var population = s.population
        if let book { population.book = book; population.size = book.count }
        return ModelParameters(table: s.parameters, population: population, compliance: s.compliance, calendar: s.calendar, horizonDays: 30)
    }

    func book(_ accounts: [KnownAccount]) -> AccountBook {
        var b = AccountBook.Builder()
        for a in accounts { b.append(a) }
        return b.build(path: "/t/book.csv", sha256: "t", hasRiskScore: false, hasReach: false, ignoredColumns: [])
    }

    func fill(_ model: ModelParameters, count: Int, seed: UInt64) -> AccountStore {
        let store = AccountStore(capacity: count)
        let draws = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        draws.initialize(to: 0)
        let records = UnsafeMutableBufferPointer<BookRecord>.allocate(capacity: count)
        defer { draws.deallocate(); records.deallocate() }
        PopulationGenerator(model: model, drawCounter: draws).fill(store, seed: seed, replication: 0, first: 0, count: count, bookRecords: records)
        return store
    }

    /// Latent z = −ln(multiplier)/β of account j.
    func latent(_ store: AccountStore, _ j: Int, beta: Double) -> Double { -log(store.d(.baseMultiplier)[j]) / beta }

    func testTheSameAccountMeetsTheSameDrawsWhereverItStandsInTheFileAndWhateverIsAdded() throws {
        let s = try scenario()
        let generated = SyntheticBook.accounts(model: model(s, book: nil), seed: 11, first: 0, count: 3000).map {
            var a = $0; a.riskScore = nil; a.reach = nil; return a   // drawn, so keyed draws decide them
        }
        // Another order: by the ids' hash, a fixed permutation unrelated to the row order.
        let shuffled = generated.sorted { AccountBook.key(of: $0.id) < AccountBook.key(of: $1.id) }
        let extra = SyntheticBook.accounts(model: model(s, book: nil), seed: 12, first: 3000, count: 500)
        let books = [generated, shuffled, shuffled + extra]
        let stores = books.map { fill(model(s, book: book($0)), count: $0.count, seed: 9) }
        let rows = books.map { accounts in Dictionary(uniqueKeysWithValues: accounts.enumerated().map { ($1.id, $0) }) }
        let fields: [AccountStore.D] = [.risk, .baseMultiplier, .willingness, .literacy, .kappa, .paymentClock, .complaintClock]
        for a in generated {
            let j0 = rows[0][a.id]!
            for k in 1..<books.count {
                let j = rows[k][a.id]!
                XCTAssertEqual(stores[k].keys[j], stores[0].keys[j0], a.id)
                for f in fields { XCTAssertEqual(stores[k].d(f)[j], stores[0].d(f)[j0], "\(a.id) \(f)") }
                XCTAssertEqual(stores[k].u(.hardship)[j], stores[0].u(.hardship)[j0], a.id)
                XCTAssertEqual(stores[k].u(.reach)[j], stores[0].u(.reach)[j0], a.id)
                XCTAssertEqual(stores[k].i(.nextSwitch)[j], stores[0].i(.nextSwitch)[j0], a.id)
            }
        }
    }

    func testWhatTheFileSaysIsTakenAsItIs() throws {
        let s = try scenario()
        let accounts = [
            KnownAccount(id: "current", segment: 1, grade: .B, balance: 1234.5, overdue: 0, dpd: -7, installment: 100, remainingTerm: 13,
                         riskScore: 0.3, reach: [.email], flags: [.complainedRecently]),
            KnownAccount(id: "late", segment: 2, grade: .E, balance: 800, overdue: 240, dpd: 75, installment: 80, remainingTerm: 4,
                         reach: [], flags: [.onPlan, .hardshipReported, .promiseBroken]),
            KnownAccount(id: "written-off", segment: 0, grade: .D, balance: 500, overdue: 100, dpd: 200, installment: 50, remainingTerm: 10),
        ]
        let m = model(s, book: book(accounts))
        let store = fill(m, count: 3, seed: 1)
        XCTAssertEqual((0..<3).map { Int(store.u(.segment)[$0]) }, [1, 2, 0])
        XCTAssertEqual((0..<3).map { Int(store.u(.grade)[$0]) }, [1, 4, 3])
        XCTAssertEqual((0..<3).map { store.d(.balance)[$0] }, [1234.5, 800, 500])
        XCTAssertEqual((0..<3).map { store.d(.arrears)[$0] }, [0, 240, 500], "charged off at entry: the whole balance is due")
        XCTAssertEqual((0..<3).map { store.i(.dpd)[$0] }, [-7, 75, 200])
        XCTAssertEqual((0..<3).map { store.d(.installment)[$0] }, [100, 80, 50])
        XCTAssertEqual(store.d(.risk)[0], 0.3)
        XCTAssertEqual(store.u(.reach)[0], 1 << UInt8(Channel.email.rawValue))
        XCTAssertEqual(store.u(.reach)[1], 0)
        let flags = (0..<3).map { AccountFlags(rawValue: store.flags[$0]) }
        XCTAssertEqual(flags[0], [.complainedRecently])
        XCTAssertEqual(flags[1], [.onPlan, .hardshipReported, .promiseBroken])
        XCTAssertEqual(flags[2], [.chargedOff])
        XCTAssertEqual(store.u(.hardship)[1], 1, "reported hardship is hardship")
        XCTAssertEqual(store.i(.planRemaining)[1], 4)
        XCTAssertEqual(store.d(.planAmount)[1], 80)
        XCTAssertEqual(store.i(.planNextDue)[1], Int32(s.parameters["payment.cycle_days"]))
        XCTAssertEqual(store.i(.planBreakAfter)[1], Int32(s.parameters["plan.entry_break_after"]))
        XCTAssertEqual(store.i(.lastComplaint)[0], -1)
        let invariants = AccountInvariants(model: m)
        for j in 0..<3 { XCTAssertEqual(invariants.violations(in: store, account: j, afterSettlementOf: -1), [], "account \(j)") }
    }

    /// The generator's accounts written as a book and read back: the latent propensity and the
    /// capacity regime drawn from the book follow, stratum by stratum, the joint distribution the
    /// generator made them with. Each comparison is a difference of two independent means with
    /// a 99.9% two-sided bound (3.29 standard errors); nothing is tuned.
    func testLatentStateDrawnFromABookFollowsTheGeneratorsConditionalDistribution() throws {
        let s = try scenario("name: p\npopulation: {delinquent_share: 0.3}")
        let n = 60_000
        let generatorModel = model(s, book: nil)
        let truth = fill(generatorModel, count: n, seed: 21)
        let accounts = SyntheticBook.accounts(model: generatorModel, seed: 21, first: 0, count: n).map {
            var a = $0; a.riskScore = nil; a.reach = nil; return a
        }
        let drawn = fill(model(s, book: book(accounts)), count: n, seed: 77)
        let beta = s.parameters["payment.propensity_effect"]

        func stratum(_ store: AccountStore, _ j: Int) -> String {
            let d = store.i(.dpd)[j]
            return "grade \(store.u(.grade)[j]) " + (d <= 0 ? "current" : d < 30 ? "1-29" : d < 90 ? "30-89" : "90+")
        }
        func moments(_ store: AccountStore, _ value: (Int) -> Double) -> [String: (mean: Double, variance: Double, n: Double)] {
            var groups: [String: [Double]] = [:]
            for j in 0..<n { groups[stratum(store, j), default: []].append(value(j)) }
            return groups.mapValues { v in
                let m = v.reduce(0, +) / Double(v.count)
                return (m, v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(max(v.count - 1, 1)), Double(v.count))
            }
        }
        var compared = 0
        for (name, value) in [("latent z", { (st: AccountStore, j: Int) in self.latent(st, j, beta: beta) }),
                              ("hardship", { (st: AccountStore, j: Int) in Double(st.u(.hardship)[j]) })] {
            let a = moments(truth) { value(truth, $0) }, b = moments(drawn) { value(drawn, $0) }
            XCTAssertEqual(Set(a.keys), Set(b.keys))
            for (key, x) in a where x.n >= 200 {
                let y = b[key]!
                XCTAssertEqual(x.n, y.n, "the book keeps every account's stratum")
                let se = (x.variance / x.n + y.variance / y.n).squareRoot()
                XCTAssertLessThanOrEqual(abs(x.mean - y.mean), 3.29 * se + 1e-12, "\(name), \(key): generator \(x.mean), from the book \(y.mean)")
                compared += 1
            }
        }
        XCTAssertGreaterThan(compared, 20, "enough strata to compare")
        // And the conditioning matters: a 90+ DPD account is weaker than a current one of its grade.
        let z = moments(drawn) { self.latent(drawn, $0, beta: beta) }
        XCTAssertGreaterThan(z["grade 2 90+"]!.mean, z["grade 2 current"]!.mean + 0.5)
    }
}
