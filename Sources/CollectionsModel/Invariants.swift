/// What must hold for every account after every settlement, whatever the strategy and the
/// parameters (within the ranges `ParameterCatalog` admits).
///
/// The daily loop has fast paths that keep an account's state in registers for days. A build
/// with `-DCOLLECTSIM_INVARIANTS` checks these after each settlement the loop makes in full and
/// at the end of each short path, so that a fast path that corrupts state stops the run instead
/// of skewing its figures. The test suite is built that way; the release build skips them.
struct AccountInvariants {
    /// The lowest DPD an account can have: before its first due date at entry, or after a cure.
    let lowestDPD: Int
    let maxInitialDPD: Int

    init(model: ModelParameters) {
        // A lender's book may start accounts further from or past their due date than the generator does.
        let book = model.population.book?.dpdRange
        lowestDPD = min(1 - Int(model.coefficients.cycleDays), 1 - model.population.dueWithinDays, book.map { Int($0.lowerBound) } ?? 0)
        maxInitialDPD = max(model.population.maxInitialDPD, book.map { Int($0.upperBound) } ?? 0)
    }

    /// The invariants account `j` of `store` breaks after the settlement of day `day` (−1: at
    /// entry), each as a sentence naming the field, its value and what was expected; empty when
    /// it breaks none.
    ///
    /// Money is compared with a tolerance of 1e-9 of the entry balance and the [0, 1] scores
    /// with 1e-12: far above the rounding a run accumulates, far below any real error.
    func violations(in store: AccountStore, account j: Int, afterSettlementOf day: Int) -> [String] {
        var broken: [String] = []
        func expect(_ holds: Bool, _ what: @autoclosure () -> String) {
            if !holds { broken.append(what()) }
        }
        let flags = AccountFlags(rawValue: store.flags[j])
        let balance0 = store.d(.balance0)[j], balance = store.d(.balance)[j], arrears = store.d(.arrears)[j]
        let collected = store.d(.collected)[j], discounted = store.d(.discounted)[j]
        let money = 1e-9 * max(1, balance0)
        expect(balance.isFinite && balance >= 0 && balance <= balance0 + money, "balance \(balance) outside [0, entry balance \(balance0)]")
        expect(arrears >= -money && arrears <= balance + money, "arrears \(arrears) outside [0, balance \(balance)]")
        expect(abs(balance0 - balance - collected) <= money, "collected \(collected) ≠ entry balance \(balance0) − balance \(balance)")
        expect(discounted >= -money && discounted <= collected + money, "discounted collections \(discounted) outside [0, collected \(collected)]")
        for field in [AccountStore.D.willingness, .literacy, .satisfaction] {
            let v = store.d(field)[j]
            expect(v >= -1e-12 && v <= 1 + 1e-12, "\(field) \(v) outside [0, 1]")
        }
        for field in [AccountStore.D.stress, .pressure, .excitation] {
            let v = store.d(field)[j]
            expect(v.isFinite && v >= 0, "\(field) \(v) not a finite number ≥ 0")
        }
        let stress = store.d(.stress)[j], peak = store.d(.peakStress)[j]
        expect(peak >= stress, "peak stress \(peak) below stress \(stress)")
        // Exponential clocks are redrawn on the day they run out.
        for field in [AccountStore.D.paymentClock, .complaintClock] {
            let v = store.d(field)[j]
            expect(v > 0, "\(field) \(v) not positive")
        }
        let dpd = Int(store.i(.dpd)[j])
        expect(dpd >= lowestDPD && dpd <= maxInitialDPD + day + 1, "DPD \(dpd) outside [\(lowestDPD), \(maxInitialDPD + day + 1)]")
        expect(dpd <= 0 || store.i(.delinquentSince)[j] >= 0, "delinquency start missing at DPD \(dpd)")
        for field in [AccountStore.U.hardship, .closed] {
            expect(store.u(field)[j] <= 1, "\(field) \(store.u(field)[j]) not 0 or 1")
        }
        let chargeoffDay = store.i(.chargeoffDay)[j]
        expect(flags.contains(.chargedOff) == (chargeoffDay != Int32.max),
               "charged-off flag \(flags.contains(.chargedOff)) disagrees with charge-off day \(chargeoffDay)")
        // Dated events happen on their day (a deferral ends at the next day's opening); a closed
        // account is no longer carried, so its dates stay as they were.
        if store.u(.closed)[j] == 0 {
            expect(Int(store.i(.nextSwitch)[j]) > day, "capacity switch due on day \(store.i(.nextSwitch)[j]), not after")
            if flags.contains(.onPlan) {
                let remaining = store.i(.planRemaining)[j], misses = store.i(.planMisses)[j]
                let allowed = store.i(.planBreakAfter)[j], due = store.i(.planNextDue)[j]
                expect(remaining >= 1 && misses < allowed && Int(due) > day,
                       "plan with \(remaining) installments left, \(misses) of \(allowed) misses allowed, next due on day \(due)")
            }
            for (flag, field) in [(AccountFlags.promisePending, AccountStore.I.promiseDue), (.legalPending, .legalDay), (.inDeferral, .deferralUntil)]
                where flags.contains(flag) {
                expect(Int(store.i(field)[j]) > day, "\(field) on day \(store.i(field)[j]), not after")
            }
        }
        return broken
    }

    /// Stops the run when account `j` breaks an invariant after the settlement of `day`.
    @inline(never)
    func check(_ store: AccountStore, account j: Int, afterSettlementOf day: Int) {
        let broken = violations(in: store, account: j, afterSettlementOf: day)
        if !broken.isEmpty {
            fatalError("model invariant broken by account key \(store.keys[j]) after the settlement of day \(day): "
                       + broken.joined(separator: "; "))
        }
    }
}
