import Foundation
import FuzzDriver
import CollectSimKit

/// libFuzzer's entry point for the command line's overrides: each line of the input is one
/// `--set PATH=VALUE` argument, or `seed=`, `replications=` or `population=` as their flags
/// give them. Parsing may refuse an argument with a `PathError`, and applying may refuse the
/// result with a `ScenarioError`; what is accepted must write out and load again to the same
/// text (the saved scenario a `--resume` reads), and the last `--set` must hold its value there.
/// A crash, a hang, running out of memory, another error type or a broken round trip is a
/// finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func overrideFuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).prefix(12).map(String.init)
    var overrides: [ScenarioOverride] = []
    var seed: UInt64?, replications: Int?, population: Int?
    for line in lines {
        // The flags, parsed as the command line parses them (validation keeps them positive).
        if line.hasPrefix("seed="), let v = UInt64(line.dropFirst(5)) { seed = v; continue }
        if line.hasPrefix("replications="), let v = Int(line.dropFirst(13)), v >= 1 { replications = v; continue }
        if line.hasPrefix("population="), let v = Int(line.dropFirst(11)), (1...ScenarioLoader.maxPopulation).contains(v) { population = v; continue }
        do {
            overrides.append(try ScenarioOverride(argument: line))
        } catch {
            guard !error.message.isEmpty else { fatalError("an argument refused without a reason: \(line)") }
        }
    }
    do {
        var s = try ScenarioOverride.apply(overrides, to: OverrideBase.scenario, editor: OverrideBase.editor)
        if let seed { s.seed = seed }
        if let replications { s.experiment!.replications = replications }
        if let population { s.experiment!.population = population }
        let text = ScenarioWriter.yaml(s)
        let again = try ScenarioLoader.parse(yaml: text, file: "resolved.yaml")
        guard ScenarioWriter.yaml(again) == text else { fatalError("the overridden scenario does not round-trip:\n\(text)") }
        if let last = overrides.last, !last.path.text.hasPrefix("population.segments.") || !last.path.text.hasSuffix(".weight") {
            let held = try ScenarioEditor(again).value(at: last.path)
            guard held == last.value else { fatalError("\(last) was saved as \(held)") }
        }
    } catch let error as ScenarioError {
        guard error.line >= 0, error.column >= 0, !error.message.isEmpty, !error.field.isEmpty else { fatalError("error without a field: \(error)") }
    } catch {
        fatalError("not a ScenarioError: \(type(of: error)): \(error)")
    }
    return 0
}

/// The scenario the overrides apply to: built-in and custom strategies, segments and an
/// experiment, so that paths have every kind of field to reach.
enum OverrideBase {
    static let editor = ScenarioEditor(scenario)
    static let scenario: Scenario = {
        do {
            return try ScenarioLoader.parse(yaml: """
            name: override-fuzz
            seed: 1
            horizon_days: 120
            population:
              size: 1000
              segments:
                salaried: {weight: 0.5}
                low_income: {weight: 0.3}
                self_employed: {weight: 0.2}
            strategies:
              gentle: {extends: gentle}
              graded: {extends: graded}
              custom:
                rules:
                  - when: {dpd: [1, 30]}
                    do: [{action: sms, every_days: 3, slot: morning}]
                  - when: {dpd: [31, 90], grade: [D, E]}
                    do: [{action: call, every_days: 5, slot: evening}, {action: installment, every_days: 30, installments: 6}]
            experiment:
              replications: 2
              population: 500
              sweep:
                factors:
                  - path: model.capacity.macro_stress
                    values: [0.9, 1.1]
            """, file: "override-fuzz.yaml")
        } catch {
            fatalError("the fuzz target's base scenario does not load: \(error)")
        }
    }()
}

/// SwiftPM links an executable's entry point under this name; it hands control to libFuzzer.
@_cdecl("override_fuzz_main")
public func overrideFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in overrideFuzzOneInput(data, size) }
}
