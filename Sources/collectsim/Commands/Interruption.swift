import Dispatch
import Foundation
import Reports

/// SIGINT and SIGTERM ask `stop` to end the work at its next boundary (a replication, an
/// evaluation). Keep the returned sources alive for as long as the work runs, then cancel them.
func stopOnSignals(_ stop: StopRequest) -> [DispatchSourceSignal] {
    [SIGINT, SIGTERM].map { number in
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { stop.request(signal: number) }
        source.resume()
        return source
    }
}

/// Whether a folder already holds finished results: its summary is not partial and the folder
/// of unfinished work (`checkpoint/`, `evaluations/`) is gone. Resuming it has nothing to do.
func isComplete(_ dir: URL, workFolder: String) -> Bool {
    let summary = (try? String(contentsOf: dir.appendingPathComponent("summary.json"), encoding: .utf8)) ?? ""
    return summary.contains("\"partial\": false") && !FileManager.default.fileExists(atPath: dir.appendingPathComponent(workFolder).path)
}
