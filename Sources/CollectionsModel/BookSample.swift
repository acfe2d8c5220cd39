/// A stratified sample of a lender's book (`population: {portfolio: book.csv, sample: n}`):
/// fewer accounts to simulate, metrics and curves that still estimate the whole book.
///
/// Strata are segment × grade × DPD bucket, the buckets those of the roll-rate matrix
/// (`Tally.rollBuckets`: current, 1–29, 30–59, 60–89, 90–179, 180+, and settled for a zero
/// balance). With N accounts in the file, N_h in stratum h and a sample of n, the stratum gets
///
///     n_h = ⌊n·N_h/N⌋, plus one for the n − Σ⌊·⌋ strata of largest remainder n·N_h/N − ⌊n·N_h/N⌋
///
/// (proportional allocation; ties to the earlier stratum), so every stratum keeps its share of
/// the book to within one account and the sample is self-weighting: each account stands for
/// N_h/n_h ≈ N/n of the book's, and the per-account rates and curves the reports show estimate
/// the book's without reweighting. Within a stratum the n_h accounts of smallest
/// mix(draw key) are taken: the sample depends on the file's accounts and n only, not on their
/// order, the seed or the machine, so a re-run, a resumed run and every shard of a cluster run
/// simulate the same accounts.
extension AccountBook {
    /// How a sample was drawn.
    public struct Sample: Sendable {
        /// Accounts in the file.
        public let fileAccounts: Int
        /// Non-empty strata in the file.
        public let strata: Int
        /// Largest and smallest N_h/n_h over the strata sampled (the accounts each sampled
        /// account stands for); equal when allocation is exact.
        public let weightRange: ClosedRange<Double>
        /// Each sampled account's position among the file's accounts (ascending).
        public let fileRows: [Int32]
    }

    /// Stratum of account `i`: segment × grade × DPD bucket.
    func sampleStratum(_ i: Int) -> Int {
        let bucket = Int(Tally.rollBucket(balance: balance[i], chargedOffOrClosed: false, dpd: dpd[i]))
        return (Int(segment[i]) * Grade.allCases.count + Int(grade[i])) * Tally.rollBuckets.count + bucket
    }

    /// `size` accounts of this book drawn as the type's documentation says; the whole book when
    /// `size` is at least its count.
    public func stratifiedSample(_ size: Int) -> AccountBook {
        guard size < count else { return self }
        var members: [Int: [Int]] = [:]
        for i in 0..<count { members[sampleStratum(i), default: []].append(i) }
        let strata = members.keys.sorted()
        let quotas = strata.map { Double(size) * Double(members[$0]!.count) / Double(count) }
        var allocation = quotas.map { Int($0.rounded(.down)) }
        let left = size - allocation.reduce(0, +)
        let byRemainder = strata.indices.sorted { a, b in
            let ra = quotas[a] - Double(allocation[a]), rb = quotas[b] - Double(allocation[b])
            return ra != rb ? ra > rb : a < b
        }
        for k in byRemainder.prefix(left) { allocation[k] += 1 }
        var rows: [Int] = []
        rows.reserveCapacity(size)
        var weights: [Double] = []
        for (k, stratum) in strata.enumerated() where allocation[k] > 0 {
            let chosen = members[stratum]!.sorted { Self.samplingOrder(idKey[$0]) < Self.samplingOrder(idKey[$1]) }.prefix(allocation[k])
            rows.append(contentsOf: chosen)
            weights.append(Double(members[stratum]!.count) / Double(allocation[k]))
        }
        rows.sort()
        let sample = Sample(fileAccounts: count, strata: strata.count, weightRange: weights.min()!...weights.max()!,
                            fileRows: rows.map { Int32($0) })
        return AccountBook(self, rows: rows, sample: sample)
    }

    /// An account's place in its stratum's sampling order: its draw key mixed once more, so the
    /// order is unrelated to the draws the account then meets.
    static func samplingOrder(_ key: UInt64) -> UInt64 {
        var h = key ^ 0x5A4D_504C_4553_414D  // "SAMPLESZ": a constant of this purpose only
        h = (h ^ (h >> 30)) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ (h >> 27)) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 31)
    }
}
