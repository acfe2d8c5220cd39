import Foundation
import Storage
import XCTest

/// What a user reads when a file cannot be written.
final class FileWriteErrorTests: XCTestCase {
    /// A write the system refuses is said in words, naming the file: here the real ENOSPC of
    /// /dev/full, which Foundation reports as NSCocoaErrorDomain Code=640.
    func testAFullDiskIsSaidInWordsWithTheFile() throws {
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: "/dev/full"))
        XCTAssertThrowsError(try handle.write(contentsOf: Data(repeating: 1, count: 1 << 16))) { error in
            XCTAssertTrue(FileWriteError.isWriteFailure(error), "\(error)")
            let e = FileWriteError.from(error, path: "/runs/x/metrics.csv")
            XCTAssertEqual(e.description, "cannot write /runs/x/metrics.csv: the disk is full (no space left on the device); free space, or write elsewhere with --out")
        }
        let long = FileWriteError.from(NSError(domain: NSPOSIXErrorDomain, code: Int(ENAMETOOLONG)), path: "/x")
        XCTAssertEqual(long.reason, "the name is too long for this file system")
        let readOnly = FileWriteError.from(CocoaError(.fileWriteVolumeReadOnly, userInfo: [NSFilePathErrorKey: "/ro/summary.json"]), path: "/elsewhere")
        XCTAssertEqual(readOnly.description, "cannot write /ro/summary.json: the file system is read-only; write elsewhere with --out")
    }
}
