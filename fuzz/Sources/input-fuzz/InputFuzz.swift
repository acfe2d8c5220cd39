import Foundation
import FuzzDriver
import CollectSimKit

/// libFuzzer's entry point for the input-file readers: any bytes, read as a portfolio file and
/// as an account history, must either read or be refused with a `ScenarioError` naming a place
/// in the file. A crash, a hang, running out of memory, another error type, or a history read
/// with accounts whose months do not run from 0 to its last is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func inputFuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    let url = FuzzInputFile.url
    do { try data.write(to: url) } catch { fatalError("cannot write the input to \(url.path): \(error)") }
    check("portfolio") {
        let book = try PortfolioReader.read(url, name: "fuzz.csv", segments: ["salaried", "self_employed", "low_income"], ignore: ["note"])
        guard book.count > 0 else { fatalError("a book without accounts was read") }
    }
    check("history") {
        let history = try HistoryReader.read(url, name: "fuzz.csv", ignore: ["note"])
        guard history.months > 0 else { fatalError("a history without months was read") }
        for book in history.books {
            guard book.ids.count == book.points.count, book.points.allSatisfy({ $0.count == history.months + 1 }) else {
                fatalError("a history with accounts whose months do not run from 0 to \(history.months) was read")
            }
        }
    }
    return 0
}

/// Runs `read`; only a `ScenarioError` with a place and a message may come out of it.
func check(_ what: String, _ read: () throws -> Void) {
    do {
        try read()
    } catch let error as ScenarioError {
        guard error.line >= 0, error.column >= 0, !error.message.isEmpty else { fatalError("\(what): error without a place: \(error)") }
    } catch {
        fatalError("\(what): not a ScenarioError: \(type(of: error)): \(error)")
    }
}

/// The one file each input is written to (in memory where the system has /dev/shm).
enum FuzzInputFile {
    static let url: URL = {
        let dir = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return URL(fileURLWithPath: dir).appendingPathComponent("collectsim-input-fuzz-\(getpid()).csv")
    }()
}

/// SwiftPM links an executable's entry point under this name; it hands control to libFuzzer.
@_cdecl("input_fuzz_main")
public func inputFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in inputFuzzOneInput(data, size) }
}
