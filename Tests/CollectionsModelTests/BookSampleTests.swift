@testable import CollectionsModel
import XCTest

/// A stratified sample of a book: proportional to within one account per stratum, the same
/// accounts whatever the file's order.
final class BookSampleTests: XCTestCase {
    /// A book of `n` accounts over every segment, grade and DPD bucket, unevenly.
    func book(_ n: Int, reversed: Bool = false) -> AccountBook {
        var b = AccountBook.Builder()
        let order = reversed ? Array((0..<n).reversed()) : Array(0..<n)
        for i in order {
            let dpd = [-3, 0, 5, 40, 70, 120, 200][(i * i) % 7]
            b.append(KnownAccount(id: "id-\(i)", segment: i % 3, grade: Grade(rawValue: (i / 3) % 5)!, balance: i % 97 == 0 ? 0 : 1000,
                                  overdue: dpd > 0 && i % 97 != 0 ? 100 : 0, dpd: dpd, installment: 50, remainingTerm: 20))
        }
        return b.build(path: "/book.csv", sha256: "x", hasRiskScore: false, hasReach: false, ignoredColumns: [])
    }

    func testEachStratumKeepsItsShareOfTheBookToWithinOneAccount() {
        let full = book(10_000)
        let sample = full.stratifiedSample(1_234)
        XCTAssertEqual(sample.count, 1_234)
        XCTAssertEqual(sample.sample?.fileAccounts, 10_000)
        var inFile: [Int: Int] = [:], inSample: [Int: Int] = [:]
        for r in full.column(\.self) { inFile[AccountBook.sampleStratum(r), default: 0] += 1 }
        for r in sample.column(\.self) { inSample[AccountBook.sampleStratum(r), default: 0] += 1 }
        XCTAssertEqual(sample.sample?.strata, inFile.count)
        XCTAssertGreaterThan(inFile.count, 50, "the book should spread over many strata for the test to mean something")
        for (stratum, n) in inFile {
            let share = 1_234.0 * Double(n) / 10_000.0
            XCTAssertLessThan(abs(Double(inSample[stratum] ?? 0) - share), 1.0, "stratum \(stratum): \(inSample[stratum] ?? 0) of \(n)")
        }
        // The sampled accounts are the file's rows it names, in file order.
        let rows = sample.sample!.fileRows.map(Int.init)
        XCTAssertEqual(rows, rows.sorted())
        XCTAssertEqual(rows.map { full.record($0) }, sample.column(\.self))
    }

    func testTheSameAccountsAreChosenWhateverTheFilesOrder() {
        let a = book(5_000).stratifiedSample(700), b = book(5_000, reversed: true).stratifiedSample(700)
        XCTAssertEqual(Set(a.column(\.idKey)), Set(b.column(\.idKey)))
        XCTAssertEqual(a.count, 700)
    }

    func testASampleAsLargeAsTheBookIsTheBook() {
        let full = book(300)
        XCTAssertTrue(full.stratifiedSample(300) === full)
    }
}
