import CollectionsModel
import Foundation

/// Reads an account history file (`HistoryColumns`) into an `AccountHistory`, checking every
/// row and every account's months before anything uses them.
///
/// CSV as `CSVRecords` reads it. Problems are reported with the file, line, column and field
/// and what was expected, up to `InputProblems.listed`, then how many more: values out of
/// range, a month given twice, an account without month 0, a gap in an account's months, and
/// an account that leaves the file while still open (only a settled or charged-off account may
/// stop before the history's last month). A history has at least one month after month 0.
public enum HistoryReader {
    typealias Field = HistoryColumns.Field

    /// Reads `url`; columns named in `ignore` are skipped. `name` is how errors name the file.
    public static func read(_ url: URL, name: String, ignore: [String] = []) throws -> AccountHistory {
        var problems = InputProblems(file: name)
        let size: Int
        do { size = try InputFile.size(at: url.path, what: "history") } catch let p as InputFile.Problem {
            throw problems.fatal(line: 0, column: 0, field: "", p.message)
        }
        guard size > 0 else {
            throw problems.fatal(line: 1, column: 1, field: "", "the history file is empty; it needs a header row and one row per account and month")
        }
        var position: [Int?]?
        var width = 0
        // Per book (strategy), per account: its rows' months and points, with their lines.
        var bookIndex: [String: Int] = [:]
        var books: [(strategy: String, index: [String: Int], ids: [String], rows: [[(month: Int, line: Int, point: AccountHistory.Point)]])] = []
        var lastMonth = 0
        do {
            try CSVRecords(url).forEach { record in
                guard let columns = position else {
                    position = try InputColumn.positions(in: record, of: HistoryColumns.all, ignore: ignore, problems: &problems,
                                                         unknown: "a history has: \(HistoryColumns.names.joined(separator: ", ")); skip others with --ignore-columns")
                    width = record.count
                    return true
                }
                if record.isBlank { return true }
                guard record.count == width else {
                    problems.add(line: record.line, column: min(record.count, width) + 1, field: "",
                                 "expected \(width) fields as the header has, found \(record.count)")
                    return true
                }
                var row = Row(record: record, position: columns, problems: problems)
                let parsed = row.parse()
                problems = row.problems
                guard let (strategy, id, month, point) = parsed else { return true }
                let b = bookIndex[strategy] ?? {
                    books.append((strategy, [:], [], []))
                    bookIndex[strategy] = books.count - 1
                    return books.count - 1
                }()
                if let a = books[b].index[id] {
                    books[b].rows[a].append((month, record.line, point))
                } else {
                    books[b].index[id] = books[b].ids.count
                    books[b].ids.append(id)
                    books[b].rows.append([(month, record.line, point)])
                }
                lastMonth = max(lastMonth, month)
                return true
            }
        } catch let m as CSVRecords.Malformed {
            throw problems.fatal(line: m.line, column: 1, field: "", m.message)
        }
        guard let columns = position else { throw problems.fatal(line: 1, column: 1, field: "", "the history file has no header row") }
        if problems.count == 0 && books.isEmpty {
            problems.add(line: 2, column: 1, field: "", "the history file has a header but no rows")
        }
        if problems.count == 0 && !books.isEmpty && lastMonth == 0 {
            problems.add(line: 2, column: columns[Field.month.rawValue]! + 1, field: "month", "the history has only month 0; it needs at least one month end after it")
        }
        try problems.throwIfAny()
        let monthColumn = columns[Field.month.rawValue]! + 1
        var complete: [AccountHistory.Book] = []
        for book in books {
            var points: [[AccountHistory.Point]] = []
            var firstLines: [Int] = []
            points.reserveCapacity(book.ids.count)
            for (a, unsorted) in book.rows.enumerated() {
                let rows = unsorted.sorted { ($0.month, $0.line) < ($1.month, $1.line) }
                let id = book.ids[a]
                guard rows[0].month == 0 else {
                    problems.add(line: rows[0].line, column: monthColumn, field: "month",
                                 "account '\(id)' starts at month \(rows[0].month); every account needs a month-0 row (the book at the start)")
                    continue
                }
                var panel: [AccountHistory.Point] = []
                panel.reserveCapacity(lastMonth + 1)
                var ok = true
                for (k, r) in rows.enumerated() where k > 0 {
                    if r.month == rows[k - 1].month {
                        problems.add(line: r.line, column: monthColumn, field: "month",
                                     "account '\(id)' has month \(r.month) twice (first on line \(rows[k - 1].line))")
                        ok = false
                    } else if r.month != rows[k - 1].month + 1 {
                        problems.add(line: r.line, column: monthColumn, field: "month",
                                     "account '\(id)' jumps from month \(rows[k - 1].month) (line \(rows[k - 1].line)) to \(r.month); months must follow one another")
                        ok = false
                    }
                }
                guard ok else { continue }
                panel = rows.map(\.point)
                panel[0].paid = 0
                if let last = rows.last, last.month < lastMonth {
                    let bucket = last.point.bucket
                    guard bucket == 5 || bucket == 6 else {
                        problems.add(line: last.line, column: monthColumn, field: "month",
                                     "account '\(id)' ends at month \(last.month) while open (\(Tally.rollBuckets[bucket])), but the history runs to month \(lastMonth); "
                                        + "only a settled or charged-off account may leave the file early")
                        continue
                    }
                    var carried = last.point
                    carried.paid = 0
                    panel += Array(repeating: carried, count: lastMonth - last.month)
                }
                points.append(panel)
                firstLines.append(rows[0].line)
            }
            complete.append(.init(strategy: book.strategy, ids: book.ids, points: points, firstLines: firstLines))
        }
        try problems.throwIfAny()
        return AccountHistory(file: name, books: complete, months: lastMonth)
    }

