import Dispatch
@testable import Scenario
import XCTest
import Yams

/// YAML trees kept for a whole run (an editor's resolved scenario, the built-in strategies) are
/// read again and again, by every variant of an experiment, and possibly on several threads.
final class SharedYAMLTreeTests: XCTestCase {
    let base = """
    name: shared
    strategies: [gentle, strict, graded]
    baseline: graded
    """

    func testAnEditorsVariantsDoNotLeakIntoEachOther() throws {
        let original = try ScenarioLoader.parse(yaml: base, file: "shared.yaml")
        let editor = ScenarioEditor(original)
        let rule = try ScenarioPath("strategies.graded.rules[2].every_days")
        let stress = try ScenarioPath("model.capacity.macro_stress")
        let first = try editor.scenario(setting: [(rule, 11)])
        let second = try editor.scenario(setting: [(stress, 1.3)])
        XCTAssertEqual(second.strategies, original.strategies, "the first variant's rule change is gone")
        XCTAssertEqual(second.parameters["capacity.macro_stress"], 1.3)
        XCTAssertEqual(ScenarioWriter.yaml(try editor.scenario(setting: [(rule, 11)])), ScenarioWriter.yaml(first),
                       "the same assignment gives the same scenario")
        XCTAssertEqual(try editor.value(at: rule), 2, "the editor still reads the scenario's own value (the rule's first action)")
        let weights = try editor.scenario(setting: [(ScenarioPath("population.segments.low_income.weight"), 0.5)])
        XCTAssertNotEqual(weights.population, original.population)
        XCTAssertEqual(try editor.scenario(setting: [(stress, original.parameters["capacity.macro_stress"])]).population,
                       original.population, "the other segments' rescaled weights do not stay behind")
    }

    func testVariantsMadeOnSeveralThreadsAtOnceAreTheSameAsOneByOne() throws {
        let editor = ScenarioEditor(try ScenarioLoader.parse(yaml: base, file: "shared.yaml"))
        let path = try ScenarioPath("strategies.graded.rules[2].every_days")
        let days = Array(2...17)
        // Compared as resolved YAML, which writes out every field.
        let expected = try days.map { ScenarioWriter.yaml(try editor.scenario(setting: [(path, Double($0))])) }
        let results = ResultSlots<String>(count: days.count)
        let loads = ResultSlots<String>(count: days.count)
        let base = self.base
        DispatchQueue.concurrentPerform(iterations: days.count) { i in
            results[i] = (try? editor.scenario(setting: [(path, Double(days[i]))])).map { ScenarioWriter.yaml($0) }
            loads[i] = (try? ScenarioLoader.parse(yaml: base, file: "shared.yaml")).map { ScenarioWriter.yaml($0) }
        }
        let plain = ScenarioWriter.yaml(try ScenarioLoader.parse(yaml: base, file: "shared.yaml"))
        for i in days.indices {
            XCTAssertEqual(results[i], expected[i], "every_days = \(days[i])")
            XCTAssertEqual(loads[i], plain, "load \(i)")
        }
    }

    func testResolvingEveryTagLeavesNoTagToResolveOnARead() throws {
        func scalarTags(_ node: Node) -> [String] {
            switch node {
            case let .scalar(s): return [s.tag.description]
            case let .mapping(m): return m.flatMap { scalarTags($0.key) + scalarTags($0.value) }
            case let .sequence(s): return s.flatMap(scalarTags)
            case .alias: return []
            }
        }
        let tree = try XCTUnwrap(try Yams.compose(yaml: BuiltinResources.strategies))
        // Reading a scalar's stored tag does not resolve it; an implicit tag is the empty name.
        XCTAssertTrue(scalarTags(tree).contains(""), "a freshly read tree has tags still to resolve")
        ScenarioLoader.resolveEveryTag(tree)
        XCTAssertFalse(scalarTags(tree).contains(""))
        for (name, definition) in ScenarioLoader.builtinDefinitions() {
            XCTAssertFalse(scalarTags(definition.node).contains(""), "built-in strategy \(name)")
        }
    }
}

/// Slots that concurrent iterations fill, one each.
private final class ResultSlots<T>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    subscript(i: Int) -> T? {
        get { lock.lock(); defer { lock.unlock() }; return slots[i] }
        set { lock.lock(); defer { lock.unlock() }; slots[i] = newValue }
    }
}
