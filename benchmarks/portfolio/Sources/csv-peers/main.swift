// csv-peers READER FILE: reads a portfolio file with READER (csv-swift or swiftcsv), converts
// the eight numeric columns of every row to numbers and sums them (so nothing is optimised
// away), and prints the rows read, the sum and the seconds taken.
import CSV
import Foundation
import SwiftCSV

let arguments = CommandLine.arguments
guard arguments.count == 3, ["csv-swift", "swiftcsv"].contains(arguments[1]) else {
    FileHandle.standardError.write(Data("usage: csv-peers csv-swift|swiftcsv FILE\n".utf8))
    exit(64)
}
let path = arguments[2]
let numeric = ["balance", "overdue", "days_past_due", "installment", "remaining_term", "risk_score"]
let start = Date()
var rows = 0
var sum = 0.0

@MainActor func add(_ field: String?) { sum += field.flatMap(Double.init) ?? 0 }

switch arguments[1] {
case "csv-swift":
    // Streams the file; each row comes out as [String].
    guard let stream = InputStream(fileAtPath: path) else { exit(66) }
    let reader = try CSVReader(stream: stream, hasHeaderRow: true)
    let header = reader.headerRow ?? []
    let columns = numeric.compactMap { header.firstIndex(of: $0) }
    while let row = reader.next() {
        rows += 1
        for c in columns where c < row.count { add(row[c]) }
    }
default:
    // Loads the whole file as a String, then splits it into rows of [String].
    let csv = try EnumeratedCSV(url: URL(fileURLWithPath: path), loadColumns: false)
    let columns = numeric.compactMap { csv.header.firstIndex(of: $0) }
    for row in csv.rows {
        rows += 1
        for c in columns where c < row.count { add(row[c]) }
    }
}
print("\(arguments[1]): \(rows) rows, sum \(sum), \(String(format: "%.2f", Date().timeIntervalSince(start))) s")
