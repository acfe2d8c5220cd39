import Foundation

/// The records of a CSV file as RFC 4180 defines them, read in pieces of a few MiB: fields
/// separated by commas, records by LF, CRLF or CR; a field in double quotes may hold commas,
/// line breaks and doubled quotes. A UTF-8 byte-order mark is skipped.
///
/// Fields come out as bytes (their quotes removed, doubled quotes made single), each record
/// with the line it starts on, so that errors can name the line an editor shows. Text is not
/// decoded here: the caller decodes the fields it needs, and so finds bytes that are not UTF-8
/// at their line and column. `field(_:)` writes a value as such a field.
///
/// Why not a library: the CSV readers among the packages this machine carries build a String
/// per field (CSV.swift 2.5.2 decoding every character through Unicode scalars; SwiftCSV 0.10.0
/// after loading the whole file as one String). Converting a 10⁶-account book's numbers took
/// them 9.7 s and 15.9 s (SwiftCSV peaking at 737 MiB), against 1.9 s for reading and checking
/// every row with this reader (`benchmarks/portfolio/measure.sh`; benchmarks/README.md,
/// "Reading a portfolio file").
public struct CSVRecords {
    /// `s` as a CSV field: quoted when it holds a comma, a quote or a line break, quotes doubled.
    /// Bytes are tested, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
    ///
    /// A text that a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a
    /// tab or a carriage return, and is not a number) is written quoted after a `'`, as OWASP
    /// advises against CSV injection; `unescapedText` takes the `'` off again when CollectSim
    /// reads its own files back.
    public static func field(_ s: String) -> String {
        if let first = s.utf8.first, isFormulaStart(first), Double(s) == nil {
            return "\"'" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        guard s.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `v` as a CSV field: the shortest decimal that reads back to the same Double; NaN and
    /// infinities as an empty field.
    public static func number(_ v: Double) -> String { v.isFinite ? "\(v)" : "" }

    /// `=`, `+`, `-`, `@`, tab, carriage return: what a spreadsheet reads as a formula's start.
    static func isFormulaStart(_ b: UInt8) -> Bool { b == 0x3D || b == 0x2B || b == 0x2D || b == 0x40 || b == 0x09 || b == 0x0D }

    /// A text field as `field(_:)` meant it: the `'` written before a formula-like text removed.
    public static func unescapedText(_ s: String) -> String {
        let b = s.utf8
        guard b.count >= 2, b.first == 0x27, isFormulaStart(b[b.index(after: b.startIndex)]) else { return s }
        return String(s.dropFirst())
    }

    /// A malformed file: the line and what is wrong.
    struct Malformed: Error {
        let line: Int
        let message: String
    }

    /// One record: its fields' bytes and the line it starts on.
    struct Record {
        let line: Int
        let bytes: [UInt8]
        let ends: [Int]
        var count: Int { ends.count }
        func field(_ i: Int) -> ArraySlice<UInt8> { bytes[(i == 0 ? 0 : ends[i - 1])..<ends[i]] }
        /// Field `i` without the spaces and tabs around it.
        func trimmed(_ i: Int) -> ArraySlice<UInt8> {
            var f = field(i)
            while let b = f.first, b == 0x20 || b == 0x09 { f = f.dropFirst() }
            while let b = f.last, b == 0x20 || b == 0x09 { f = f.dropLast() }
            return f
        }
        /// Whether the record is an empty line.
        var isBlank: Bool { ends.count == 1 && trimmed(0).isEmpty }
    }

    let url: URL
    let pieceSize: Int

    init(_ url: URL, pieceSize: Int = 4 << 20) {
        self.url = url
        self.pieceSize = pieceSize
    }

    /// Calls `body` with each record in order; `body` returns false to stop early.
    func forEach(_ body: (Record) throws -> Bool) throws {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var tokenizer = Tokenizer()
        while let piece = try handle.read(upToCount: pieceSize), !piece.isEmpty {
            let go = try piece.withUnsafeBytes { try tokenizer.feed($0, body) }
            if !go { return }
        }
        try tokenizer.finish(body)
    }

    /// The reader's state between pieces of the file. A value type with mutating methods, so
    /// that the per-byte loop touches plain stored properties (variables captured by nested
    /// functions would be boxed and checked for exclusive access on every byte).
    private struct Tokenizer {
        var bytes: [UInt8] = [], ends: [Int] = []
        var line = 1, recordLine = 1
        var quoted = false, quoteSeen = false, fieldStart = true, afterCR = false
        /// Bytes of a byte-order mark matched at the start of the file; −1 once past it.
        var bomMatched = 0
        var openedOn = 0

        init() { bytes.reserveCapacity(256); ends.reserveCapacity(32) }

        mutating func endField() { ends.append(bytes.count); fieldStart = true }

        mutating func endRecord(_ body: (Record) throws -> Bool) throws -> Bool {
            endField()
            let go = try body(Record(line: recordLine, bytes: bytes, ends: ends))
            bytes.removeAll(keepingCapacity: true); ends.removeAll(keepingCapacity: true)
            return go
        }

        /// Reads one piece; false when `body` asked to stop.
        mutating func feed(_ raw: UnsafeRawBufferPointer, _ body: (Record) throws -> Bool) throws -> Bool {
            var k = 0
            while k < raw.count {
                let b = raw[k]
                k += 1
                if bomMatched >= 0 {
                    // A UTF-8 byte-order mark, EF BB BF, is skipped, even split between pieces;
                    // a partial one is data (and not UTF-8: the row reader says so).
                    let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
                    if b == bom[bomMatched] {
                        bomMatched = bomMatched == 2 ? -1 : bomMatched + 1
                        continue
                    }
                    if bomMatched > 0 { bytes.append(contentsOf: bom[..<bomMatched]); fieldStart = false }
                    bomMatched = -1
                }
                if afterCR {
                    afterCR = false
                    if b == 0x0A { continue }  // the LF of a CRLF
                }
                if quoted {
                    if quoteSeen {
                        quoteSeen = false
                        if b == 0x22 { bytes.append(0x22); continue }  // a doubled quote
                        quoted = false  // the closing quote; b is what follows the field
                    } else {
                        if b == 0x22 { quoteSeen = true; continue }
                        // Line breaks inside the field are kept as they are; CRLF counts once.
                        if b == 0x0D || (b == 0x0A && bytes.last != 0x0D) { line += 1 }
                        bytes.append(b)
                        continue
                    }
                    guard b == 0x2C || b == 0x0A || b == 0x0D else {
                        throw Malformed(line: line, message: "a quote inside a quoted field must be doubled (\"\"), and the closing quote must end the field")
                    }
                }
                switch b {
                case 0x2C:
                    endField()
                case 0x0A, 0x0D:
                    line += 1
                    afterCR = b == 0x0D
                    let go = try endRecord(body)
                    recordLine = line
                    if !go { return false }
                case 0x22 where fieldStart:
                    quoted = true
                    openedOn = line
                    fieldStart = false
                default:
                    // The rest of an unquoted field goes in one copy, up to the next comma,
                    // line break or quote.
                    var end = k
                    while end < raw.count {
                        let c = raw[end]
                        if c == 0x2C || c == 0x0A || c == 0x0D || c == 0x22 { break }
                        end += 1
                    }
                    bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[(k - 1)..<end]))
                    k = end
                    fieldStart = false
                }
            }
            return true
        }

        /// The last record, when the file does not end with a line break.
        mutating func finish(_ body: (Record) throws -> Bool) throws {
            if quoted && !quoteSeen {
                throw Malformed(line: openedOn, message: "a quoted field opened on this line is never closed")
            }
            if !bytes.isEmpty || !ends.isEmpty || quoteSeen { _ = try endRecord(body) }
        }
    }
}
