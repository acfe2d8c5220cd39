@testable import CollectionsModel
import Engine
import Foundation
import Scenario
import XCTest

/// A large book is kept in a file and read back block by block; a cluster job's book travels
/// as a records file whose blocks carry checksums. Neither changes a single bit of a run.
final class BookStorageTests: XCTestCase {
    static let yaml = "name: storage\nseed: 5\nreplications: 2\nhorizon_days: 60\nstrategies: [graded, strict]\n"

    func scenario() throws -> Scenario { try ScenarioLoader.parse(yaml: Self.yaml, file: "t") }

    /// 3,000 generated accounts (three blocks, the last one short) as a file would give them.
    func accounts(_ s: Scenario) -> [KnownAccount] {
        let model = ModelParameters(table: s.parameters, population: s.population, compliance: s.compliance, calendar: s.calendar, horizonDays: 30)
        return SyntheticBook.accounts(model: model, seed: 3, first: 0, count: 3000)
    }

    func book(_ accounts: [KnownAccount], residentLimit: Int) -> AccountBook {
        var b = AccountBook.Builder(residentLimit: residentLimit)
        for a in accounts { b.append(a) }
        return b.build(path: "/t/book.csv", sha256: "t", hasRiskScore: true, hasReach: true, ignoredColumns: [])
    }

    func run(_ s: Scenario, on book: AccountBook, threads: Int = 2) -> [[Tally]] {
        var s = s
        s.population.book = book
        s.population.size = book.count
        return Runner(scenario: s, threads: threads).run().tallies
    }

    func testABookKeptInAFileRunsToTheSameBitsAsOneInMemory() throws {
        let s = try scenario()
        let list = accounts(s)
        let resident = book(list, residentLimit: .max), filed = book(list, residentLimit: 700)
        XCTAssertTrue(resident.isResident)
        XCTAssertFalse(filed.isResident, "a book beyond the limit goes to a file")
        XCTAssertEqual(filed.column(\.self), resident.column(\.self))
        XCTAssertEqual(filed.profiles, resident.profiles)
        XCTAssertEqual(filed.dpdRange, resident.dpdRange)
        XCTAssertEqual(run(s, on: filed, threads: 1), run(s, on: resident, threads: 2))
        XCTAssertEqual(filed.stratifiedSample(500).column(\.self), resident.stratifiedSample(500).column(\.self))
    }

    func testRepeatedIdsAreFoundWhenTheKeysAreSortedInRunsOnDisk() throws {
        let s = try scenario()
        var list = accounts(s)
        list[2_500].id = list[10].id
        list[1_999].id = list[1_000].id
        let filed = book(list, residentLimit: 700)
        let expected: Set = [AccountBook.key(of: list[10].id), AccountBook.key(of: list[1_000].id)]
        XCTAssertEqual(filed.repeatedKeys(runLength: 256), expected, "twelve runs merged from a temporary file")
        XCTAssertEqual(filed.repeatedKeys(), expected, "one run, in memory")
        XCTAssertEqual(book(accounts(s), residentLimit: 700).repeatedKeys(runLength: 256), [])
    }

    func records(of book: AccountBook, in dir: URL) throws -> URL {
        var data = Data()
        try BookRecordsFile.write(book) { data.append($0) }
        let url = dir.appendingPathComponent("book.records")
        try data.write(to: url)
        return url
    }

    func testARecordsFileReadsBackToTheSameRunAndACorruptBlockIsNamedOnlyWhereItIsRead() throws {
        let s = try scenario()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("collectsim-records-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let original = book(accounts(s), residentLimit: .max).stratifiedSample(2_500)
        let url = try records(of: original, in: dir)
        let opened = try BookRecordsFile.open(url)
        XCTAssertFalse(opened.isResident)
        XCTAssertEqual(opened.column(\.self), original.column(\.self))
        XCTAssertEqual(opened.sample?.fileRows, original.sample?.fileRows)
        XCTAssertEqual(opened.sample?.weightRange, original.sample?.weightRange)
        XCTAssertEqual(opened.profiles, original.profiles)
        XCTAssertNoThrow(try opened.verify(0..<opened.count))
        XCTAssertEqual(run(s, on: opened), run(s, on: original))

        // One byte changed in the second block (accounts 1025–2048).
        var bytes = try Data(contentsOf: url)
        let recordsStart = bytes.count - original.count * MemoryLayout<BookRecord>.stride
        bytes[recordsStart + 1_500 * MemoryLayout<BookRecord>.stride + 9] ^= 0x40
        try bytes.write(to: url)
        let corrupt = try BookRecordsFile.open(url)
        XCTAssertNoThrow(try corrupt.verify(0..<1_024), "the first block is intact")
        XCTAssertNoThrow(try corrupt.verify(2_048..<2_500), "so is the last")
        XCTAssertThrowsError(try corrupt.verify(1_000..<1_100)) { error in
            XCTAssertEqual("\(error)", "the book's records file \(url.path) has changed since the job was prepared: accounts 1025–2048 "
                           + "(block 2 of 3) do not match their checksum; prepare the job again (collectsim slurm)")
        }
        // Cut short, or not a records file at all: refused when opened.
        try bytes.prefix(bytes.count - 7).write(to: url)
        XCTAssertThrowsError(try BookRecordsFile.open(url)) { error in
            XCTAssertTrue("\(error)".hasPrefix("the book records file \(url.path) is \(bytes.count - 7) bytes; its header says \(bytes.count)"), "\(error)")
        }
        try Data("account_id,segment\n".utf8).write(to: url)
        XCTAssertThrowsError(try BookRecordsFile.open(url)) { error in
            XCTAssertEqual("\(error)", "the book records file \(url.path) is not a CollectSim book records file (it does not start with CSBOOK1)")
        }
    }
}
