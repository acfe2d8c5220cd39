@testable import Reports
import XCTest

/// The CSV reader that rebuilds reports from a run folder's own files (RFC 4180).
final class CSVTests: XCTestCase {
    func testPlainRowsSplitAtCommasAndLineEnds() {
        XCTAssertEqual(CSV.rows("a,b,c\n1,2,3\n"), [["a", "b", "c"], ["1", "2", "3"]])
        XCTAssertEqual(CSV.rows("a,b\r\n1,2\r\n"), [["a", "b"], ["1", "2"]], "CRLF ends a line")
        XCTAssertEqual(CSV.rows("a,,c\n,\n"), [["a", "", "c"], ["", ""]], "empty fields")
        XCTAssertEqual(CSV.rows("a,b\n1,2"), [["a", "b"], ["1", "2"]], "a last line without its line end")
        XCTAssertEqual(CSV.rows(""), [])
    }

    func testQuotedFieldsKeepCommasQuotesAndLineEnds() {
        XCTAssertEqual(CSV.rows("\"a,b\",c\n"), [["a,b", "c"]])
        XCTAssertEqual(CSV.rows("\"say \"\"hi\"\"\",x\n"), [["say \"hi\"", "x"]], "a doubled quote is one quote")
        XCTAssertEqual(CSV.rows("\"two\nlines\",\"crlf\r\ninside\"\n"), [["two\nlines", "crlf\r\ninside"]])
        XCTAssertEqual(CSV.rows("\"\",\"\"\"\"\n"), [["", "\""]], "an empty quoted field, and one holding only a quote")
        XCTAssertEqual(CSV.rows("\"unclosed"), [["unclosed"]])
        XCTAssertEqual(CSV.rows("\"ab\"cd,e\n"), [["abcd", "e"]], "text after the closing quote joins the field")
        XCTAssertEqual(CSV.rows("a\"b,c\n"), [["a\"b", "c"]], "a quote inside an unquoted field is kept")
    }

    func testACarriageReturnNotBeforeALineFeedBelongsToItsField() {
        XCTAssertEqual(CSV.rows("a\rb,c\r"), [["a\rb", "c\r"]])
    }

    func testNonASCIITextSurvivesWhole() {
        XCTAssertEqual(CSV.rows("催收,\"温和, 严格\",e\u{301}\n"), [["催收", "温和, 严格", "e\u{301}"]])
    }
}