    /// One row's fields, checked.
    struct Row {
        let record: CSVRecords.Record
        let position: [Int?]
        var problems: InputProblems
        private var ok = true

        init(record: CSVRecords.Record, position: [Int?], problems: InputProblems) {
            self.record = record; self.position = position; self.problems = problems
        }

        func bytes(_ f: Field) -> ArraySlice<UInt8>? { position[f.rawValue].map { record.trimmed($0) } }

        mutating func bad(_ f: Field, _ b: ArraySlice<UInt8>, _ expected: String? = nil) {
            ok = false
            let text = String(decoding: b, as: UTF8.self)
            problems.add(line: record.line, column: position[f.rawValue]! + 1, field: f.name,
                         "'\(text.count > 40 ? String(text.prefix(40)) + "…" : text)': expected \(expected ?? f.column.expected)")
        }

        mutating func text(_ f: Field) -> String? {
            guard let b = bytes(f) else { return nil }
            guard !b.isEmpty, b.count <= 200, let s = String(validating: b, as: UTF8.self) else { bad(f, b); return nil }
            return CSVRecords.unescapedText(s)
        }

        mutating func whole(_ f: Field, _ range: ClosedRange<Int>) -> Int? {
            guard let b = bytes(f) else { return nil }
            guard b.count < 12, let v = Int(String(decoding: b, as: UTF8.self)), range.contains(v) else { bad(f, b); return nil }
            return v
        }

        mutating func amount(_ f: Field) -> Double? {
            guard let b = bytes(f) else { return nil }
            guard let v = RowReader.parseDouble(b), v.isFinite, v >= 0,
                  b.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D || $0 == 0x2B || $0 == 0x45 || $0 == 0x65 }) else {
                bad(f, b); return nil
            }
            return v
        }

        mutating func flag(_ f: Field) -> Bool? {
            guard let b = bytes(f) else { return false }
            if RowReader.spells(b, "true") || RowReader.spells(b, "1") || RowReader.spells(b, "yes") { return true }
            if RowReader.spells(b, "false") || RowReader.spells(b, "0") || RowReader.spells(b, "no") || b.isEmpty { return false }
            bad(f, b)
            return nil
        }

        /// The row's book, account, month and point; nil after recording its problems.
        mutating func parse() -> (String, String, Int, AccountHistory.Point)? {
            let strategy = position[Field.strategy.rawValue] == nil ? "" : text(.strategy)
            let id = text(.accountId)
            let month = whole(.month, 0...1200)
            let dpd = whole(.daysPastDue, -365...3650)
            let balance = amount(.balance)
            let paid = amount(.paid)
            let chargedOff = flag(.chargedOff)
            guard ok, let strategy, let id, let month, let dpd, let balance, let paid, let chargedOff else { return nil }
            return (strategy, id, month, .init(dpd: Int32(dpd), balance: balance, paid: paid, chargedOff: chargedOff))
        }
    }
}
