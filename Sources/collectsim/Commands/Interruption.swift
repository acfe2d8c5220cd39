import Dispatch
import Experiments
import Foundation
import Reports

/// SIGINT and SIGTERM ask `stop` to end the work at the next block of accounts (within about a
/// second; the replication or evaluation under way is dropped and done again on resume); a
/// second signal ends the process at once. Keep the returned sources alive for as long as the
/// work runs, then cancel them.
func stopOnSignals(_ stop: StopRequest) -> [DispatchSourceSignal] {
    [SIGINT, SIGTERM].map { number in
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler {
            // A second signal ends the process at once. What is saved stays consistent: every
            // checkpoint and output is written under a temporary name and renamed in place, and
            // a leftover temporary file is removed when the folder is next used. Signals that
            // arrive together are delivered as one event with their count.
            if stop.receive(signal: number, count: source.data) {
                let first = stop.signal ?? number
                let message = "\nStopped at once by a second signal; the checkpoints stay as they were. Resume with --resume.\n"
                _ = message.withCString { write(STDERR_FILENO, $0, strlen($0)) }
                _exit(128 + first)
            }
        }
        source.resume()
        return source
    }
}

/// Whether a folder already holds finished results: its summary is not partial and the folder
/// of unfinished work (`checkpoint/`, `evaluations/`) is gone. Resuming it has nothing to do.
func isComplete(_ dir: URL, workFolder: String) -> Bool {
    guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent("summary.json").path),
          let summary = try? FolderSummary.read(data) else { return false }
    return !summary.partial && !FileManager.default.fileExists(atPath: dir.appendingPathComponent(workFolder).path)
}
