import Foundation
@testable import Reports
import Scenario
import XCTest

/// Text from a scenario or a book reaches Markdown, spreadsheets and terminals only in a form
/// each shows literally.
final class OutputEscapingTests: XCTestCase {
    /// A back-tick in a factor path (a strategy named with one) cannot close the code span and
    /// let the rest render as HTML; in a table a pipe cannot split the cell.
    func testACodeSpanHoldsBackTicksAndPipesLiterally() {
        let path = "strategies.a`<img src=x onerror=alert(1)>`|b.rules[0].every_days"
        let span = MarkdownReport.code(path, inTable: true)
        XCTAssertEqual(span, "``strategies.a`<img src=x onerror=alert(1)>`\\|b.rules[0].every_days``")
        XCTAssertEqual(MarkdownReport.code("``x"), "``` ``x ```", "a fence longer than any run inside, padded when the text starts with one")
        XCTAssertEqual(MarkdownReport.code("plain"), "`plain`")
    }

    /// Texts a spreadsheet would run as formulas are written after a `'`, quoted; numbers,
    /// negative ones included, are left alone; reading a history back takes the `'` off.
    func testFormulaLikeTextIsDefusedAndNumbersAreNot() {
        XCTAssertEqual(CSVRecords.field("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")
        for text in ["+cmd", "-A17", "@SUM(A1)", "\tx", "\rx"] {
            let field = CSVRecords.field(text)
            XCTAssertTrue(field.hasPrefix("\"'"), field)
            XCTAssertEqual(CSVRecords.unescapedText(String(field.dropFirst().dropLast())), text)
        }
        for number in ["-0.5", "-12", "+3", "1e-3"] { XCTAssertEqual(CSVRecords.field(number), number) }
        XCTAssertEqual(CSVRecords.unescapedText("'quoted"), "'quoted", "only the mark before a formula start is taken off")
    }

    /// Errors quote the user's input with control and invisible characters made visible.
    func testAnErrorShowsControlAndInvisibleCharactersAsEscapes() {
        let e = ScenarioError(file: "s.yaml", line: 2, column: 1, field: "strategies.a\u{1B}[2J", message: "unknown key 'a\u{07}\u{202E}b'")
        XCTAssertEqual(e.description, "s.yaml:2:1: error: field 'strategies.a\\u{1B}[2J': unknown key 'a\\u{7}\\u{202E}b'")
        XCTAssertEqual(ScenarioError(file: "s.yaml", line: 0, column: 0, field: "", message: "there is no such scenario file").description,
                       "s.yaml: error: there is no such scenario file", "a problem of the whole file has no line")
    }
}
