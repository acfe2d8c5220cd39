import Foundation
import FuzzDriver
import CollectSimKit

/// libFuzzer's entry point: any bytes, as a scenario file, must either load or be refused with
/// a `ScenarioError` that names a place in the file. A crash, a hang, running out of memory or
/// any other error type is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func scenarioFuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    do {
        let scenario = try ScenarioLoader.parse(data: data, file: "fuzz.yaml")
        // What loads must also write out and read back to the same text.
        let text = ScenarioWriter.yaml(scenario)
        let again = try ScenarioLoader.parse(yaml: text, file: "resolved.yaml")
        guard ScenarioWriter.yaml(again) == text else { fatalError("resolved form does not round-trip:\n\(text)") }
    } catch let error as ScenarioError {
        guard error.line >= 0, error.column >= 0, !error.message.isEmpty else { fatalError("error without a place: \(error)") }
    } catch {
        fatalError("not a ScenarioError: \(type(of: error)): \(error)")
    }
    return 0
}

/// SwiftPM links an executable's entry point under this name; it hands control to libFuzzer.
@_cdecl("scenario_fuzz_main")
public func scenarioFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in scenarioFuzzOneInput(data, size) }
}
