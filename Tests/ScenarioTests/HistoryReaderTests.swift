import Foundation
import Scenario
import XCTest

/// `HistoryReader`: a checked, complete panel, or every problem with its line and field.
final class HistoryReaderTests: XCTestCase {
    func read(_ text: String) throws -> AccountHistory {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try HistoryReader.read(url, name: "h.csv")
    }

    func problems(_ text: String) -> [String] {
        do {
            _ = try read(text)
            return []
        } catch let e as ScenarioError {
            return e.description.split(separator: "\n").map(String.init)
        } catch {
            return ["\(error)"]
        }
    }

    func testAnAccountThatSettlesAndLeavesIsCarriedToTheEndPayingNothing() throws {
        let h = try read("""
        account_id,month,days_past_due,balance,paid\r
        a,0,40,100.00,0\r
        a,1,0,0,100.00\r
        b,2,70,50,0\r
        b,0,10,50,0\r
        "b",1,40,50,0\r

        """)
        XCTAssertEqual(h.months, 2)
        XCTAssertEqual(h.books.count, 1)
        XCTAssertEqual(h.books[0].ids, ["a", "b"])
        XCTAssertEqual(h.books[0].points[0].map(\.balance), [100, 0, 0])
        XCTAssertEqual(h.books[0].points[0].map(\.paid), [0, 100, 0])
        XCTAssertEqual(h.books[0].points[1].map(\.dpd), [10, 40, 70], "rows are put in month order")
        XCTAssertEqual(h.books[0].points[1].map(\.bucket), [1, 2, 3])
    }

    func testEveryProblemIsListedWithItsLineColumnAndField() {
        let found = problems("""
        account_id,month,days_past_due,balance,paid,region
        a,0,10,100,0,x
        a,1,x,100,0,x
        b,0,10,-5,0,x

        """)
        XCTAssertEqual(found, ["h.csv:1:6: error: field 'region': unknown column 'region' (a history has: strategy, account_id, month, days_past_due, balance, paid, charged_off; skip others with --ignore-columns)"])
        XCTAssertEqual(problems("""
        account_id,month,days_past_due,balance,paid
        a,0,10,100,0
        a,1,x,100,0
        b,0,10,-5,0

        """), [
            "h.csv:3:3: error: field 'days_past_due': 'x': expected a whole number of days from -365 to 3650",
            "h.csv:4:4: error: field 'balance': '-5': expected an amount ≥ 0",
        ], "values are checked first; the months of accounts whose rows all read come next")
        let months = problems("""
        account_id,month,days_past_due,balance,paid
        c,1,10,5,0
        d,0,10,5,0
        d,2,10,5,0
        e,0,10,5,0
        e,0,11,5,0
        f,0,10,5,0
        f,1,10,5,0
        f,2,10,5,0
        g,0,10,5,0

        """)
        XCTAssertEqual(months, [
            "h.csv:2:2: error: field 'month': account 'c' starts at month 1; every account needs a month-0 row (the book at the start)",
            "h.csv:4:2: error: field 'month': account 'd' jumps from month 0 (line 3) to 2; months must follow one another",
            "h.csv:6:2: error: field 'month': account 'e' has month 0 twice (first on line 5)",
            "h.csv:10:2: error: field 'month': account 'g' ends at month 0 while open (1-29), but the history runs to month 2; only a settled or charged-off account may leave the file early",
        ])
    }

    func testAnEmptyFileAHeaderWithoutRowsAndAHistoryWithoutMonthsAreRefused() {
        XCTAssertEqual(problems(""), ["h.csv:1:1: error: the history file is empty; it needs a header row and one row per account and month"])
        XCTAssertEqual(problems("account_id,month,days_past_due,balance,paid\n"), ["h.csv:2:1: error: the history file has a header but no rows"])
        XCTAssertEqual(problems("account_id,month,days_past_due,balance,paid\na,0,1,5,0\n"),
                       ["h.csv:2:2: error: field 'month': the history has only month 0; it needs at least one month end after it"])
        XCTAssertEqual(problems("account_id,month,balance,paid\na,0,1,0\n"),
                       ["h.csv:1:5: error: field 'days_past_due': the header lacks the required column 'days_past_due'"])
    }
}
