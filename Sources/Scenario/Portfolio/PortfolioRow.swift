import CollectionsModel
import Foundation

/// One row of a portfolio file read into a `KnownAccount`, every value checked against its
/// column's declaration (`PortfolioColumns`) and against the others (an amount overdue needs
/// days past due, and is at most the balance). Works on the field's bytes: numbers, grades,
/// flags and channels are parsed and segments matched without making Strings, which keeps
/// reading and checking a 10⁶-row book under two seconds.
struct RowReader {
    typealias Field = PortfolioColumns.Field
    let row: CSVRecords.Record
    let layout: PortfolioReader.Layout
    var problems: InputProblems
    private var ok = true

    init(row: CSVRecords.Record, layout: PortfolioReader.Layout, problems: InputProblems) {
        self.row = row; self.layout = layout; self.problems = problems
    }

    /// The trimmed bytes of `field`; nil when the file has no such column.
    func bytes(_ field: Field) -> ArraySlice<UInt8>? {
        layout.position[field.rawValue].map { row.trimmed($0) }
    }

    mutating func bad(_ field: Field, _ value: ArraySlice<UInt8>, _ expected: String? = nil) {
        ok = false
        let text = String(decoding: value, as: UTF8.self)
        let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
        problems.add(line: row.line, column: layout.position[field.rawValue]! + 1, field: field.name,
                     "'\(shown)': expected \(expected ?? field.column.expected)")
    }

    /// Whether `field`'s bytes are UTF-8 text; records the problem when not.
    mutating func isText(_ field: Field, _ b: ArraySlice<UInt8>) -> Bool {
        // ASCII, the usual case, needs no decoding.
        if !b.contains(where: { $0 >= 0x80 }) || String(validating: b, as: UTF8.self) != nil { return true }
        ok = false
        problems.add(line: row.line, column: layout.position[field.rawValue]! + 1, field: field.name,
                     "not valid UTF-8 text; save the file as UTF-8")
        return false
    }

