import CollectionsModel

/// A column of an input file (a portfolio, a history): its name, whether it must be present,
/// what its values must be and what they mean, as errors and the docs say them.
public struct InputColumn: Sendable {
    public let name: String
    public let required: Bool
    /// What a value must be, as an error message and the docs say it.
    public let expected: String
    public let meaning: String
}

extension InputColumn {
    /// Where each of `columns` sits in a file whose header is `header` (nil: absent), columns
    /// named in `ignore` skipped. Unknown, unnamed and repeated columns and missing or ignored
    /// required ones are problems; `unknown` says, after an unknown column, what is known.
    /// Throws when there are any: rows cannot be read against a wrong header.
    static func positions(in header: CSVRecords.Record, of columns: [InputColumn], ignore: [String], problems: inout InputProblems,
                          unknown: String) throws -> [Int?] {
        let known = columns.map(\.name)
        var position = [Int?](repeating: nil, count: known.count)
        for k in 0..<header.count {
            guard let name = String(validating: header.trimmed(k), as: UTF8.self) else {
                throw problems.fatal(line: header.line, column: k + 1, field: "", "the header is not valid UTF-8 text; save the file as UTF-8")
            }
            if ignore.contains(name) { continue }
            guard let c = known.firstIndex(of: name) else {
                var msg = name.isEmpty ? "a column without a name" : "unknown column '\(name)'"
                if let s = Suggest.closest(to: name, in: known) { msg += "; did you mean '\(s)'?" }
                problems.add(line: header.line, column: k + 1, field: name, msg + " (\(unknown))")
                continue
            }
            guard position[c] == nil else {
                problems.add(line: header.line, column: k + 1, field: name, "column '\(name)' appears twice in the header")
                continue
            }
            position[c] = k
        }
        for (c, column) in columns.enumerated() where column.required {
            if ignore.contains(column.name) {
                problems.add(line: header.line, column: 1, field: column.name, "the required column '\(column.name)' cannot be ignored")
            } else if position[c] == nil {
                problems.add(line: header.line, column: header.count + 1, field: column.name, "the header lacks the required column '\(column.name)'")
            }
        }
        try problems.throwIfAny()
        return position
    }
}

/// The columns of a portfolio file, declared once: the reader checks them, the writer writes
/// them in this order, `docs/portfolio.md` describes them.
public enum PortfolioColumns {
    /// The columns in file order; `Field`'s cases index them.
    public enum Field: Int, CaseIterable, Sendable {
        case accountId, segment, grade, balance, overdue, daysPastDue, installment, remainingTerm
        case riskScore, reachable, onPlan, promiseBroken, hardshipReported, complainedRecently

        public var column: InputColumn {
            switch self {
            case .accountId:
                .init(name: "account_id", required: true, expected: "a non-empty id of at most 200 bytes, unique in the file",
                      meaning: "The lender's account id. Each account's random draws are keyed by it.")
            case .segment:
                .init(name: "segment", required: true, expected: "one of the scenario's segments",
                      meaning: "The borrower segment whose distributions supply what the file does not say.")
            case .grade:
                .init(name: "grade", required: true, expected: "a grade A, B, C, D or E", meaning: "Credit grade (A best).")
            case .balance:
                .init(name: "balance", required: true, expected: "an amount ≥ 0", meaning: "Balance outstanding, in the book's currency.")
            case .overdue:
                .init(name: "overdue", required: true, expected: "an amount between 0 and the balance, > 0 when days_past_due > 0 and 0 otherwise",
                      meaning: "Amount past due (arrears).")
            case .daysPastDue:
                .init(name: "days_past_due", required: true, expected: "a whole number of days from -365 to 3650",
                      meaning: "Days past due; 0 or negative for a current account (−d: the next installment is due in d days).")
            case .installment:
                .init(name: "installment", required: true, expected: "an amount > 0",
                      meaning: "The contractual installment (on a plan: the plan's installment).")
            case .remainingTerm:
                .init(name: "remaining_term", required: true, expected: "a whole number of installments from 0 to 1200",
                      meaning: "Installments left on the loan (on a plan: on the plan).")
            case .riskScore:
                .init(name: "risk_score", required: false, expected: "a number from 0 to 1",
                      meaning: "The lender's risk score as a population percentile (1 = riskiest), what strategies' `risk:` bands test. Drawn when absent.")
            case .reachable:
                .init(name: "reachable", required: false, expected: "channels among phone, sms, email, app separated by ';' (empty: none)",
                      meaning: "Channels the account can be reached on. Drawn from the segment's reach shares when absent.")
            case .onPlan:
                .init(name: "on_plan", required: false, expected: "true or false (also 1/0, yes/no); true only when days_past_due > 0",
                      meaning: "On an installment plan at entry: pays `installment` for `remaining_term` installments, the first one cycle after entry.")
            case .promiseBroken:
                .init(name: "promise_broken", required: false, expected: "true or false (also 1/0, yes/no)",
                      meaning: "Broke a promise to pay before entry.")
            case .hardshipReported:
                .init(name: "hardship_reported", required: false, expected: "true or false (also 1/0, yes/no)",
                      meaning: "Reported hardship: starts in the hardship regime (otherwise the regime is drawn given the DPD).")
            case .complainedRecently:
                .init(name: "complained_recently", required: false, expected: "true or false (also 1/0, yes/no)",
                      meaning: "Complained just before entry: the flag holds for `complaint.recent_days`.")
            }
        }

        public var name: String { column.name }
    }

    public static let all: [InputColumn] = Field.allCases.map(\.column)
    public static var required: [String] { all.filter(\.required).map(\.name) }
    public static var names: [String] { all.map(\.name) }
}
