import CollectionsModel

/// An account-level monthly history, checked and complete: for each book in it (one, or one
/// per strategy of a simulated history), every account's state at month 0 and at the end of
/// every later month up to the history's last.
///
/// An account may leave a lender's file once it is settled or charged off; it is carried to
/// the end in that state, paying nothing, as the model carries a closed account (its roll
/// bucket repeats every month, `Tally.addRoll`).
public struct AccountHistory: Sendable {
    /// One account at one month's end.
    public struct Point: Sendable, Hashable {
        public var dpd: Int32
        public var balance: Double
        /// Paid during the month (0 at month 0).
        public var paid: Double
        public var chargedOff: Bool

        public init(dpd: Int32, balance: Double, paid: Double, chargedOff: Bool) {
            self.dpd = dpd; self.balance = balance; self.paid = paid; self.chargedOff = chargedOff
        }

        /// The roll bucket (`Tally.rollBuckets`) the model would put the account in.
        public var bucket: Int { Int(Tally.rollBucket(balance: balance, chargedOffOrClosed: chargedOff, dpd: dpd)) }
    }

    /// One book's accounts, in the order they first appear in the file.
    public struct Book: Sendable {
        /// The `strategy` column's value; empty when the file has none.
        public var strategy: String
        public var ids: [String]
        /// Per account, months 0…`months`.
        public var points: [[Point]]
        /// Per account, the line of its month-0 row.
        public var firstLines: [Int]
    }

    /// Where the history was read from, as errors name it.
    public var file: String
    public var books: [Book]
    /// The last month of the history (every account runs to it).
    public var months: Int

    public init(file: String, books: [Book], months: Int) {
        self.file = file; self.books = books; self.months = months
    }
}
