import Foundation
@testable import Experiments
@testable import Storage
import TestSupport
import XCTest

/// Start-up clean-up removes only what a killed `AtomicFile.write` left behind: a name of its
/// exact shape whose writer has ended. It used to remove every `.*.tmp-*`, a user's files too.
final class StaleTemporaryFileTests: XCTestCase {
    func testOnlyTemporariesOfEndedWritersAreRemoved() throws {
        let dir = TestRun.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A process id that has certainly ended: a child that ran and was reaped.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let ended = child.processIdentifier
        let me = ProcessInfo.processInfo.processIdentifier
        let stale = [".metrics.csv.tmp-\(ended)-123", ".replication-000003.bin.tmp-\(ended)-4294967295"]
        let kept = [".notes.tmp-draft", ".notes.tmp-1", ".budget.xlsx.tmp-12-ab", ".tmp-\(ended)-1", ".summary.json.tmp-\(me)-7",
                    ".x.tmp-+\(ended)-1", "summary.json", "metrics.csv.tmp-\(ended)-9"]
        for name in stale + kept { XCTAssertTrue(FileManager.default.createFile(atPath: dir.appendingPathComponent(name).path, contents: Data("x".utf8))) }
        CheckpointedRun.removeStaleTemporaryFiles(in: [dir])
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path)), Set(kept))
        // The names AtomicFile makes are of the shape the clean-up recognises.
        let made = AtomicFile.temporaryName(for: "metrics.csv")
        XCTAssertTrue(made.hasPrefix(".metrics.csv.tmp-\(me)-"), made)
        XCTAssertFalse(AtomicFile.isStaleTemporary(made), "its writer, this process, is alive")
    }
}
