@testable import CollectionsModel
import XCTest

final class PrioritySelectionTests: XCTestCase {
    func testSelectTopKeepsExactlyTheKHighestPriorityDemands() {
        for (count, k) in [(10, 3), (1000, 61), (4096, 245), (500, 499), (7, 1)] {
            let buffer = UnsafeMutableBufferPointer<BlockSimulator.Demand>.allocate(capacity: count)
            defer { buffer.deallocate() }
            // Keys with many ties, as priority by DPD has.
            for i in 0..<count {
                buffer[i] = BlockSimulator.Demand(account: Int32(i), rule: 0, key: Double((i * 7919) % 13))
            }
            let expected = (0..<count).map { buffer[$0] }.sorted(by: PrioritySelection.before).prefix(k).map(\.account)
            PrioritySelection.selectTop(buffer, count: count, k: k)
            let chosen = (0..<k).map { buffer[$0].account }
            XCTAssertEqual(Set(chosen), Set(expected), "count \(count), k \(k)")
            XCTAssertEqual(Set((0..<count).map { buffer[$0].account }).count, count, "selection must permute, not duplicate")
        }
    }
}
