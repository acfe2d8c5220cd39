import CollectionsModel

/// Writes simulated accounts' monthly states as history rows (`HistoryColumns`, every column in
/// order): what `collectsim run --export-history` writes and `HistoryReader` reads back.
public enum HistoryWriter {
    /// The rows of one account: `strategy` and `id` already CSV fields, `states` from entry
    /// (month 0) to the last month end. Amounts are in cents; what was paid in a month is the
    /// difference of the cents collected by its end and by the previous one, so the months add
    /// up to the total exactly.
    public static func rows(strategy: String, id: String, _ states: [MonthEndState]) -> String {
        var out = ""
        var collectedBefore = 0
        for (month, s) in states.enumerated() {
            let collected = PortfolioWriter.cents(s.collected)
            out += strategy; out += ","; out += id; out += ","; out += String(month); out += ","; out += String(s.dpd); out += ","
            out += PortfolioWriter.decimal(max(PortfolioWriter.cents(s.balance), 0), places: 2); out += ","
            out += PortfolioWriter.decimal(month == 0 ? 0 : collected - collectedBefore, places: 2)
            out += s.chargedOff ? ",true\n" : ",false\n"
            collectedBefore = collected
        }
        return out
    }
}
