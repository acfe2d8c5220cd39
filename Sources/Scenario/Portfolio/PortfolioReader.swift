import CollectionsModel
import Crypto
import Foundation

/// Reads a lender's portfolio file (`population: {portfolio: book.csv}`) into an `AccountBook`,
/// checking every row before anything runs.
///
/// The file is CSV as RFC 4180 has it (`CSVRecords`): a header row naming the columns
/// (`PortfolioColumns`), then one row per account; a UTF-8 byte-order mark, CRLF line ends and
/// quoted fields holding commas, quotes or line breaks are read as such. Every problem is
/// reported with the file, its line, the column and the field, and what was expected: up to
/// `InputProblems.listed` of them, then how many more.
public enum PortfolioReader {

    /// Reads `given` for a scenario with segments `segments`; columns in `ignore` are skipped.
    /// `name` is how errors name the file.
    public static func read(_ given: URL, name: String, segments: [String], ignore: [String]) throws -> AccountBook {
        let url = given.resolvingSymlinksInPath()
        var problems = InputProblems(file: name)
        let size: Int
        do { size = try InputFile.size(at: url.path, what: "portfolio") } catch let p as InputFile.Problem {
            throw problems.fatal(line: 0, column: 0, field: "", p.message)
        }
        guard size > 0 else { throw problems.fatal(line: 1, column: 1, field: "", "the portfolio file is empty; it needs a header row and one row per account") }
        let (sha, lineBreaks) = try fingerprint(of: url)

        let segmentBytes = segments.map { Array($0.utf8) }
        var layout: Layout?
        var headerLine = 1
        // One row a line at most: columns sized once, not grown by doubling.
        var book = AccountBook.Builder(capacity: lineBreaks + 1)
        do {
            try CSVRecords(url).forEach { record in
                guard let columns = layout else {
                    headerLine = record.line
                    layout = try Layout(header: record, ignore: ignore, problems: &problems)
                    return true
                }
                if record.isBlank { return true }
                guard record.count == columns.width else {
                    problems.add(line: record.line, column: min(record.count, columns.width) + 1, field: "",
                                 "expected \(columns.width) fields as the header has, found \(record.count)"
                                    + (record.count > columns.width ? " (a value with a comma must be quoted)" : ""))
                    return true
                }
                if let (key, account) = columns.account(record, segments: segments, utf8: segmentBytes, problems: &problems) {
                    book.append(account, key: key)
                }
                return true
            }
        } catch let m as CSVRecords.Malformed {
            throw problems.fatal(line: m.line, column: 1, field: "", m.message)
        }
        guard let layout else { throw problems.fatal(line: 1, column: 1, field: "", "the portfolio file has no header row") }
        if problems.count == 0 && book.count == 0 {
            problems.add(line: headerLine + 1, column: 1, field: "", "the portfolio file has a header but no accounts")
        }
        let built = book.build(path: url.path, sha256: sha, hasRiskScore: layout.has(.riskScore), hasReach: layout.has(.reachable),
                               ignoredColumns: ignore)
        try duplicates(built.repeatedKeys(), url: url, problems: &problems)
        try problems.throwIfAny()
        return built
    }

    /// SHA-256 of the file's bytes, read in pieces.
    public static func sha256(of url: URL) throws -> String { try fingerprint(of: url).sha256 }

    /// SHA-256 of the file's bytes and how many line breaks it has (LF, or CR where there
    /// are more: an old Mac file), in one pass.
    static func fingerprint(of url: URL) throws -> (sha256: String, lineBreaks: Int) {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        var lf = 0, cr = 0
        while let data = try handle.read(upToCount: 1 << 20), !data.isEmpty {
            hasher.update(data: data)
            data.withUnsafeBytes { raw in
                for b in raw { lf &+= b == 0x0A ? 1 : 0; cr &+= b == 0x0D ? 1 : 0 }
            }
        }
        return (hasher.finalize().map { String(format: "%02x", $0) }.joined(), max(lf, cr))
    }

