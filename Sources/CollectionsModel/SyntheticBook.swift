import Foundation

/// Generated accounts as a lender's file would show them: the observable start of a scenario's
/// cohort (`collectsim portfolio` writes it as a portfolio file, a template to fill with real
/// data and a book to test with).
public enum SyntheticBook {
    /// Accounts `first ..< first + count` of replication 0 under `seed`, with ids `A00000001`…
    /// in generation order. The remaining term is the installments the balance still needs,
    /// ⌈balance / installment⌉; the risk score and reachable channels are written as drawn.
    public static func accounts(model: ModelParameters, seed: UInt64, first: Int, count: Int) -> [KnownAccount] {
        let store = AccountStore(capacity: count)
        let counter = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        counter.initialize(to: 0)
        let records = UnsafeMutableBufferPointer<BookRecord>.allocate(capacity: model.population.book == nil ? 0 : count)
        defer { counter.deallocate(); records.deallocate() }
        PopulationGenerator(model: model, drawCounter: counter).fill(store, seed: seed, replication: 0, first: first, count: count,
                                                                     bookRecords: records)
        return (0..<count).map { j in
            let channels = store.u(.reach)[j]
            var reach: Reach = []
            if channels & (1 << UInt8(Channel.call.rawValue)) != 0 { reach.insert(.phone) }
            if channels & (1 << UInt8(Channel.sms.rawValue)) != 0 { reach.insert(.sms) }
            if channels & (1 << UInt8(Channel.email.rawValue)) != 0 { reach.insert(.email) }
            if channels & (1 << UInt8(Channel.push.rawValue)) != 0 { reach.insert(.app) }
            let balance = store.d(.balance)[j], installment = store.d(.installment)[j]
            let number = String(first + j + 1)
            return KnownAccount(id: "A" + String(repeating: "0", count: max(0, 8 - number.count)) + number, segment: Int(store.u(.segment)[j]),
                                grade: Grade(rawValue: Int(store.u(.grade)[j]))!, balance: balance,
                                overdue: store.d(.arrears)[j], dpd: Int(store.i(.dpd)[j]), installment: installment,
                                remainingTerm: Int((balance / installment - 1e-9).rounded(.up)),
                                riskScore: store.d(.risk)[j], reach: reach)
        }
    }
}
