@testable import Reports
import XCTest

/// Chart labels fit their charts: long factor paths and segment names are given room, and the
/// longest are shortened with the whole name on hover rather than clipped at the edge.
final class ChartLabelTests: XCTestCase {
    func categoryLabels(_ svg: String) -> [(x: Double, text: String)] {
        svg.components(separatedBy: "<text x=\"").dropFirst().compactMap { piece in
            guard piece.contains("text-anchor=\"end\" font-size=\"11\""), let x = Double(piece.prefix { $0 != "\"" }),
                  let open = piece.firstIndex(of: ">"), let close = piece.range(of: "</text>") else { return nil }
            return (x, String(piece[piece.index(after: open)..<close.lowerBound]))
        }
    }

    func testLongCategoryNamesGetRoomAndAreNotClipped() {
        let names = ["population.segments.low_income.hardship_rate", "model.capacity.macro_stress"]
        let svg = SVGChart.bars(title: "t", categories: names, strategies: ["S1", "ST"],
                                value: { _, _ in ReportData.Estimate(mean: 0.3, low: 0.2, high: 0.4, n: 3) }, format: { "\($0)" })
        let labels = categoryLabels(svg)
        XCTAssertEqual(labels.map(\.text), names.map { HTMLReport.escape($0) }, "whole names")
        for l in labels {
            // Right-aligned at x: the text starts at x minus its width, inside the picture.
            XCTAssertGreaterThanOrEqual(l.x - SVGChart.textWidth(l.text, fontSize: 11), 0, l.text)
        }
    }

    func testNamesLongerThanHalfTheChartAreShortenedWithTheWholeNameOnHover() {
        let name = String(repeating: "very_long_segment_name_", count: 8)
        let svg = SVGChart.bars(title: "t", categories: [name], strategies: ["a"],
                                value: { _, _ in ReportData.Estimate(mean: 0.3, low: 0.2, high: 0.4, n: 3) }, format: { "\($0)" })
        let label = try! XCTUnwrap(categoryLabels(svg).first)
        XCTAssertTrue(label.text.hasPrefix("<title>\(name)</title>"), label.text)
        let shown = label.text.replacingOccurrences(of: "<title>\(name)</title>", with: "")
        XCTAssertTrue(shown.hasSuffix("…"))
        XCTAssertGreaterThanOrEqual(label.x - SVGChart.textWidth(shown, fontSize: 11), 0)
    }

    func testAxisLabelsLongerThanTheAxisAreShortened() {
        let long = String(repeating: "strategies.graded.rules[2].do[1].every_days.", count: 4)
        XCTAssertTrue(SVGChart.label(long, width: 300, fontSize: 11).hasSuffix("…"))
        XCTAssertEqual(SVGChart.label("day", width: 300, fontSize: 11), "day")
    }
}