    /// Reports the accounts whose ids repeat (or, far more rarely, whose different ids share a
    /// 64-bit key), given the keys that repeat (`AccountBook.repeatedKeys`): only when some
    /// do is the file read again, for their lines and ids.
    static func duplicates(_ repeated: Set<UInt64>, url: URL, problems: inout InputProblems) throws {
        guard !repeated.isEmpty else { return }
        var first: [UInt64: (line: Int, id: String)] = [:]
        var found: [(line: Int, column: Int, id: String, first: (line: Int, id: String))] = []
        try forEachAccountId(in: url) { line, column, id in
            let key = AccountBook.key(of: id)
            guard repeated.contains(key) else { return }
            let here = (line: line, id: String(decoding: id, as: UTF8.self))
            if let earlier = first[key] { found.append((line, column, here.id, earlier)) } else { first[key] = here }
        }
        for (line, column, id, earlier) in found {
            if id == earlier.id {
                problems.add(line: line, column: column, field: "account_id", "duplicate account id '\(id)' (first on line \(earlier.line)); ids must be unique")
            } else {
                problems.add(line: line, column: column, field: "account_id",
                             "account ids '\(id)' and '\(earlier.id)' (line \(earlier.line)) share a 64-bit draw key; rename one of them")
            }
        }
    }

    /// Calls `body` with the line, the 1-based column and the trimmed id bytes of every account
    /// row of the file, in file order (the passes that need ids again after a book is read).
    static func forEachAccountId(in url: URL, _ body: (_ line: Int, _ column: Int, _ id: ArraySlice<UInt8>) throws -> Void) throws {
        var column: Int?
        try CSVRecords(url).forEach { record in
            guard let c = column else {
                column = idColumn(inHeader: record)
                return column != -1
            }
            if c < record.count && !record.isBlank { try body(record.line, c + 1, record.trimmed(c)) }
            return true
        }
    }

    /// Where the header puts `account_id` (−1: nowhere).
    static func idColumn(inHeader record: CSVRecords.Record) -> Int {
        (0..<record.count).first { record.trimmed($0).elementsEqual(PortfolioColumns.Field.accountId.name.utf8) } ?? -1
    }

    /// Every account's id in file order (a pass over a book already read and checked, for
    /// outputs that name accounts: `accounts.csv`). Throws when the file has changed since.
    public static func accountIds(of book: AccountBook) throws -> [String] {
        guard try fingerprint(of: URL(fileURLWithPath: book.path)).sha256 == book.sha256 else {
            throw ScenarioError(file: book.path, line: 0, column: 0, field: "",
                                message: "the portfolio file changed after the run read it; its account ids cannot be exported (rerun)")
        }
        var ids: [String] = []
        ids.reserveCapacity(book.sample?.fileAccounts ?? book.count)
        try forEachAccountId(in: URL(fileURLWithPath: book.path)) { _, _, id in ids.append(String(decoding: id, as: UTF8.self)) }
        return book.sample.map { sample in sample.fileRows.map { ids[Int($0)] } } ?? ids
    }

    /// Where each known column sits in the file.
    struct Layout {
        /// File column of each of `PortfolioColumns.all` (nil: absent).
        let position: [Int?]
        let width: Int

        func has(_ field: PortfolioColumns.Field) -> Bool { position[field.rawValue] != nil }

        init(header: CSVRecords.Record, ignore: [String], problems: inout InputProblems) throws {
            let position = try InputColumn.positions(in: header, of: PortfolioColumns.all, ignore: ignore, problems: &problems,
                                                     unknown: "the model reads: \(PortfolioColumns.names.joined(separator: ", ")); list a column it should skip under population.ignore_columns")
            self.position = position
            width = header.count
        }

        /// The row as an account, or nil after recording its problems.
        func account(_ row: CSVRecords.Record, segments: [String], utf8 names: [[UInt8]],
                     problems: inout InputProblems) -> (key: UInt64, account: KnownAccount)? {
            var reader = RowReader(row: row, layout: self, problems: problems)
            defer { problems = reader.problems }
            return reader.account(segments: segments, utf8: names)
        }
    }
}
