@testable import CollectionsModel
import XCTest

final class WaitingScanTests: XCTestCase {
    /// The eight-at-a-time scan must list exactly the accounts a plain filter lists, in account
    /// order, for every block length (including those that are not a multiple of eight) and for
    /// days waited for by none, some or all of the accounts.
    func testWaitingScanListsTheSameAccountsInOrderAsAPlainFilter() {
        let capacity = 70
        let waitsFor = UnsafeMutableBufferPointer<Int32>.allocate(capacity: capacity)
        let list = UnsafeMutableBufferPointer<Int32>.allocate(capacity: capacity)
        defer { waitsFor.deallocate(); list.deallocate() }
        var state: UInt64 = 12345
        for n in 0...capacity {
            for pattern in 0..<4 {
                for j in 0..<capacity {
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    switch pattern {
                    case 0: waitsFor[j] = 3                                 // everyone waits for day 3
                    case 1: waitsFor[j] = Int32.max                         // no one waits
                    case 2: waitsFor[j] = Int32(state >> 61)                // days 0…7, often 3
                    default: waitsFor[j] = state >> 60 == 0 ? 3 : Int32.max // a few wait
                    }
                }
                let expected = (0..<n).filter { waitsFor[$0] == 3 }.map { Int32($0) }
                let count = BlockSimulator.accountsWaiting(for: 3, in: waitsFor, n: n, into: list)
                XCTAssertEqual(Array(list.prefix(count)), expected, "n \(n), pattern \(pattern)")
            }
        }
    }
}
