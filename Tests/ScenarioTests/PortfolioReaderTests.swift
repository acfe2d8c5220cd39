@testable import CollectionsModel
import Foundation
@testable import Scenario
import XCTest

/// Portfolio files: what is read as written, and every class of bad file refused with its
/// file, line, column and field before anything runs.
final class PortfolioReaderTests: XCTestCase {
    let header = "account_id,segment,grade,balance,overdue,days_past_due,installment,remaining_term"
    let segments = ["salaried", "self_employed", "low_income"]
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("portfolio-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func file(_ bytes: [UInt8], name: String = "book.csv") throws -> URL {
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    func file(_ text: String, name: String = "book.csv") throws -> URL { try file(Array(text.utf8), name: name) }

    func read(_ url: URL, ignore: [String] = []) throws -> AccountBook {
        try PortfolioReader.read(url, name: url.lastPathComponent, segments: segments, ignore: ignore)
    }

    /// The error a bad file gets: every problem's "file:line:column: error: field 'f': …" line.
    func problems(_ text: String, ignore: [String] = []) throws -> [String] {
        try problems(file(text), ignore: ignore)
    }

    func problems(_ url: URL, ignore: [String] = []) throws -> [String] {
        do {
            _ = try read(url, ignore: ignore)
            XCTFail("expected the file to be refused")
            return []
        } catch let e as ScenarioError {
            return e.description.components(separatedBy: "\n")
        }
    }

    func testAWellFormedBookIsReadAsWrittenWithBOMCRLFAndQuotedFields() throws {
        // BOM, CRLF line ends, an id with a comma and a quote, an id with a line break,
        // optional columns, spaces around values, a blank line.
        let text = "\u{FEFF}account_id,segment,grade,balance,overdue,days_past_due,installment,remaining_term,risk_score,reachable,on_plan,hardship_reported\r\n"
            + "\"L-1, \"\"north\"\"\",salaried,A,1000.50,0,-5,100,12,0.25,phone;sms,false,no\r\n"
            + "\r\n"
            + "\"L-2\nsecond line\",low_income, c ,500,120.5,45,60,9,,email,true,yes\r\n"
        let book = try read(try file(text))
        XCTAssertEqual(book.count, 2)
        XCTAssertEqual(book.column(\.idKey), [AccountBook.key(of: "L-1, \"north\""), AccountBook.key(of: "L-2\nsecond line")])
        XCTAssertEqual(book.column(\.segment), [0, 2])
        XCTAssertEqual(book.column(\.grade), [UInt8(Grade.A.rawValue), UInt8(Grade.C.rawValue)])
        XCTAssertEqual(book.column(\.balance), [1000.5, 500])
        XCTAssertEqual(book.column(\.overdue), [0, 120.5])
        XCTAssertEqual(book.column(\.dpd), [-5, 45])
        XCTAssertEqual(book.column(\.installment), [100, 60])
        XCTAssertEqual(book.column(\.remainingTerm), [12, 9])
        XCTAssertEqual(book.column(\.riskScore)[0], 0.25)
        XCTAssertTrue(book.column(\.riskScore)[1].isNaN, "an empty risk score is drawn")
        XCTAssertEqual(book.column(\.reach), [Reach([.phone, .sms]).rawValue, Reach.email.rawValue])
        XCTAssertEqual(book.column(\.flags), [0, KnownFlags([.onPlan, .hardshipReported]).rawValue])
        XCTAssertTrue(book.hasRiskScore)
        XCTAssertEqual(book.sha256, try PortfolioReader.sha256(of: folder.appendingPathComponent("book.csv")))
    }

    func testEachBadValueIsNamedByLineColumnAndFieldWithWhatWasExpected() throws {
        let lines = try problems(header + "\n"
            + "a1,salaried,A,1000,0,-3,100,12\n"        // line 2: fine
            + "a2,salaried,A,abc,0,-3,100,12\n"         // line 3: balance not a number
            + "a3,salaried,A,-5,0,-3,100,12\n"          // line 4: negative balance
            + "a4,salaried,A,100,150,30,10,12\n"        // line 5: overdue above the balance
            + "a5,salaried,F,100,0,-3,10,12\n"          // line 6: unknown grade
            + "a6,salaryed,A,100,0,-3,10,12\n"          // line 7: unknown segment (with a suggestion)
            + "a7,salaried,A,100,0,12.5,10,12\n"        // line 8: DPD not whole
            + "a8,salaried,A,100,0,30,10,12\n"          // line 9: past due with nothing overdue
            + "a9,salaried,A,100,20,-3,10,12\n"         // line 10: current with something overdue
            + "a10,salaried,A,100,0,-3,0,12\n"          // line 11: installment 0
            + "a11,salaried,A,100,0,-3,10\n"            // line 12: a field short
            + "a12,salaried,A,1,000,0,-3,10,12\n")      // line 13: an unquoted comma
        XCTAssertEqual(lines, [
            "book.csv:3:4: error: field 'balance': 'abc': expected a number like 1234.56",
            "book.csv:4:4: error: field 'balance': '-5': expected an amount ≥ 0",
            "book.csv:5:5: error: field 'overdue': '150': expected an amount between 0 and the balance (100.0)",
            "book.csv:6:3: error: field 'grade': 'F': expected a grade A, B, C, D or E",
            "book.csv:7:2: error: field 'segment': 'salaryed': expected one of the scenario's segments (salaried, self_employed, low_income); did you mean 'salaried'?",
            "book.csv:8:6: error: field 'days_past_due': '12.5': expected a whole number of days from -365 to 3650",
            "book.csv:9:5: error: field 'overdue': '0': expected an amount > 0: the account is 30 days past due",
            "book.csv:10:5: error: field 'overdue': '20': expected 0: the account is current (days_past_due -3); a past-due amount needs days_past_due > 0",
            "book.csv:11:7: error: field 'installment': '0': expected an amount > 0",
            "book.csv:12:8: error: expected 8 fields as the header has, found 7",
            "book.csv:13:9: error: expected 8 fields as the header has, found 9 (a value with a comma must be quoted)",
        ])
    }

    /// The reader takes the file in pieces and copies unquoted fields in runs: a record must come
    /// out the same wherever the pieces end, through a BOM, quotes, CRLF and a bare quote inside
    /// an unquoted field.
    func testRecordsAreTheSameWhereverThePiecesOfTheFileEnd() throws {
        let text = "\u{FEFF}id,name,note\r\n1,plain,\"a, \"\"quoted\"\"\r\nline\"\r\n22, spaced ,in\"side\n\n333,é,\"\"\r"
        let url = try file(text)
        func records(_ piece: Int) throws -> [[String]] {
            var out: [[String]] = []
            try CSVRecords(url, pieceSize: piece).forEach { r in
                out.append([String(r.line)] + (0..<r.count).map { String(decoding: r.field($0), as: UTF8.self) })
                return true
            }
            return out
        }
        let expected = [["1", "id", "name", "note"], ["2", "1", "plain", "a, \"quoted\"\r\nline"], ["4", "22", " spaced ", "in\"side"],
                        ["5", ""], ["6", "333", "é", ""]]
        for piece in [1, 2, 3, 5, 7, 64, 1 << 20] { XCTAssertEqual(try records(piece), expected, "pieces of \(piece) bytes") }
    }

    func testLinesAreCountedThroughQuotedLineBreaks() throws {
        let lines = try problems(header + "\n" + "\"x\ny\nz\",salaried,A,100,0,-3,10,12\n" + "b,salaried,Q,100,0,-3,10,12\n")
        XCTAssertEqual(lines, ["book.csv:5:3: error: field 'grade': 'Q': expected a grade A, B, C, D or E"])
    }

    func testTheHeaderMustNameTheRequiredColumnsAndOnlyKnownOnes() throws {
        XCTAssertEqual(try problems("account_id,segment,grade,balance,overdue,days_past_due,installment,branch\na,salaried,A,1,0,-1,1,north\n"), [
            "book.csv:1:8: error: field 'branch': unknown column 'branch' (the model reads: \(PortfolioColumns.names.joined(separator: ", ")); "
                + "list a column it should skip under population.ignore_columns)",
            "book.csv:1:9: error: field 'remaining_term': the header lacks the required column 'remaining_term'",
        ])
        // A column the scenario says to ignore is skipped.
        let book = try read(try file(header + ",branch\na,salaried,A,1,0,-1,1,3,north\n"), ignore: ["branch"])
        XCTAssertEqual(book.count, 1)
        XCTAssertEqual(book.ignoredColumns, ["branch"])
        XCTAssertEqual(try problems(header + ",grade\na,salaried,A,1,0,-1,1,3,B\n"),
                       ["book.csv:1:9: error: field 'grade': column 'grade' appears twice in the header"])
    }

    func testEmptyFilesAndFilesWithoutAccountsAreRefused() throws {
        XCTAssertEqual(try problems(""), ["book.csv:1:1: error: the portfolio file is empty; it needs a header row and one row per account"])
        XCTAssertEqual(try problems(header + "\n"), ["book.csv:2:1: error: the portfolio file has a header but no accounts"])
    }

    func testNonUTF8IsRefusedAtItsLine() throws {
        var bytes = Array((header + "\na,salaried,A,1,0,-1,1,3\nb,salaried,A,1,0,-1,1,3\nc").utf8)
        bytes += [0xE9]  // Latin-1 é
        bytes += Array(",salaried,A,1,0,-1,1,3\n".utf8)
        XCTAssertEqual(try problems(try file(bytes)),
                       ["book.csv:4:1: error: field 'account_id': not valid UTF-8 text; save the file as UTF-8"])
    }

    func testDuplicateIdsAreRefusedNamingBothLines() throws {
        XCTAssertEqual(try problems(header + "\na,salaried,A,1,0,-1,1,3\nb,salaried,A,1,0,-1,1,3\na,salaried,A,1,0,-1,1,3\n"),
                       ["book.csv:4:1: error: field 'account_id': duplicate account id 'a' (first on line 2); ids must be unique"])
    }

    func testTwentyProblemsAreListedThenCounted() throws {
        let rows = (1...25).map { "id\($0),salaried,A,x,0,-1,1,3" }.joined(separator: "\n")
        let lines = try problems(header + "\n" + rows + "\n")
        XCTAssertEqual(lines.count, 21)
        XCTAssertEqual(lines[0], "book.csv:2:4: error: field 'balance': 'x': expected a number like 1234.56")
        XCTAssertEqual(lines[19], "book.csv:21:4: error: field 'balance': 'x': expected a number like 1234.56")
        XCTAssertEqual(lines[20], "… and 5 more problems in book.csv")
    }

    func testAScenarioReadsItsPortfolioRelativeToItselfAndRecordsItsHash() throws {
        _ = try file(header + "\na,salaried,A,1000,0,-1,100,10\nb,low_income,E,500,80,40,40,12\n")
        let scenario = folder.appendingPathComponent("s.yaml")
        try Data("name: book\npopulation:\n  portfolio: book.csv\n".utf8).write(to: scenario)
        let s = try ScenarioLoader.load(path: scenario.path)
        XCTAssertEqual(s.population.size, 2)
        let resolved = ScenarioWriter.yaml(s)
        let sha = try PortfolioReader.sha256(of: folder.appendingPathComponent("book.csv"))
        XCTAssertTrue(resolved.contains("  portfolio: \"\(folder.appendingPathComponent("book.csv").standardizedFileURL.path)\"\n  portfolio_sha256: \(sha)\n"), resolved)
        // The resolved scenario loads again, from anywhere, to the same scenario.
        XCTAssertEqual(try ScenarioLoader.parse(yaml: resolved, file: "/elsewhere/r.yaml").population, s.population)
        // A book changed since is refused by the resolved scenario.
        _ = try file(header + "\na,salaried,A,1000,0,-1,100,10\n")
        XCTAssertThrowsError(try ScenarioLoader.parse(yaml: resolved, file: "r.yaml")) { e in
            XCTAssertTrue("\(e)".contains("has changed since this scenario was resolved"), "\(e)")
        }
    }

    func testAMissingPortfolioFileIsNamedAtTheScenarioLine() throws {
        XCTAssertThrowsError(try ScenarioLoader.parse(yaml: "name: x\npopulation:\n  portfolio: nowhere.csv\n", file: folder.appendingPathComponent("s.yaml").path)) { e in
            let d = "\(e)"
            XCTAssertTrue(d.hasSuffix("s.yaml:3:3: error: field 'population.portfolio': there is no such portfolio file: "
                                      + folder.appendingPathComponent("nowhere.csv").standardizedFileURL.path), d)
        }
    }

    func testASampleMustBeSmallerThanTheBookAndBelongsWithAPortfolio() throws {
        _ = try file(header + "\na,salaried,A,1000,0,-1,100,10\nb,low_income,E,500,80,40,40,12\nc,salaried,B,700,0,-2,70,10\n")
        let path = folder.appendingPathComponent("s.yaml").path
        let s = try ScenarioLoader.parse(yaml: "name: x\npopulation:\n  portfolio: book.csv\n  sample: 2\n", file: path)
        XCTAssertEqual(s.population.size, 2)
        XCTAssertEqual(s.population.book?.sample?.fileAccounts, 3)
        let resolved = ScenarioWriter.yaml(s)
        XCTAssertTrue(resolved.contains("\n  sample: 2\n"), resolved)
        XCTAssertEqual(try ScenarioLoader.parse(yaml: resolved, file: path).population.book?.column(\.idKey), s.population.book?.column(\.idKey))
        XCTAssertThrowsError(try ScenarioLoader.parse(yaml: "name: x\npopulation:\n  portfolio: book.csv\n  sample: 3\n", file: path)) { e in
            XCTAssertEqual("\(e)", "\(path):4:3: error: field 'population.sample': a sample of 3 is not smaller than the portfolio's 3 accounts; "
                           + "remove sample to run them all")
        }
        XCTAssertThrowsError(try ScenarioLoader.parse(yaml: "name: x\npopulation:\n  size: 10\n  sample: 3\n", file: path)) { e in
            XCTAssertEqual("\(e)", "\(path):4:3: error: field 'population.sample': 'sample' belongs with 'portfolio' (a lender's book file)")
        }
    }

    /// A cluster job's scenario reads its book from the records file, without the CSV; records
    /// made from another portfolio, sampled otherwise, or named without the portfolio's hash are
    /// refused at the scenario's line that names them.
    func testAJobsRecordsFileIsReadInsteadOfTheCSVAndRefusedWhenItIsNotThisBooks() throws {
        _ = try file(header + "\na,salaried,A,1000,0,-1,100,10\nb,low_income,E,500,80,40,40,12\nc,salaried,B,700,0,-2,70,10\n")
        let path = folder.appendingPathComponent("s.yaml").path
        let s = try ScenarioLoader.parse(yaml: "name: x\npopulation:\n  portfolio: book.csv\n  sample: 2\n", file: path)
        let book = try XCTUnwrap(s.population.book)
        var data = Data()
        try BookRecordsFile.write(book) { data.append($0) }
        try data.write(to: folder.appendingPathComponent("book.records"))
        let job = ScenarioWriter.yaml(s, bookRecords: "book.records")
        XCTAssertTrue(job.contains("\n  records: \"book.records\"\n"), job)
        // The CSV is gone: the records are all the job reads.
        try FileManager.default.removeItem(at: folder.appendingPathComponent("book.csv"))
        let read = try XCTUnwrap(ScenarioLoader.parse(yaml: job, file: path).population.book)
        XCTAssertEqual(read.column(\.self), book.column(\.self))
        XCTAssertEqual(read.sample?.fileRows, book.sample?.fileRows)
        XCTAssertEqual(read.path, book.path)
        XCTAssertEqual(ScenarioWriter.yaml(try ScenarioLoader.parse(yaml: job, file: path)), ScenarioWriter.yaml(s),
                       "the scenario a run keeps does not depend on where its book was read from")

        let lines = job.components(separatedBy: "\n")
        let recordsLine = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("  records:") }) + 1
        func refusal(_ yaml: String) -> String {
            do { _ = try ScenarioLoader.parse(yaml: yaml, file: path); return "accepted" } catch { return "\(error)" }
        }
        let otherSHA = String(repeating: "0", count: 64)
        XCTAssertEqual(refusal(job.replacingOccurrences(of: book.sha256, with: otherSHA)),
                       "\(path):\(recordsLine):3: error: field 'population.records': the records file \(folder.appendingPathComponent("book.records").path) "
                       + "was made from a portfolio with SHA-256 \(book.sha256), not \(otherSHA); prepare the job again (collectsim slurm)")
        XCTAssertEqual(refusal(job.replacingOccurrences(of: "\n  sample: 2\n", with: "\n")),
                       "\(path):\(recordsLine - 1):3: error: field 'population.records': the records file \(folder.appendingPathComponent("book.records").path) "
                       + "holds a sample of 2, the scenario asks for the whole book; prepare the job again (collectsim slurm)")
        XCTAssertEqual(refusal(job.replacingOccurrences(of: "  portfolio_sha256: \(book.sha256)\n", with: "")),
                       "\(path):\(recordsLine - 1):3: error: field 'population.records': 'records' needs 'portfolio_sha256', "
                       + "the SHA-256 of the portfolio the records were made from")
    }

    func testAccountIdsAreReadInFileOrderAndRefusedOnceTheFileHasChanged() throws {
        let url = try file(header + "\n\"x,1\",salaried,A,1000,0,-1,100,10\nb,low_income,E,500,80,40,40,12\n")
        let book = try read(url)
        XCTAssertEqual(try PortfolioReader.accountIds(of: book), ["x,1", "b"])
        _ = try file(header + "\nc,salaried,A,1000,0,-1,100,10\nb,low_income,E,500,80,40,40,12\n")
        XCTAssertThrowsError(try PortfolioReader.accountIds(of: book)) { e in
            XCTAssertTrue("\(e)".hasSuffix("error: the portfolio file changed after the run read it; its account ids cannot be exported (rerun)"), "\(e)")
        }
    }
}
