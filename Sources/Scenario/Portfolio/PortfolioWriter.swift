import CollectionsModel
import Foundation

/// Writes accounts as a portfolio file: the header of every column in `PortfolioColumns`
/// order, then one row per account, amounts in cents, RFC 4180 quoting where a value needs it.
public enum PortfolioWriter {
    public static var header: String { PortfolioColumns.names.joined(separator: ",") + "\n" }

    /// Rows for `accounts` of a scenario with segments `segments`.
    public static func rows(_ accounts: [KnownAccount], segments: [String]) -> String {
        var out = ""
        out.reserveCapacity(accounts.count * 110)
        let segmentFields = segments.map(CSVRecords.field)
        for a in accounts {
            let past = a.dpd > 0
            // Amounts are written in cents; a past-due account keeps at least a cent overdue
            // and an installment of at least a cent, so that the file reads back as written.
            let balance = cents(a.balance)
            let overdue = past ? min(max(cents(a.overdue), 1), max(balance, 1)) : 0
            out += CSVRecords.field(a.id); out += ","; out += segmentFields[a.segment]; out += ","; out += a.grade.name; out += ","
            out += decimal(max(balance, overdue), places: 2); out += ","; out += decimal(overdue, places: 2); out += ","
            out += String(a.dpd); out += ","; out += decimal(max(cents(a.installment), 1), places: 2); out += ","
            out += String(a.remainingTerm); out += ","
            if let r = a.riskScore { out += decimal(Int((r * 1e6).rounded()), places: 6) }
            out += ","
            if let r = a.reach { out += Reach.named.filter { r.contains($0.1) }.map(\.0).joined(separator: ";") }
            for (_, flag) in KnownFlags.named { out += a.flags.contains(flag) ? ",true" : ",false" }
            out += "\n"
        }
        return out
    }

    /// An amount in whole cents.
    public static func cents(_ x: Double) -> Int { Int((x * 100).rounded()) }

    /// `units` / 10^places written with exactly `places` decimals (no `String(format:)`, which
    /// is slow enough on Linux to dominate writing a large book).
    public static func decimal(_ units: Int, places: Int) -> String {
        var scale = 1
        for _ in 0..<places { scale *= 10 }
        let whole = String(units.magnitude / UInt(scale)), fraction = String(units.magnitude % UInt(scale))
        return (units < 0 ? "-" : "") + whole + "." + String(repeating: "0", count: places - fraction.count) + fraction
    }
}
