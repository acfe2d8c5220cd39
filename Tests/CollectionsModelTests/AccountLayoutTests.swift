@testable import CollectionsModel
import XCTest

/// The account record's repeated fields have one slot per case of what indexes them, so a new
/// action kind or channel cannot silently write over the next field.
final class AccountLayoutTests: XCTestCase {
    func testEveryRepeatedFieldHasOneSlotPerActionKindChannelCounterOrWeekday() {
        XCTAssertEqual(AccountStore.layoutProblems(), [])
        XCTAssertEqual(ActionKind.count, ActionKind.allCases.count)
        // The last slots end the 32-bit fields: the bytes start right after the last of them.
        XCTAssertEqual(AccountStore.bytesOffset, AccountStore.intsOffset + (AccountStore.I.last0.rawValue + ActionKind.allCases.count) * 4)
        XCTAssertEqual(AccountStore.D.fatigue5.rawValue - AccountStore.D.fatigue0.rawValue + 1, Channel.allCases.count)
    }

    func testATypedSlotReadsTheSlotOfItsCase() {
        let store = AccountStore(capacity: 3)
        store.setCount(3)
        let last = Slots<Int32, ActionKind>(store.i(.last0))
        for kind in ActionKind.allCases { last[1, kind] = Int32(100 + kind.rawValue) }
        XCTAssertEqual(store.i(.last0)[1], 100)
        XCTAssertEqual(store.i(.last0)[1, ActionKind.legal.rawValue], 111)
        XCTAssertEqual(store.u(.segment)[1], 0, "the field after the slots is untouched")
        XCTAssertEqual(store.i(.fatigueDay5)[1], 0, "the field before the slots is untouched")
        XCTAssertEqual(store.i(.last0)[2, ActionKind.legal.rawValue], 0, "another account's slots are untouched")
    }
}
