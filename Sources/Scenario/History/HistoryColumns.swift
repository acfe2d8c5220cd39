/// The columns of an account history file, declared once: `HistoryReader` checks them,
/// `collectsim run --export-history` writes them in this order, `docs/portfolio.md` describes
/// them.
///
/// A history is a monthly panel: one row per account and month. Month 0 is the book as it
/// stood at the start (the book a backtest runs); month m ≥ 1 is the account at the end of the
/// m-th 30-day month after it, with what it paid during that month.
public enum HistoryColumns {
    public enum Field: Int, CaseIterable, Sendable {
        case strategy, accountId, month, daysPastDue, balance, paid, chargedOff

        public var column: InputColumn {
            switch self {
            case .strategy:
                .init(name: "strategy", required: false, expected: "a non-empty name",
                      meaning: "The strategy the account was collected with, when the file holds several books' histories (simulated ones). Absent: one book.")
            case .accountId:
                .init(name: "account_id", required: true, expected: "a non-empty id of at most 200 bytes",
                      meaning: "The lender's account id, as in the portfolio file.")
            case .month:
                .init(name: "month", required: true, expected: "a whole number of months from 0 to 1200",
                      meaning: "0: the book at the start; m: the end of the m-th 30-day month after it.")
            case .daysPastDue:
                .init(name: "days_past_due", required: true, expected: "a whole number of days from -365 to 3650",
                      meaning: "Days past due at that month's end; 0 or negative when current (−d: the next installment is due in d days).")
            case .balance:
                .init(name: "balance", required: true, expected: "an amount ≥ 0",
                      meaning: "Balance outstanding at that month's end, in the book's currency; 0 once paid off.")
            case .paid:
                .init(name: "paid", required: true, expected: "an amount ≥ 0",
                      meaning: "Amount the borrower paid during that month (month 0: not used).")
            case .chargedOff:
                .init(name: "charged_off", required: false, expected: "true or false (also 1/0, yes/no)",
                      meaning: "Charged off (or closed by a court unpaid) by that month's end; stays true. Absent: charged off when days_past_due ≥ 180.")
            }
        }

        public var name: String { column.name }
    }

    public static let all: [InputColumn] = Field.allCases.map(\.column)
    public static var names: [String] { all.map(\.name) }
    /// The header `run --export-history` writes (every column, file order).
    public static var header: String { names.joined(separator: ",") + "\n" }
}