    /// A decimal number (digits, sign, point, exponent; no thousands separators).
    mutating func number(_ field: Field, optional: Bool = false) -> Double? {
        guard let b = bytes(field) else { return nil }
        if b.isEmpty && optional { return nil }
        guard !b.isEmpty, b.count < 64, b.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D || $0 == 0x2B || $0 == 0x45 || $0 == 0x65 }),
              let v = Self.parseDouble(b), v.isFinite else {
            bad(field, b, "a number like 1234.56")
            return nil
        }
        return v
    }

    static func parseDouble(_ b: ArraySlice<UInt8>) -> Double? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: b.count + 1) { buffer in
            var k = 0
            for byte in b { buffer[k] = CChar(bitPattern: byte); k += 1 }
            buffer[k] = 0
            var end: UnsafeMutablePointer<CChar>?
            let v = strtod(buffer.baseAddress!, &end)
            return end == buffer.baseAddress! + k ? v : nil
        }
    }

    mutating func whole(_ field: Field, _ range: ClosedRange<Int>) -> Int? {
        guard let b = bytes(field) else { return nil }
        var v = 0, negative = false, digits = 0
        for (i, byte) in b.enumerated() {
            if i == 0 && (byte == 0x2D || byte == 0x2B) { negative = byte == 0x2D; continue }
            guard byte >= 0x30 && byte <= 0x39, digits < 12 else { bad(field, b); return nil }
            v = v * 10 + Int(byte - 0x30); digits += 1
        }
        let value = negative ? -v : v
        guard digits > 0, range.contains(value) else { bad(field, b); return nil }
        return value
    }

    /// Whether `b` spells `word` in ASCII, ignoring case (`word` lower case).
    static func spells(_ b: ArraySlice<UInt8>, _ word: StaticString) -> Bool {
        guard b.count == word.utf8CodeUnitCount else { return false }
        let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        return zip(b, w).allSatisfy { ($0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0) == $1 }
    }

    mutating func flag(_ field: Field) -> Bool? {
        guard let b = bytes(field) else { return nil }
        if b.isEmpty || Self.spells(b, "false") || Self.spells(b, "0") || Self.spells(b, "no") || Self.spells(b, "n") { return false }
        if Self.spells(b, "true") || Self.spells(b, "1") || Self.spells(b, "yes") || Self.spells(b, "y") { return true }
        bad(field, b)
        return nil
    }

    /// The channels named in `reachable`, separated by ';'.
    mutating func reach() -> Reach? {
        guard let b = bytes(.reachable) else { return nil }
        var r: Reach = []
        for part in b.split(separator: 0x3B, omittingEmptySubsequences: false) {
            var name = part
            while let c = name.first, c == 0x20 || c == 0x09 { name = name.dropFirst() }
            while let c = name.last, c == 0x20 || c == 0x09 { name = name.dropLast() }
            if name.isEmpty { continue }
            if Self.spells(name, "phone") { r.insert(.phone) } else if Self.spells(name, "sms") { r.insert(.sms) }
            else if Self.spells(name, "email") { r.insert(.email) } else if Self.spells(name, "app") { r.insert(.app) }
            else { bad(.reachable, b); return nil }
        }
        return r
    }

    /// Index of the segment `b` names among `segments` (their UTF-8 bytes).
    mutating func segment(_ segments: [String], utf8 names: [[UInt8]]) -> Int? {
        let b = bytes(.segment)!
        if let k = names.firstIndex(where: { $0.elementsEqual(b) }) { return k }
        guard isText(.segment, b) else { return nil }
        let name = String(decoding: b, as: UTF8.self)
        var e = "one of the scenario's segments (\(segments.joined(separator: ", ")))"
        if let s = Suggest.closest(to: name, in: segments) { e += "; did you mean '\(s)'?" }
        bad(.segment, b, e)
        return nil
    }

    /// A grade letter A–E (either case).
    mutating func grade() -> Grade? {
        let b = bytes(.grade)!
        if b.count == 1, let g = Grade(rawValue: Int(b.first! | 0x20) - 0x61) { return g }
        bad(.grade, b)
        return nil
    }

    /// The row as an account: its id's draw key and what the file says. Nil after recording
    /// the row's problems.
    mutating func account(segments: [String], utf8 names: [[UInt8]]) -> (key: UInt64, account: KnownAccount)? {
        let idBytes = bytes(.accountId)!
        if idBytes.isEmpty || idBytes.count > 200 { bad(.accountId, idBytes) } else { _ = isText(.accountId, idBytes) }
        let segment = segment(segments, utf8: names)
        let grade = grade()
        let balance = number(.balance), overdue = number(.overdue), installment = number(.installment)
        let dpd = whole(.daysPastDue, -365...3650)
        let term = whole(.remainingTerm, 0...1200)
        if let b = balance, b < 0 { bad(.balance, bytes(.balance)!) }
        if let i = installment, i <= 0 { bad(.installment, bytes(.installment)!) }
        if let o = overdue, let b = balance, b >= 0, let d = dpd {
            let field = bytes(.overdue)!
            if o < 0 || o > b + Money.settled {
                bad(.overdue, field, "an amount between 0 and the balance (\(b))")
            } else if d > 0 && o <= 0 {
                bad(.overdue, field, "an amount > 0: the account is \(d) days past due")
            } else if d <= 0 && o > Money.settled {
                bad(.overdue, field, "0: the account is current (days_past_due \(d)); a past-due amount needs days_past_due > 0")
            }
        }
        var risk: Double?
        if let r = number(.riskScore, optional: true) {
            if (0...1).contains(r) { risk = r } else { bad(.riskScore, bytes(.riskScore)!) }
        }
        let reach = reach()
        var flags: KnownFlags = []
        if flag(.onPlan) == true { flags.insert(.onPlan) }
        if flag(.promiseBroken) == true { flags.insert(.promiseBroken) }
        if flag(.hardshipReported) == true { flags.insert(.hardshipReported) }
        if flag(.complainedRecently) == true { flags.insert(.complainedRecently) }
        if flags.contains(.onPlan), let d = dpd, d <= 0 {
            bad(.onPlan, bytes(.onPlan)!, "false: a plan at entry is for an account past due (days_past_due \(d))")
        }
        guard ok, let segment, let grade, let balance, let overdue, let installment, let dpd, let term else { return nil }
        let account = KnownAccount(id: "", segment: segment, grade: grade, balance: balance, overdue: dpd > 0 ? overdue : 0, dpd: dpd,
                                   installment: installment, remainingTerm: term, riskScore: risk, reach: reach, flags: flags)
        return (AccountBook.key(of: idBytes), account)
    }
}
