import Foundation
import Experiments
import XCTest

/// How a run answers signals: the first asks it to stop between blocks, a second ends it at once.
final class StopRequestTests: XCTestCase {
    func testTheFirstSignalAsksToStopAndASecondEndsTheWorkAtOnce() {
        let stop = StopRequest()
        XCTAssertNil(stop.signal)
        XCTAssertFalse(stop.receive(signal: SIGINT), "the first signal stops at the next block")
        XCTAssertEqual(stop.signal, SIGINT)
        XCTAssertTrue(stop.receive(signal: SIGTERM), "a second signal, of any kind, ends the work at once")
        XCTAssertEqual(stop.signal, SIGINT, "the stop is reported under the first signal")
    }

    func testTwoSignalsDeliveredAsOneEventEndTheWorkAtOnce() {
        let stop = StopRequest()
        XCTAssertTrue(stop.receive(signal: SIGINT, count: 2))
        XCTAssertEqual(stop.signal, SIGINT)
    }
}
